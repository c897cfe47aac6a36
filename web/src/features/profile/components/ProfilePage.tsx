import { useDeferredValue, useEffect, useRef } from 'react';
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
  // The sections below the first screen render in a second, interruptible pass (React yields to the browser
  // every few milliseconds in it), so drawing the charts is never one long task that keeps the page from
  // answering taps; the header, locations and specialties render at once.
  const later = useDeferredValue(query.data);

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
      {later?.profile === profile ? (
        <>
          <AffiliationsSection profile={profile} />
          <PartBSection profile={profile} />
          <PartDSection profile={profile} />
          <PaymentsSection profile={profile} />
        </>
      ) : (
        <div
          className="card skeleton-block"
          role="status"
          aria-label="Loading the rest of the profile"
        />
      )}
    </main>
  );
}
