import { useQuery } from '@tanstack/react-query';
import { listProfiles } from '../../../lib/offline/profileStore';

export interface RecentProfile {
  npi: string;
  name: string;
  detail: string;
  viewedAt: number;
}

/** The profiles saved on this device (readable offline), most recently viewed first. */
export function useRecentProfiles(limit = 10) {
  return useQuery({
    queryKey: ['offline', 'recent', limit],
    queryFn: async (): Promise<RecentProfile[]> =>
      (await listProfiles()).slice(0, limit).map((p) => ({
        npi: p.npi,
        name: p.summary?.name ?? `NPI ${p.npi}`,
        detail: p.summary?.detail ?? '',
        viewedAt: p.viewedAt,
      })),
    staleTime: 0,
    networkMode: 'always',
  });
}
