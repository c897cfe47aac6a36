import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ErrorNotice } from '../../../components/Status';
import { ApiError } from '../../../lib/api/problem';
import { formatDateTime } from '../../../lib/format';
import { useProfile } from '../hooks/useProfile';
import { ProfileHeader } from './ProfileHeader';
import {
  AffiliationsSection,
  EnrollmentSection,
  LocationsSection,
  PartBSection,
  PartDSection,
  PaymentsSection,
  SpecialtiesSection,
} from './ProfileSections';

export function ProfilePage() {
  const { npi = '' } = useParams();
  const query = useProfile(npi);
  const main = useRef<HTMLElement>(null);
  // The sections below the first screen are added one at a time after the first paint, each in its own task
  // (render, then the browser's layout of just that section), so drawing the charts is never one long task that
  // keeps the page from answering taps; the header, locations and specialties render at once.
  // Keyed by the NPI, so a refetch that changes the data does not hide the lower sections again.
  const shown = useStagedReveal(LATER_SECTIONS.length, query.data ? npi : undefined);

  useEffect(() => {
    if (query.data) document.title = `${query.data.profile.displayName} · Rounds`;
    return () => {
      document.title = 'Rounds';
    };
  }, [query.data]);

  if (query.isPending) {
    return (
      <main id="main" className="page" aria-busy="true">
        <div className="card skeleton-header" role="status">
          Loading profile…
        </div>
        <div className="card skeleton-block" aria-hidden="true" />
        <div className="card skeleton-block" aria-hidden="true" />
      </main>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    return (
      <main id="main" className="page">
        <h1>{notFound ? 'Physician not found' : 'The profile could not be loaded'}</h1>
        <ErrorNotice
          error={query.error}
          onRetry={notFound ? undefined : () => void query.refetch()}
        />
        <p>
          <Link to="/find">Back to search</Link>
        </p>
      </main>
    );
  }
  const { profile, offline, asOf } = query.data;
  return (
    <main id="main" className="page profile" ref={main}>
      {offline && (
        <p className="notice notice-offline" role="status">
          Offline, as of {formatDateTime(asOf)}. This is the copy saved on this device.
        </p>
      )}
      <ProfileHeader profile={profile} />
      <LocationsSection profile={profile} />
      <SpecialtiesSection profile={profile} />
      <EnrollmentSection profile={profile} />
      {LATER_SECTIONS.slice(0, shown).map((LaterSection, i) => (
        <LaterSection key={i} profile={profile} />
      ))}
      {shown < LATER_SECTIONS.length && (
        <div
          className="card skeleton-block"
          role="status"
          aria-label="Loading the rest of the profile"
        />
      )}
    </main>
  );
}

const LATER_SECTIONS = [AffiliationsSection, PartBSection, PartDSection, PaymentsSection];

/**
 * How many of `total` later parts to show for `key`: none at first, then one more after each drawn frame, in
 * a task of its own (a new `key` starts again from none).
 */
function useStagedReveal(total: number, key: unknown): number {
  const [state, setState] = useState({ key, shown: 0 });
  const shown = state.key === key ? state.shown : 0;
  useEffect(() => {
    if (key === undefined || shown >= total) return;
    // After the next frame has been drawn (a task of its own), or after 100 ms where frames are not drawn
    // (a tab in the background).
    let afterFrame = 0;
    const next = () => {
      window.clearTimeout(fallback);
      window.clearTimeout(afterFrame);
      window.cancelAnimationFrame(frame);
      setState({ key, shown: shown + 1 });
    };
    const frame = window.requestAnimationFrame(() => {
      afterFrame = window.setTimeout(next, 0);
    });
    const fallback = window.setTimeout(next, 100);
    return () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(afterFrame);
      window.clearTimeout(fallback);
    };
  }, [key, shown, total]);
  return shown;
}
