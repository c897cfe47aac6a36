import { ApiError, NetworkError, toApiError } from './problem';
import type { components } from './schema';

export type Tokens = components['schemas']['Tokens'];

type Query = Record<string, string | number | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send the bearer token and, on 401, refresh once and retry (default true). */
  auth?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON body; undefined for 204 and 304. */
  data: T;
}

/** Runs `fn` holding a lock shared by every tab of the origin (the Web Locks API). */
export type CrossTabLock = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * The browser's Web Locks, where there are any; otherwise no cross-tab exclusion (each tab still
 * single-flights its own refreshes).
 */
export const webLock: CrossTabLock = (name, fn) => {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? locks.request(name, fn) : fn();
};

/** The lock index.html also takes for its early refresh. */
export const REFRESH_LOCK = 'rounds-refresh';

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Cross-tab lock around a refresh (default: Web Locks). */
  lock?: CrossTabLock;
  /** A refresh already started (by index.html): used once, for the first refresh. */
  takeStartedRefresh?: () => Promise<Response> | null;
}

type SessionListener = (tokens: Tokens | null) => void;

const REFRESH_PATH = '/api/v1/auth/refresh';

/**
 * The one API client. The access token lives only in this closure (never in storage); the refresh
 * token is the server's httpOnly cookie on /api/v1/auth, so a refresh is a credentialed POST.
 * Concurrent 401s share one refresh (single flight), because the server rotates the refresh token
 * and treats a reused one as theft. Tabs share the cookie, so refreshes of different tabs take one
 * cross-tab lock: the second tab's refresh is sent after the first one's response has set the new
 * cookie, instead of presenting the one just rotated (which would end the session everywhere).
 */
export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const lock = options.lock ?? webLock;
  let accessToken: string | null = null;
  let refreshing: Promise<Tokens | null> | null = null;
  const listeners = new Set<SessionListener>();

  function url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
    }
    const qs = params.toString();
    return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  async function send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await doFetch(url(path, opts.query), {
        method: opts.method ?? 'GET',
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
        credentials: path.startsWith('/api/v1/auth/') ? 'include' : 'same-origin',
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new NetworkError(err);
    }
  }

  function setSession(tokens: Tokens | null) {
    accessToken = tokens?.access_token ?? null;
    for (const l of listeners) l(tokens);
  }

  /** Gets a new access token from the refresh cookie; null when there is no valid session. */
  function refresh(): Promise<Tokens | null> {
    refreshing ??= (async () => {
      try {
        const started = options.takeStartedRefresh?.() ?? null;
        const res = await (started ??
          lock(REFRESH_LOCK, () => send(REFRESH_PATH, { method: 'POST', body: {} }, null)));
        if (res.ok) {
          const tokens = (await res.json()) as Tokens;
          setSession(tokens);
          return tokens;
        }
        if (res.status === 401 || res.status === 400 || res.status === 403) {
          setSession(null);
          return null;
        }
        throw await toApiError(res);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function request<T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const auth = opts.auth ?? true;
    let res = await send(path, opts, auth ? accessToken : null);
    if (res.status === 401 && auth) {
      const tokens = await refresh();
      if (!tokens) throw await toApiError(res);
      res = await send(path, opts, tokens.access_token);
      if (res.status === 401) {
        setSession(null);
      }
    }
    if (res.status === 304 || res.status === 204) {
      return { status: res.status, headers: res.headers, data: undefined as T };
    }
    if (!res.ok) throw await toApiError(res);
    const data = (await res.json()) as T;
    return { status: res.status, headers: res.headers, data };
  }

  return {
    request,
    /** GET returning just the body. */
    async get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
      return (await request<T>(path, { query, signal })).data;
    },
    refresh,
    setSession,
    hasSession: () => accessToken !== null,
    onSession(listener: SessionListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

type StartedRefresh = Promise<{ response?: Response; error?: unknown }>;

/** Takes the refresh index.html started before the app loaded (a round trip saved at startup). */
function takeStartedRefresh(): Promise<Response> | null {
  const w = window as { __roundsRefresh?: StartedRefresh };
  const started = w.__roundsRefresh;
  if (!started) return null;
  delete w.__roundsRefresh;
  return started.then(({ response, error }) => {
    if (response) return response;
    throw new NetworkError(error);
  });
}

/** The application's client (same origin: `rounds serve --web-root`, or Vite's proxy in development). */
export const api = createApiClient({ takeStartedRefresh });

export { ApiError, NetworkError };
