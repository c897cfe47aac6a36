import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useDebouncedValue } from '../../../hooks/useDebouncedValue';
import { searchQuery } from '../api/search';
import { canSearch, type SearchParams } from '../types';

export function usePhysicianSearch(params: SearchParams) {
  const debounced = useDebouncedValue(params, 200);
  const enabled = canSearch(debounced);
  const query = useInfiniteQuery({
    ...searchQuery(debounced, enabled),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const pending = JSON.stringify(params) !== JSON.stringify(debounced);
  return { ...query, items, enabled, pending };
}
