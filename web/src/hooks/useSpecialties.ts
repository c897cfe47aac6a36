import { useQuery } from '@tanstack/react-query';
import { specialtiesQuery } from '../lib/api/reference';

export function useSpecialties() {
  return useQuery(specialtiesQuery());
}
