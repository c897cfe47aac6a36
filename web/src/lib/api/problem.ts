import type { components } from './schema';

export type Problem = components['schemas']['Problem'];

/** An HTTP failure with the server's RFC 9457 problem details when it sent them. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, fallback: string) {
    super(problem?.detail || problem?.title || fallback);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** The network could not be reached (offline, DNS, connection refused): distinct from an HTTP error. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The server cannot be reached. Check your connection.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

function isProblem(v: unknown): v is Problem {
  return (
    typeof v === 'object' && v !== null && typeof (v as { status?: unknown }).status === 'number'
  );
}

/** Reads a failed response into an ApiError: problem+json when present, otherwise the status text. */
export async function toApiError(res: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await res.json();
      if (isProblem(body)) {
        problem = body;
      }
    } catch {
      // A broken body still leaves a useful status; the message below says what happened.
    }
  }
  return new ApiError(res.status, problem, statusText(res.status));
}

function statusText(status: number): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You do not have access to this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment and try again.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return `Request failed (${status}).`;
}

/** Words for the user from any error a fetcher can throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError || err instanceof NetworkError) {
    const fieldErrors = err instanceof ApiError ? (err.problem?.errors ?? []) : [];
    if (fieldErrors.length > 0) {
      return `${err.message} ${fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
    }
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
