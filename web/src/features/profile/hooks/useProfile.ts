import { useQuery } from '@tanstack/react-query';
import { profileQuery } from '../api/profile';

export function useProfile(npi: string) {
  return useQuery(profileQuery(npi));
}
