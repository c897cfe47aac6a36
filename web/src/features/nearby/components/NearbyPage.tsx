import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { LazyMap } from '../../../components/map/LazyMap';
import { Empty, ErrorNotice, Loading } from '../../../components/Status';
import { SpecialtySelect } from '../../../components/SpecialtySelect';
import { errorMessage } from '../../../lib/api/problem';
import { config } from '../../../lib/config';
import { formatDistance, titleCase } from '../../../lib/format';
import { resolveZip } from '../api/nearby';
import { useNearby } from '../hooks/useNearby';
import { RADII, type NearbyQuery } from '../types';

/** The contiguous US, shown until a position is known. */
const US_CENTER: [number, number] = [39.8, -98.6];

function num(v: string | null): number | null {
  if (v === null || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function NearbyPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const lat = num(params.get('lat'));
  const lng = num(params.get('lng'));
  const radius = num(params.get('r')) ?? 10;
  const specialty = params.get('specialty') ?? '';
  const [zip, setZip] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);

  const update = useCallback(
    (changes: Record<string, string | null>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const setCenter = useCallback(
    (la: number, ln: number) => update({ lat: la.toFixed(5), lng: ln.toFixed(5) }),
    [update],
  );

  const locate = useCallback(() => {
    if (!('geolocation' in navigator)) {
      setMessage('This device cannot share its location: pick a point on the map or type a ZIP.');
      return;
    }
    setLocating(true);
    setMessage(null);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setCenter(p.coords.latitude, p.coords.longitude);
      },
      (e) => {
        setLocating(false);
        setMessage(
          e.code === e.PERMISSION_DENIED
            ? 'Location permission was refused: pick a point on the map or type a ZIP.'
            : 'Your location is unavailable: pick a point on the map or type a ZIP.',
        );
      },
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
    );
  }, [setCenter]);

  // With no position in the address, start from the phone's.
  const hasPosition = lat !== null && lng !== null;
  useEffect(() => {
    if (!hasPosition) locate();
    // Only on arrival: later changes come from the user.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const query: NearbyQuery | null = useMemo(
    () => (lat !== null && lng !== null ? { lat, lng, radius, specialty } : null),
    [lat, lng, radius, specialty],
  );
  const nearby = useNearby(query);
  const rows = useMemo(() => nearby.data ?? [], [nearby.data]);
  const center = useMemo<[number, number]>(
    () => (lat !== null && lng !== null ? [lat, lng] : US_CENTER),
    [lat, lng],
  );
  const points = useMemo(
    () =>
      rows.map((r) => ({
        id: r.npi,
        lat: r.lat,
        lng: r.lng,
        title: `${titleCase(r.name)}${r.specialty ? `, ${r.specialty}` : ''}`,
      })),
    [rows],
  );

  async function submitZip(e: FormEvent) {
    e.preventDefault();
    const z = zip.trim();
    if (!/^\d{5}$/.test(z)) {
      setMessage('Type a 5-digit ZIP code.');
      return;
    }
    setMessage(null);
    try {
      const point = await resolveZip(z);
      if (point) {
        setCenter(point.lat, point.lng);
        setMessage(`Centred on ${point.label}.`);
      } else setMessage(`ZIP ${z} is not a known US ZIP code.`);
    } catch (err) {
      setMessage(errorMessage(err));
    }
  }

  return (
    <main id="main" className="page page-wide nearby">
      <h1 className="visually-hidden">Physicians nearby</h1>
      <div className="nearby-controls">
        <form className="zip-form" onSubmit={submitZip}>
          <div className="field">
            <label htmlFor="nearby-zip">ZIP</label>
            <input
              id="nearby-zip"
              inputMode="numeric"
              autoComplete="postal-code"
              maxLength={5}
              value={zip}
              onChange={(e) => setZip(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-small">
            Go
          </button>
          <button type="button" className="btn btn-small" onClick={locate} disabled={locating}>
            {locating ? 'Locating…' : 'My location'}
          </button>
        </form>
        <div className="field">
          <label htmlFor="radius">Within</label>
          <select id="radius" value={radius} onChange={(e) => update({ r: e.target.value })}>
            {RADII.map((r) => (
              <option key={r} value={r}>
                {r} {r === 1 ? 'mile' : 'miles'}
              </option>
            ))}
          </select>
        </div>
        <SpecialtySelect
          id="nearby-specialty"
          value={specialty}
          onChange={(v) => update({ specialty: v })}
        />
      </div>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <div className="nearby-body">
        <LazyMap
          className="nearby-map"
          label="Map of physicians nearby. Tap the map to search around another point."
          points={points}
          center={center}
          zoom={hasPosition ? 12 : 4}
          here={hasPosition ? center : null}
          fit={hasPosition}
          tileUrl={config.tileUrl}
          tileAttribution={config.tileAttribution}
          onSelect={(npi) => navigate(`/physicians/${npi}`)}
          onPick={setCenter}
        />
        <div className="nearby-list">
          <p className="results-status" role="status" aria-live="polite">
            {query && nearby.isSuccess
              ? `${rows.length} ${rows.length === 1 ? 'physician' : 'physicians'} within ${radius} mi`
              : ''}
          </p>
          {!query && !locating && (
            <Empty>
              Share your location, tap the map or type a ZIP to see who practises nearby.
            </Empty>
          )}
          {query && nearby.isPending && <Loading label="Finding physicians nearby…" />}
          {nearby.isError && (
            <ErrorNotice error={nearby.error} onRetry={() => void nearby.refetch()} />
          )}
          {query && nearby.isSuccess && rows.length === 0 && (
            <Empty>
              No physicians within {radius} miles. Try a larger radius or another specialty.
            </Empty>
          )}
          {rows.length > 0 && (
            <ol
              className={`rows ${nearby.isFetching ? 'rows-stale' : ''}`}
              aria-label="Physicians by distance"
              data-testid="nearby-list"
            >
              {rows.map((r) => (
                <li className="row" key={r.npi} data-npi={r.npi} data-distance={r.distanceM}>
                  <Link to={`/physicians/${r.npi}`} className="row-link">
                    <span className="row-main">
                      <span className="row-title">
                        {titleCase(r.name)}
                        {r.credential && <span className="credential">, {r.credential}</span>}
                      </span>
                      <span className="row-sub">{r.specialty ?? 'Specialty not listed'}</span>
                      <span className="row-sub">
                        {[titleCase(r.line1), titleCase(r.city), r.state]
                          .filter(Boolean)
                          .join(', ')}
                      </span>
                    </span>
                    <span className="row-distance">{formatDistance(r.distanceM)}</span>
                  </Link>
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
    </main>
  );
}
