import { render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { api } from '../../../lib/api/client';
import { findSsoStart } from '../api/auth';
import { SsoCompletePage } from './SsoCompletePage';

const tokens = {
  access_token: 'sso-token',
  token_type: 'Bearer',
  expires_in: 600,
  user: { id: 'u1', org_id: 'o1', role: 'rep' },
};

function at(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/sso/complete" element={<SsoCompletePage />} />
        <Route path="/physicians/:npi" element={<p>profile page</p>} />
        <Route path="/" element={<p>home page</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('SsoCompletePage', () => {
  it('trades the one-time code for the session once and opens the page asked for', async () => {
    const fetchMock = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(
        new Response(JSON.stringify(tokens), { headers: { 'content-type': 'application/json' } }),
      );
    at('/sso/complete?code=abc123&return_to=%2Fphysicians%2F1093911893');
    await screen.findByText('profile page');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/v1/auth/sso/exchange');
    expect(JSON.parse(String(init?.body))).toEqual({ code: 'abc123' });
    expect(api.hasSession()).toBe(true);
    api.setSession(null);
  });

  it('never follows a return_to off the site', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify(tokens), { headers: { 'content-type': 'application/json' } }),
    );
    at('/sso/complete?code=abc123&return_to=%2F%2Fevil.example');
    await screen.findByText('home page');
    api.setSession(null);
  });

  it('says in words why a sign-in failed', async () => {
    at('/sso/complete?error=access_denied');
    expect((await screen.findByRole('alert')).textContent).toMatch(/administrator/);
    expect(screen.getByRole('link', { name: 'Back to sign in' }).getAttribute('href')).toBe(
      '/login',
    );
  });

  it('shows the server problem when the code was already used', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(
        JSON.stringify({
          type: 'urn:rounds:problem:unauthorized',
          title: 'Unauthorized',
          status: 401,
          detail: 'the sign-in code is unknown, used or expired',
          request_id: 'r',
        }),
        { status: 401, headers: { 'content-type': 'application/problem+json' } },
      ),
    );
    at('/sso/complete?code=used');
    await waitFor(() => expect(screen.queryByText(/unknown, used or expired/)).not.toBeNull());
  });
});

describe('findSsoStart', () => {
  const redirect = () => ({ type: 'opaqueredirect', status: 0 }) as Response;
  const missing = () => new Response('{}', { status: 404 });

  it('prefers OpenID Connect, falls back to SAML, and says when neither is set up', async () => {
    const oidc = vi.fn<typeof fetch>(async () => redirect());
    expect(await findSsoStart('Acme', '/find', oidc)).toBe(
      '/api/v1/auth/sso/acme/oidc/start?return_to=%2Ffind',
    );
    expect(oidc.mock.calls[0]?.[1]?.redirect).toBe('manual');

    const saml = vi.fn<typeof fetch>(async (input) =>
      String(input).includes('/saml/') ? redirect() : missing(),
    );
    expect(await findSsoStart('acme', '/', saml)).toBe(
      '/api/v1/auth/sso/acme/saml/start?return_to=%2F',
    );

    const none = vi.fn<typeof fetch>(async () => missing());
    expect(await findSsoStart('acme', '/', none)).toBeNull();
  });
});
