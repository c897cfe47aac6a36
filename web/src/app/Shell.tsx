import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, ScrollRestoration, useLocation, useNavigate } from 'react-router-dom';
import { OfflineBanner } from '../components/OfflineBanner';
import { Loading } from '../components/Status';
import { logout, useSession } from '../features/auth';
import { clearProfiles } from '../lib/offline/profileStore';

export function Shell() {
  const { status, retry } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const first = useRef(true);

  // After an in-app navigation, move focus to the new page's content (as a full page load would),
  // so screen readers announce it and keyboard users start there, not on the link they left.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById('main');
    if (main) {
      main.setAttribute('tabindex', '-1');
      main.focus({ preventScroll: true });
    }
  }, [pathname]);

  async function signOut() {
    try {
      await logout();
    } catch {
      // Signed out locally either way; the server forgets the refresh token when it expires.
    }
    await clearProfiles().catch(() => undefined);
    navigate('/login', { replace: true });
  }

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/find" className="brand">
          Rounds
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/find">Find</NavLink>
          <NavLink to="/nearby">Nearby</NavLink>
        </nav>
        {status === 'signed-in' && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        )}
        {status === 'offline' && (
          <button type="button" className="btn btn-small btn-ghost" onClick={retry}>
            Reconnect
          </button>
        )}
      </header>
      <ScrollRestoration />
      <OfflineBanner />
      <Suspense
        fallback={
          <main id="main" className="page">
            <Loading />
          </main>
        }
      >
        <Outlet />
      </Suspense>
    </div>
  );
}
