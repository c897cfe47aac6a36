import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { nearbyQuery } from '../api/nearby';
import type { NearbyQuery } from '../types';

export function useNearby(q: NearbyQuery | null) {
  return useQuery({ ...nearbyQuery(q), placeholderData: keepPreviousData });
}
