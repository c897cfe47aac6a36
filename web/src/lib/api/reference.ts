import { queryOptions } from '@tanstack/react-query';
import { api } from './client';

export interface Specialty {
  code: string;
  name: string;
  physicians: number;
}

interface SpecialtyPage {
  items: Array<{ code?: unknown; name?: unknown; physicians?: unknown }>;
}

/** GET /api/v1/specialties: the taxonomy codes that have physicians, for the filter pickers. */
export async function fetchSpecialties(signal?: AbortSignal): Promise<Specialty[]> {
  const page = await api.get<SpecialtyPage>('/api/v1/specialties', undefined, signal);
  return (page.items ?? [])
    .filter((s) => typeof s.code === 'string' && typeof s.name === 'string')
    .map((s) => ({
      code: s.code as string,
      name: s.name as string,
      physicians: typeof s.physicians === 'number' ? s.physicians : 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export const specialtiesQuery = () =>
  queryOptions({
    queryKey: ['specialties'],
    queryFn: ({ signal }) => fetchSpecialties(signal),
    staleTime: 60 * 60_000,
  });
