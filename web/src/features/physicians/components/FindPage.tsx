import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Empty, ErrorNotice } from '../../../components/Status';
import { SpecialtySelect } from '../../../components/SpecialtySelect';
import { usePhysicianSearch } from '../hooks/usePhysicianSearch';
import type { SearchFilters } from '../types';
import { RecentList } from './RecentList';
import { ResultRow } from './ResultRow';
import { US_STATES } from './US_STATES';

const KEYS: Array<keyof SearchFilters> = ['q', 'specialty', 'state', 'city', 'zip'];

export function FindPage() {
  const [params, setParams] = useSearchParams();
  const [showFilters, setShowFilters] = useState(() => KEYS.slice(1).some((k) => params.get(k)));
  const [position, setPosition] = useState<{ lat: number; lng: number } | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);

  const filters = useMemo(
    () => Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as unknown as SearchFilters,
    [params],
  );
  const search = useMemo(
    () => ({ ...filters, lat: position?.lat ?? null, lng: position?.lng ?? null }),
    [filters, position],
  );
  const result = usePhysicianSearch(search);

  function set(key: keyof SearchFilters, value: string) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  }

  function toggleLocation() {
    if (position) {
      setPosition(null);
      return;
    }
    if (!('geolocation' in navigator)) {
      setGeoError('This device cannot share its location.');
      return;
    }
    setLocating(true);
    setGeoError(null);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setPosition({ lat: p.coords.latitude, lng: p.coords.longitude });
      },
      (e) => {
        setLocating(false);
        setGeoError(
          e.code === e.PERMISSION_DENIED
            ? 'Location permission was refused.'
            : 'Your location is unavailable.',
        );
      },
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 60_000 },
    );
  }

  const activeFilters = KEYS.slice(1).filter((k) => filters[k]).length;
  const busy = result.pending || result.isFetching;

  return (
    <main id="main" className="page">
      <h1 className="visually-hidden">Find physicians</h1>
      <form className="search" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="q">Name</label>
          <input
            id="q"
            type="search"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. Sandra Smith"
            value={filters.q}
            onChange={(e) => set('q', e.target.value)}
          />
        </div>
        <div className="search-actions">
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={showFilters}
            aria-controls="filters"
            onClick={() => setShowFilters((s) => !s)}
          >
            Filters{activeFilters > 0 ? ` (${activeFilters})` : ''}
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={position !== null}
            onClick={toggleLocation}
            disabled={locating}
          >
            {locating ? 'Locating…' : position ? 'Distance: on' : 'Show distance'}
          </button>
        </div>
        <div id="filters" className="filters" hidden={!showFilters}>
          <SpecialtySelect
            id="specialty"
            value={filters.specialty}
            onChange={(v) => set('specialty', v)}
          />
          <div className="field">
            <label htmlFor="state">State</label>
            <select id="state" value={filters.state} onChange={(e) => set('state', e.target.value)}>
              <option value="">Any state</option>
              {US_STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="city">City</label>
            <input
              id="city"
              value={filters.city}
              autoComplete="address-level2"
              onChange={(e) => set('city', e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="zip">ZIP</label>
            <input
              id="zip"
              inputMode="numeric"
              autoComplete="postal-code"
              maxLength={10}
              value={filters.zip}
              onChange={(e) => set('zip', e.target.value)}
            />
          </div>
        </div>
        {geoError && <p className="field-error">{geoError}</p>}
      </form>

      <p className="results-status" role="status" aria-live="polite">
        {!result.enabled
          ? ''
          : busy && result.items.length === 0
            ? 'Searching…'
            : result.isSuccess
              ? `${result.items.length}${result.hasNextPage ? '+' : ''} ${result.items.length === 1 ? 'result' : 'results'}`
              : ''}
      </p>

      {!result.enabled && (
        <>
          <Empty>Type at least two letters of a name. Filters narrow the results.</Empty>
          <RecentList />
        </>
      )}
      {result.enabled && result.isError && (
        <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />
      )}
      {result.enabled && result.isPending && !result.isError && <SkeletonRows />}
      {result.enabled && result.isSuccess && result.items.length === 0 && (
        <Empty>No physicians match. Check the spelling or remove a filter.</Empty>
      )}
      {result.items.length > 0 && (
        <ul
          className={`rows ${busy ? 'rows-stale' : ''}`}
          aria-label="Search results"
          aria-busy={busy}
        >
          {result.items.map((hit) => (
            <ResultRow key={hit.npi} hit={hit} />
          ))}
        </ul>
      )}
      {result.hasNextPage && (
        <button
          type="button"
          className="btn btn-block"
          onClick={() => void result.fetchNextPage()}
          disabled={result.isFetchingNextPage}
        >
          {result.isFetchingNextPage ? 'Loading more…' : 'Load more'}
        </button>
      )}
    </main>
  );
}

function SkeletonRows() {
  return (
    <ul className="rows" aria-hidden="true">
      {Array.from({ length: 6 }, (_, i) => (
        <li key={i} className="row row-skeleton" />
      ))}
    </ul>
  );
}
