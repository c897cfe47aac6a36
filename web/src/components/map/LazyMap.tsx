import { Suspense, lazy } from 'react';
import type { MapProps } from './types';

const ClusterMap = lazy(() => import('./ClusterMap'));

/** The map, loaded on demand: Leaflet stays out of the initial bundle. The box keeps its size meanwhile. */
export function LazyMap(props: MapProps) {
  return (
    <Suspense
      fallback={
        <div className={`map map-loading ${props.className ?? ''}`} role="status">
          Loading map…
        </div>
      }
    >
      <ClusterMap {...props} />
    </Suspense>
  );
}
