import type { components } from '../../../lib/api/schema';

export type PhysicianHit = components['schemas']['PhysicianHit'];
export type PhysicianHitPage = components['schemas']['PhysicianHitPage'];

export interface SearchFilters {
  q: string;
  specialty: string;
  state: string;
  city: string;
  zip: string;
}

export interface SearchParams extends SearchFilters {
  lat: number | null;
  lng: number | null;
}

/**
 * A search runs once two letters of a name are typed: the server requires `q`, and the filters
 * narrow a name search rather than list a whole specialty or city.
 */
export function canSearch(p: SearchFilters): boolean {
  return p.q.trim().length >= 2;
}
