export interface NearbyPhysician {
  npi: string;
  name: string;
  credential: string | null;
  specialty: string | null;
  line1: string | null;
  city: string | null;
  state: string | null;
  phone: string | null;
  distanceM: number;
  lat: number;
  lng: number;
}

export interface NearbyQuery {
  lat: number;
  lng: number;
  /** Miles. */
  radius: number;
  specialty: string;
}

export const RADII = [1, 2, 5, 10, 25, 50] as const;
