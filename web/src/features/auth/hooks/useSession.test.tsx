import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '../../../lib/api/client';
import { SessionProvider, useSession } from './useSession';

const wrapper = ({ children }: { children: ReactNode }) => (
  <SessionProvider>{children}</SessionProvider>
);

const tokens = {
  access_token: 't',
  token_type: 'Bearer',
  expires_in: 600,
  user: { id: 'u1', org_id: 'o1', role: 'rep' },
};

describe('useSession', () => {
  it('is signed in when the startup refresh succeeds, and signed out when a later refresh fails', async () => {
    const fetchMock = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValueOnce(
        new Response(JSON.stringify(tokens), { headers: { 'content-type': 'application/json' } }),
      );
    const { result } = renderHook(() => useSession(), { wrapper });
    expect(result.current.status).toBe('checking');
    await waitFor(() => expect(result.current.status).toBe('signed-in'));
    expect(result.current.user?.role).toBe('rep');
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/auth/refresh');

    // The access token expires and the refresh cookie is gone: back to sign-in.
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ status: 401, title: 'Unauthorized', detail: 'expired' }), {
        status: 401,
        headers: { 'content-type': 'application/problem+json' },
      }),
    );
    await api.get('/api/v1/me').catch(() => undefined);
    await waitFor(() => expect(result.current.status).toBe('signed-out'));
  });

  it('is offline when the server cannot be reached at startup', async () => {
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('Failed to fetch'));
    const { result } = renderHook(() => useSession(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('offline'));
  });
});
