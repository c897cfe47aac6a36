import { Link } from 'react-router-dom';
import { formatDistance, titleCase } from '../../../lib/format';
import type { PhysicianHit } from '../types';

export function ResultRow({ hit }: { hit: PhysicianHit }) {
  const place = [titleCase(hit.city), hit.state].filter(Boolean).join(', ');
  return (
    <li className="row">
      <Link to={`/physicians/${hit.npi}`} className="row-link">
        <span className="row-main">
          <span className="row-title">
            {titleCase(hit.name)}
            {hit.credential && <span className="credential">, {hit.credential}</span>}
          </span>
          <span className="row-sub row-specialty">{hit.specialty ?? 'Specialty not listed'}</span>
          <span className="row-sub">
            {place}
            {hit.deactivated && <span className="badge badge-warn"> Deactivated</span>}
          </span>
        </span>
        {hit.distance_m !== null && hit.distance_m !== undefined && (
          <span className="row-distance">{formatDistance(hit.distance_m)}</span>
        )}
      </Link>
    </li>
  );
}
