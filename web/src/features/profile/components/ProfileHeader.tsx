import { formatPhone, titleCase } from '../../../lib/format';
import type { Profile } from '../types/profile';

/** geo: opens the maps app on Android; iOS has Apple Maps links; elsewhere Google Maps in a browser. */
export function directionsUrl(
  loc: { lat: number | null; lng: number | null; address: string },
  userAgent = navigator.userAgent,
): string {
  const q = encodeURIComponent(loc.address);
  if (/android/i.test(userAgent)) {
    return loc.lat !== null && loc.lng !== null
      ? `geo:${loc.lat},${loc.lng}?q=${q}`
      : `geo:0,0?q=${q}`;
  }
  if (/iphone|ipad|ipod/i.test(userAgent)) return `https://maps.apple.com/?daddr=${q}`;
  return `https://www.google.com/maps/dir/?api=1&destination=${q}`;
}

export function ProfileHeader({ profile }: { profile: Profile }) {
  const primary = profile.specialties.find((s) => s.primary) ?? profile.specialties[0];
  const loc = profile.locations.find((l) => l.phone) ?? profile.locations[0];
  const phone = loc?.phone ?? profile.mailingPhone;
  const address = loc
    ? [loc.line1, loc.city, loc.state, loc.postalCode?.slice(0, 5)].filter(Boolean).join(', ')
    : '';
  return (
    <header className="profile-header card">
      <h1 tabIndex={-1} id="profile-title">
        {titleCase(profile.displayName)}
        {profile.credential && <span className="credential">, {profile.credential}</span>}
      </h1>
      <p className="profile-specialty">{primary?.name ?? 'Specialty not listed'}</p>
      <p className="muted">
        NPI {profile.npi}
        {profile.deactivated && (
          <span className="badge badge-warn">
            Deactivated{profile.deactivationDate ? ` ${profile.deactivationDate}` : ''}
          </span>
        )}
      </p>
      <div className="actions">
        {phone ? (
          <a className="btn btn-primary" href={`tel:+1${phone.replace(/\D/g, '')}`}>
            Call {formatPhone(phone)}
          </a>
        ) : (
          <span className="muted">No phone on file</span>
        )}
        {loc && (
          <a
            className="btn"
            href={directionsUrl({ lat: loc.lat, lng: loc.lng, address })}
            target="_blank"
            rel="noopener noreferrer"
          >
            Directions
          </a>
        )}
      </div>
    </header>
  );
}
