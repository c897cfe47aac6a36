/**
 * Build-time settings (Vite env). VITE_TILE_URL is a Leaflet tile template such as
 * https://tile.openstreetmap.org/{z}/{x}/{y}.png; unset means no tiles: markers on a plain background.
 */
export const config = {
  tileUrl: (import.meta.env.VITE_TILE_URL as string | undefined) ?? '',
  tileAttribution: (import.meta.env.VITE_TILE_ATTRIBUTION as string | undefined) ?? '',
};
