import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { NetworkError } from '../../../lib/api/problem';
import { getProfile, putProfile, type StoredProfile } from '../../../lib/offline/profileStore';
import { titleCase } from '../../../lib/format';
import { normaliseProfile, type Profile } from '../types/profile';

function summary(p: Profile) {
  const specialty = p.specialties.find((s) => s.primary) ?? p.specialties[0];
  const place = p.locations[0];
  return {
    name: `${titleCase(p.displayName)}${p.credential ? `, ${p.credential}` : ''}`,
    detail: [
      specialty?.name,
      place ? `${titleCase(place.city)}, ${place.state ?? ''}`.trim() : null,
    ]
      .filter(Boolean)
      .join(' · '),
  };
}

export interface LoadedProfile {
  profile: Profile;
  /** True when the network failed and this is the copy saved on the device. */
  offline: boolean;
  /** When the server last confirmed this copy (ms since the epoch). */
  asOf: number;
}

async function stored(npi: string): Promise<StoredProfile | undefined> {
  try {
    return await getProfile(npi);
  } catch {
    return undefined; // private mode or a broken database: read from the network only
  }
}

async function save(entry: StoredProfile) {
  try {
    await putProfile(entry);
  } catch {
    // The device copy is a convenience; failing to write it must not fail the screen.
  }
}

interface Prefetch {
  path: string;
  response: Promise<Response | null>;
}

/**
 * The profile index.html fetched while the app loaded, when it is this one and it succeeded (taken
 * once: a later visit fetches anew). Anything else (another page, a failed session, an error
 * status) leaves the normal path to do the request and report problems.
 */
export async function takePrefetched(
  path: string,
): Promise<{ status: number; headers: Headers; data: unknown } | null> {
  const w = window as { __roundsPrefetch?: Prefetch };
  const prefetch = w.__roundsPrefetch;
  if (!prefetch || prefetch.path !== path) return null;
  delete w.__roundsPrefetch;
  try {
    const res = await prefetch.response;
    if (!res || res.status !== 200) return null;
    return { status: 200, headers: res.headers, data: (await res.json()) as unknown };
  } catch {
    return null;
  }
}

/**
 * GET /api/v1/physicians/{npi}, revalidated with the saved copy's ETag (a 304 re-uses it), saved
 * for offline reading; when the network is down the saved copy is returned and marked offline.
 */
export async function fetchProfile(npi: string, signal?: AbortSignal): Promise<LoadedProfile> {
  const path = `/api/v1/physicians/${encodeURIComponent(npi)}`;
  const [copy, prefetched] = await Promise.all([stored(npi), takePrefetched(path)]);
  try {
    const res =
      prefetched ??
      (await api.request<unknown>(path, {
        signal,
        headers: copy?.etag ? { 'If-None-Match': copy.etag } : {},
      }));
    const data = res.status === 304 && copy ? copy.data : res.data;
    const profile = normaliseProfile(data);
    const now = Date.now();
    await save({
      npi,
      etag: res.headers.get('ETag') ?? copy?.etag ?? null,
      data,
      fetchedAt: now,
      viewedAt: now,
      summary: summary(profile),
    });
    return { profile, offline: false, asOf: now };
  } catch (err) {
    if (err instanceof NetworkError && copy) {
      await save({ ...copy, viewedAt: Date.now() });
      return { profile: normaliseProfile(copy.data), offline: true, asOf: copy.fetchedAt };
    }
    throw err;
  }
}

export const profileQuery = (npi: string) =>
  queryOptions({
    queryKey: ['physicians', 'profile', npi],
    queryFn: ({ signal }) => fetchProfile(npi, signal),
    // The network-or-device fallback above already covers a failed fetch.
    retry: false,
  });
