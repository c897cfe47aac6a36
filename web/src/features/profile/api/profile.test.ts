import { beforeEach, describe, expect, it, vi } from 'vitest';
import { clearProfiles, getProfile } from '../../../lib/offline/profileStore';
import { fetchProfile, takePrefetched } from './profile';

const body = {
  npi: '1093911893',
  entity_type: 'individual',
  name: { display: 'DR. SANDRA SMITH' },
  credential: 'MD',
  deactivated: false,
  specialties: [{ code: '2085R0202X', name: 'Diagnostic Radiology Physician', primary: true }],
  locations: [],
  enrollment: { records: [], source: null },
  affiliations: { items: [], source: null },
  partb: { years: [], top_procedures: [] },
  partd: { years: [], top_drugs: [] },
  open_payments: { years: [], by_payer: [], by_nature: [], largest: [], source: null },
};

describe('fetchProfile', () => {
  beforeEach(async () => {
    await clearProfiles();
  });

  it('saves the profile, revalidates with its ETag and falls back to it offline', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch');
    fetchMock.mockResolvedValueOnce(
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json', ETag: '"p-v1"' },
      }),
    );
    const first = await fetchProfile('1093911893');
    expect(first.offline).toBe(false);
    expect(first.profile.displayName).toBe('DR. SANDRA SMITH');
    expect((await getProfile('1093911893'))?.etag).toBe('"p-v1"');

    fetchMock.mockResolvedValueOnce(
      new Response(null, { status: 304, headers: { ETag: '"p-v1"' } }),
    );
    const second = await fetchProfile('1093911893');
    const init = fetchMock.mock.calls[1]?.[1];
    expect((init?.headers as Record<string, string>)['If-None-Match']).toBe('"p-v1"');
    expect(second.profile.specialties[0]?.primary).toBe(true);

    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const third = await fetchProfile('1093911893');
    expect(third.offline).toBe(true);
    expect(third.profile.npi).toBe('1093911893');
  });

  it('fails offline when the profile was never viewed', async () => {
    vi.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(fetchProfile('1234567893')).rejects.toThrow(/cannot be reached/);
  });

  it('uses the profile index.html fetched while the app loaded, once', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch');
    const w = window as { __roundsPrefetch?: unknown };
    w.__roundsPrefetch = {
      path: '/api/v1/physicians/1093911893',
      response: Promise.resolve(
        new Response(JSON.stringify(body), {
          status: 200,
          headers: { 'content-type': 'application/json', ETag: '"p-v2"' },
        }),
      ),
    };
    const got = await fetchProfile('1093911893');
    expect(got.profile.displayName).toBe('DR. SANDRA SMITH');
    expect(fetchMock).not.toHaveBeenCalled();
    expect((await getProfile('1093911893'))?.etag).toBe('"p-v2"');
    expect(w.__roundsPrefetch).toBeUndefined();
  });

  it('ignores a prefetch of another page or one that failed', async () => {
    const w = window as { __roundsPrefetch?: unknown };
    w.__roundsPrefetch = {
      path: '/api/v1/physicians/1234567893',
      response: Promise.resolve(new Response('{}', { status: 200 })),
    };
    expect(await takePrefetched('/api/v1/physicians/1093911893')).toBeNull();
    w.__roundsPrefetch = {
      path: '/api/v1/physicians/1093911893',
      response: Promise.resolve(new Response('{}', { status: 401 })),
    };
    expect(await takePrefetched('/api/v1/physicians/1093911893')).toBeNull();
    w.__roundsPrefetch = { path: '/api/v1/physicians/1093911893', response: Promise.resolve(null) };
    expect(await takePrefetched('/api/v1/physicians/1093911893')).toBeNull();
  });
});
