import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import type { MapProps } from './types';

// leaflet.markercluster is a UMD plugin that extends the global L; it is loaded once, after L is
// published, by the promise below (this whole module is itself lazy-loaded with the map).
declare global {
  interface Window {
    L?: typeof L;
  }
}
window.L = L;
const clusterReady = import('leaflet.markercluster');

const pinIcon = L.divIcon({ className: 'pin', iconSize: [22, 22], iconAnchor: [11, 11] });
const hereIcon = L.divIcon({ className: 'here-dot', iconSize: [18, 18], iconAnchor: [9, 9] });

function labelMarker(marker: L.Marker, text: string) {
  marker.on('add', () => {
    const el = marker.getElement();
    if (el) {
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', text);
    }
  });
}

/** A Leaflet map with (optionally clustered) markers; the default export so it can be React.lazy()-ed. */
export default function ClusterMap({
  label,
  points,
  center,
  zoom = 12,
  cluster = true,
  fit = true,
  here,
  tileUrl,
  tileAttribution,
  onSelect,
  onPick,
  className,
}: MapProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const hereMarker = useRef<L.Marker | null>(null);
  const handlers = useRef({ onSelect, onPick });
  handlers.current = { onSelect, onPick };

  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, {
      zoomControl: true,
      attributionControl: Boolean(tileUrl),
      // markercluster needs a maximum zoom even when there is no tile layer to give one.
      maxZoom: 18,
    });
    m.setView(center, zoom);
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: tileAttribution, maxZoom: 19 }).addTo(m);
    }
    m.on('click', (e: L.LeafletMouseEvent) =>
      handlers.current.onPick?.(e.latlng.lat, e.latlng.lng),
    );
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
      layer.current = null;
      hereMarker.current = null;
    };
    // The map is created once; centre and points are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    let cancelled = false;
    void clusterReady.then(() => {
      const m = map.current;
      if (cancelled || !m) return;
      layer.current?.remove();
      const group: L.LayerGroup = cluster
        ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
        : L.layerGroup();
      for (const p of points) {
        const marker = L.marker([p.lat, p.lng], { icon: pinIcon, title: p.title, keyboard: true });
        marker.options.alt = p.title;
        labelMarker(marker, p.title);
        marker.on('click', () => handlers.current.onSelect?.(p.id));
        marker.on('keypress', (e: L.LeafletKeyboardEvent) => {
          if (e.originalEvent.key === 'Enter') handlers.current.onSelect?.(p.id);
        });
        group.addLayer(marker);
      }
      group.addTo(m);
      layer.current = group;
      m.getContainer().dataset.markers = String(points.length);
      if (fit && points.length > 0) {
        const bounds = L.latLngBounds(points.map((p) => [p.lat, p.lng] as [number, number]));
        bounds.extend(center);
        m.fitBounds(bounds, { padding: [24, 24], maxZoom: 15, animate: false });
      } else {
        m.setView(center, m.getZoom());
      }
    });
    return () => {
      cancelled = true;
    };
  }, [points, cluster, fit, center]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    hereMarker.current?.remove();
    hereMarker.current = here
      ? L.marker(here, { icon: hereIcon, interactive: false, keyboard: false }).addTo(m)
      : null;
  }, [here]);

  return (
    <div
      ref={el}
      className={`map ${className ?? ''}`}
      role="region"
      aria-label={label}
      data-testid="map"
    />
  );
}
