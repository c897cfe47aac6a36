import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { Loading } from '../components/Status';
import { useSession } from '../features/auth';

/**
 * Signed-in users (and offline ones, who can read what is stored on the device) get the page;
 * everybody else goes to sign-in and comes back to the page they wanted afterwards.
 */
export function RequireAuth() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'checking') {
    return (
      <main id="main" className="page splash">
        <Loading label="Opening Rounds…" />
      </main>
    );
  }
  if (status === 'signed-out') {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
