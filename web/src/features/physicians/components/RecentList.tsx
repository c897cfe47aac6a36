import { Link } from 'react-router-dom';
import { useRecentProfiles } from '../hooks/useRecentProfiles';

/** Recently viewed profiles: the way back to them, and what can be read offline. */
export function RecentList() {
  const { data } = useRecentProfiles();
  if (!data || data.length === 0) return null;
  return (
    <section aria-labelledby="recent-h" className="recent">
      <h2 id="recent-h">Recently viewed</h2>
      <p className="muted">These open without a connection too.</p>
      <ul className="rows">
        {data.map((p) => (
          <li className="row" key={p.npi}>
            <Link to={`/physicians/${p.npi}`} className="row-link">
              <span className="row-main">
                <span className="row-title">{p.name}</span>
                {p.detail && <span className="row-sub">{p.detail}</span>}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
