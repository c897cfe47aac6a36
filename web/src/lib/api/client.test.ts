import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from './client';
import { ApiError, NetworkError, errorMessage } from './problem';

const tokens = (t: string) => ({
  access_token: t,
  token_type: 'Bearer' as const,
  expires_in: 600,
  user: { id: 'u', org_id: 'o', role: 'rep' as const },
});

function json(status: number, body: unknown, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

const problem = (status: number, detail: string) =>
  json(
    status,
    { type: 'urn:x', title: 'T', status, detail, request_id: 'r' },
    'application/problem+json',
  );

function authOf(init: RequestInit | undefined): string | undefined {
  return (init?.headers as Record<string, string> | undefined)?.Authorization;
}

describe('api client', () => {
  it('refreshes once on 401 and retries with the new token', async () => {
    const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
      const url = String(input);
      if (url.endsWith('/api/v1/auth/refresh')) {
        expect(init?.credentials).toBe('include');
        expect(init?.method).toBe('POST');
        return json(200, tokens('new'));
      }
      return authOf(init) === 'Bearer new' ? json(200, { ok: true }) : problem(401, 'expired');
    });
    const client = createApiClient({ fetch: fetchMock });
    client.setSession(tokens('old'));
    const body = await client.get<{ ok: boolean }>('/api/v1/me');
    expect(body.ok).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(client.hasSession()).toBe(true);
  });

  it('shares one refresh between concurrent 401s', async () => {
    let refreshes = 0;
    const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
      if (String(input).endsWith('/refresh')) {
        refreshes += 1;
        await new Promise((r) => setTimeout(r, 5));
        return json(200, tokens('new'));
      }
      return authOf(init) === 'Bearer new' ? json(200, {}) : problem(401, 'expired');
    });
    const client = createApiClient({ fetch: fetchMock });
    await Promise.all([client.get('/a'), client.get('/b'), client.get('/c')]);
    expect(refreshes).toBe(1);
  });

  it('serialises refreshes of different tabs behind one lock', async () => {
    // Two clients stand for two tabs sharing one cookie jar and one lock.
    let cookie = 'r1';
    const seen: string[] = [];
    const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
      if (String(input).endsWith('/refresh')) {
        const presented = cookie;
        seen.push(presented);
        await new Promise((r) => setTimeout(r, 5));
        if (presented !== cookie) return problem(401, 'reused refresh token');
        cookie = `${presented}+`;
        return json(200, tokens(`t-${cookie}`));
      }
      return authOf(init)?.startsWith('Bearer t-') ? json(200, {}) : problem(401, 'expired');
    });
    let tail: Promise<unknown> = Promise.resolve();
    const lock = <T>(_name: string, fn: () => Promise<T>): Promise<T> => {
      const run = tail.then(fn);
      tail = run.catch(() => undefined);
      return run;
    };
    const tabA = createApiClient({ fetch: fetchMock, lock });
    const tabB = createApiClient({ fetch: fetchMock, lock });
    await Promise.all([tabA.get('/a'), tabB.get('/b')]);
    expect(seen).toEqual(['r1', 'r1+']);
    expect(tabA.hasSession() && tabB.hasSession()).toBe(true);
  });

  it('ends the session when the refresh is refused', async () => {
    const fetchMock = vi.fn<typeof fetch>(async () => problem(401, 'no session'));
    const client = createApiClient({ fetch: fetchMock });
    const seen: Array<unknown> = [];
    client.onSession((t) => seen.push(t));
    client.setSession(tokens('old'));
    const err = await client.get('/api/v1/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(seen.at(-1)).toBeNull();
    expect(client.hasSession()).toBe(false);
  });

  it('turns problem+json into an ApiError with the detail as message', async () => {
    const client = createApiClient({
      fetch: async () =>
        json(
          400,
          {
            type: 'urn:rounds:problem:validation',
            title: 'Bad Request',
            status: 400,
            detail: 'lat must be between -90 and 90',
            request_id: 'abc',
            errors: [{ field: 'lat', message: 'out of range' }],
          },
          'application/problem+json',
        ),
    });
    const err = await client.get('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('lat must be between -90 and 90');
    expect((err as ApiError).problem?.request_id).toBe('abc');
    expect(errorMessage(err)).toContain('lat: out of range');
  });

  it('gives a readable message when the body is not problem+json', async () => {
    const client = createApiClient({
      fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }),
    });
    const err = await client.get('/x').catch((e: unknown) => e);
    expect(errorMessage(err)).toMatch(/server had a problem/);
  });

  it('reports a network failure as NetworkError', async () => {
    const client = createApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(client.get('/x')).rejects.toBeInstanceOf(NetworkError);
  });

  it('passes 304 through without a body and encodes the query', async () => {
    const fetchMock = vi.fn<typeof fetch>(async () => new Response(null, { status: 304 }));
    const client = createApiClient({ fetch: fetchMock });
    const res = await client.request('/api/v1/physicians/1', {
      query: { q: 'smith jr', empty: '', none: undefined, limit: 5 },
      headers: { 'If-None-Match': '"v1"' },
    });
    expect(res.status).toBe(304);
    expect(res.data).toBeUndefined();
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/v1/physicians/1?q=smith+jr&limit=5');
  });

  it('uses a refresh started before the app loaded, once', async () => {
    let taken = 0;
    const fetchMock = vi.fn<typeof fetch>(async () => json(200, tokens('second')));
    const client = createApiClient({
      fetch: fetchMock,
      takeStartedRefresh: () => {
        taken += 1;
        return taken === 1 ? Promise.resolve(json(200, tokens('first'))) : null;
      },
    });
    expect((await client.refresh())?.access_token).toBe('first');
    expect(fetchMock).not.toHaveBeenCalled();
    expect((await client.refresh())?.access_token).toBe('second');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
