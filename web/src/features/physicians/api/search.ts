import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api/client';
import type { PhysicianHitPage, SearchParams } from '../types';

export const PAGE_SIZE = 25;

/** GET /api/v1/physicians/search (typo tolerant on the server). */
export function searchPhysicians(
  p: SearchParams,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<PhysicianHitPage> {
  return api.get<PhysicianHitPage>(
    '/api/v1/physicians/search',
    {
      q: p.q.trim(),
      specialty: p.specialty,
      state: p.state,
      city: p.city.trim(),
      zip: p.zip.trim(),
      lat: p.lat,
      lng: p.lng,
      limit: PAGE_SIZE,
      cursor,
    },
    signal,
  );
}

/**
 * Each keystroke (after the debounce) is a new query key; TanStack Query aborts the signal of the
 * query that lost its observer, so a stale request is cancelled rather than raced.
 */
export const searchQuery = (p: SearchParams, enabled: boolean) =>
  infiniteQueryOptions({
    queryKey: ['physicians', 'search', p],
    queryFn: ({ pageParam, signal }) => searchPhysicians(p, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
