import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { ApiError } from '../../../lib/api/problem';
import type { NearbyPhysician, NearbyQuery } from '../types';

export const NEARBY_LIMIT = 200;

interface Feature {
  geometry?: { type?: string; coordinates?: unknown };
  properties?: Record<string, unknown>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** GeoJSON features into rows; anything without a point or an NPI is dropped at this boundary. */
export function normaliseNearby(body: { features?: Feature[] }): NearbyPhysician[] {
  const rows: NearbyPhysician[] = [];
  for (const f of body.features ?? []) {
    const c = f.geometry?.coordinates;
    const p = f.properties ?? {};
    const npi = str(p.npi);
    if (!npi || !Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') continue;
    const address = (p.address ?? {}) as Record<string, unknown>;
    rows.push({
      npi,
      name: str(p.name) ?? npi,
      credential: str(p.credential),
      specialty: str(p.specialty),
      line1: str(address.line1),
      city: str(address.city),
      state: str(address.state),
      phone: str(address.phone),
      distanceM: typeof p.distance_m === 'number' ? p.distance_m : Number.NaN,
      lng: c[0],
      lat: c[1],
    });
  }
  // The server orders by distance; a stable sort keeps that promise even if it ever did not.
  return rows.sort((a, b) => a.distanceM - b.distanceM);
}

/** GET /api/v1/physicians/nearby (GeoJSON FeatureCollection, nearest first). */
export async function fetchNearby(
  q: NearbyQuery,
  signal?: AbortSignal,
): Promise<NearbyPhysician[]> {
  const body = await api.get<{ features?: Feature[] }>(
    '/api/v1/physicians/nearby',
    {
      lat: q.lat.toFixed(5),
      lng: q.lng.toFixed(5),
      radius: `${q.radius}mi`,
      specialty: q.specialty,
      limit: NEARBY_LIMIT,
    },
    signal,
  );
  return normaliseNearby(body);
}

export const nearbyQuery = (q: NearbyQuery | null) =>
  queryOptions({
    queryKey: ['physicians', 'nearby', q],
    queryFn: ({ signal }) => fetchNearby(q as NearbyQuery, signal),
    enabled: q !== null,
  });

/**
 * There is no ZIP geocoding endpoint yet, so a typed ZIP is resolved through the data itself: the
 * first physician practising in that ZIP (search zip=…), whose profile carries the location's
 * coordinates (the ZIP centroid when geocoded by ZIP). The search endpoint currently requires a
 * name (`q`), so the server may refuse this; the caller then explains what to do instead.
 */
export class ZipLookupUnavailable extends Error {
  constructor() {
    super(
      'Looking up a ZIP is not available on this server yet: use your location or tap the map.',
    );
    this.name = 'ZipLookupUnavailable';
  }
}

export async function resolveZip(
  zip: string,
  signal?: AbortSignal,
): Promise<{ lat: number; lng: number } | null> {
  let page: { items: Array<{ npi: string }> };
  try {
    page = await api.get<{ items: Array<{ npi: string }> }>(
      '/api/v1/physicians/search',
      { zip, limit: 1 },
      signal,
    );
  } catch (err) {
    if (
      err instanceof ApiError &&
      err.status === 400 &&
      err.problem?.errors?.some((e) => e.field === 'q')
    ) {
      throw new ZipLookupUnavailable();
    }
    throw err;
  }
  const first = page.items[0];
  if (!first) return null;
  const profile = await api.get<{
    locations?: Array<{ lat?: unknown; lng?: unknown; postal_code?: unknown }>;
  }>(`/api/v1/physicians/${first.npi}`, undefined, signal);
  const locs = profile.locations ?? [];
  const loc =
    locs.find(
      (l) =>
        typeof l.postal_code === 'string' &&
        l.postal_code.startsWith(zip) &&
        typeof l.lat === 'number',
    ) ?? locs.find((l) => typeof l.lat === 'number');
  if (!loc || typeof loc.lat !== 'number' || typeof loc.lng !== 'number') return null;
  return { lat: loc.lat, lng: loc.lng };
}
