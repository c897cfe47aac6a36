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

/**
 * GET /api/v1/physicians/{npi}, revalidated with the saved copy's ETag (a 304 re-uses it), saved
 * for offline reading; when the network is down the saved copy is returned and marked offline.
 */
export async function fetchProfile(npi: string, signal?: AbortSignal): Promise<LoadedProfile> {
  const copy = await stored(npi);
  try {
    const res = await api.request<unknown>(`/api/v1/physicians/${encodeURIComponent(npi)}`, {
      signal,
      headers: copy?.etag ? { 'If-None-Match': copy.etag } : {},
    });
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
