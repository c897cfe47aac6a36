export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
  /** Accessible name and tooltip of the marker. */
  title: string;
}

export interface MapProps {
  /** Accessible description of the map region. */
  label: string;
  points: MapPoint[];
  center: [number, number];
  zoom?: number;
  /** Group nearby markers (leaflet.markercluster). */
  cluster?: boolean;
  /** Zoom to show all points (and the centre) whenever they change. */
  fit?: boolean;
  /** A "you / search centre" dot. */
  here?: [number, number] | null;
  tileUrl?: string;
  tileAttribution?: string;
  onSelect?: (id: string) => void;
  onPick?: (lat: number, lng: number) => void;
  className?: string;
}
