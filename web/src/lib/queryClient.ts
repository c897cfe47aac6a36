import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api/problem';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        gcTime: 10 * 60_000,
        refetchOnWindowFocus: false,
        // A 4xx will not get better by retrying; a network blip or 5xx may.
        retry: (failures, err) => !(err instanceof ApiError && err.status < 500) && failures < 1,
      },
    },
  });
}
