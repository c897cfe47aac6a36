import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import { ApiError } from '../../../lib/api/problem';
import type { components } from '../../../lib/api/schema';
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

type Zip = components['schemas']['Zip'];

/**
 * A typed ZIP is placed at its Census ZCTA centroid (GET /api/v1/zips/{zip}). An unknown ZIP gives
 * null, so the caller can say so; other failures are thrown as the API's problem.
 */
export async function resolveZip(
  zip: string,
  signal?: AbortSignal,
): Promise<{ lat: number; lng: number; label: string } | null> {
  let z: Zip;
  try {
    z = await api.get<Zip>(`/api/v1/zips/${encodeURIComponent(zip)}`, undefined, signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
  const place = z.city && z.state ? `${z.city}, ${z.state} ` : '';
  return { lat: z.lat, lng: z.lng, label: `${place}${z.zip}` };
}
