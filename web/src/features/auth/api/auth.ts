import { api } from '../../../lib/api/client';
import type { LoginResult, MfaEnrolment, Tokens } from '../types';

const auth = { auth: false } as const;

/** POST /api/v1/auth/login: tokens (refresh token set as an httpOnly cookie) or an MFA challenge. */
export async function login(email: string, password: string): Promise<LoginResult> {
  const res = await api.request<LoginResult>('/api/v1/auth/login', {
    ...auth,
    method: 'POST',
    body: { email, password },
  });
  return res.data;
}

/** POST /api/v1/auth/mfa: the second step with a TOTP or recovery code. */
export async function completeMfa(challenge: string, code: string): Promise<LoginResult> {
  const res = await api.request<LoginResult>('/api/v1/auth/mfa', {
    ...auth,
    method: 'POST',
    body: { challenge, code },
  });
  return res.data;
}

/** POST /api/v1/auth/mfa/enroll with the challenge of a sign-in that requires enrolment. */
export async function startEnrolment(challenge: string): Promise<MfaEnrolment> {
  const res = await api.request<MfaEnrolment>('/api/v1/auth/mfa/enroll', {
    ...auth,
    method: 'POST',
    body: { challenge },
  });
  return res.data;
}

/** POST /api/v1/auth/logout: revokes the refresh token and clears its cookie. */
export async function logout(): Promise<void> {
  try {
    await api.request<unknown>('/api/v1/auth/logout', { method: 'POST', body: {} });
  } finally {
    api.setSession(null);
  }
}

export function startSession(tokens: Tokens) {
  api.setSession(tokens);
}

/** POST /api/v1/auth/sso/exchange: the one-time code of a single sign-on for the session's tokens. */
export async function exchangeSsoCode(code: string): Promise<LoginResult> {
  const res = await api.request<LoginResult>('/api/v1/auth/sso/exchange', {
    ...auth,
    method: 'POST',
    body: { code },
  });
  return res.data;
}

/**
 * Where a single sign-on for the organisation `slug` starts: its OpenID Connect connection, else its
 * SAML one; null when it has neither. A start that is set up answers with a redirect to the identity
 * provider (not followed here: a fresh start is opened by the browser itself).
 */
export async function findSsoStart(
  slug: string,
  returnTo: string,
  doFetch: typeof fetch = (input, init) => fetch(input, init),
): Promise<string | null> {
  const org = encodeURIComponent(slug.trim().toLowerCase());
  for (const protocol of ['oidc', 'saml']) {
    const url = `/api/v1/auth/sso/${org}/${protocol}/start?return_to=${encodeURIComponent(returnTo)}`;
    const res = await doFetch(url, { redirect: 'manual', credentials: 'same-origin' });
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) return url;
  }
  return null;
}
