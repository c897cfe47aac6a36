import { lazy } from 'react';
import { Navigate, createBrowserRouter } from 'react-router-dom';
import { LoginPage, SsoCompletePage } from '../features/auth';
import { FindPage } from '../features/physicians';
import { RequireAuth } from './RequireAuth';
import { Shell } from './Shell';

// Nearby (Leaflet) and the profile are their own chunks: the first screen stays small.
const loadNearby = () => import('../features/nearby');
const loadProfile = () => import('../features/profile');
const NearbyPage = lazy(() => loadNearby().then((m) => ({ default: m.NearbyPage })));
const ProfilePage = lazy(() => loadProfile().then((m) => ({ default: m.ProfilePage })));

/**
 * Starts fetching the chunk of the page being opened while the session refresh is in flight, rather
 * than after it (a profile opened from a link or a bookmark is interactive sooner).
 */
export function preloadFor(pathname: string) {
  if (pathname.startsWith('/physicians/')) void loadProfile();
  else if (pathname.startsWith('/nearby')) void loadNearby();
}

export function createRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    { path: '/sso/complete', element: <SsoCompletePage /> },
    {
      element: <RequireAuth />,
      children: [
        {
          element: <Shell />,
          children: [
            { index: true, element: <Navigate to="/find" replace /> },
            { path: '/find', element: <FindPage /> },
            { path: '/nearby', element: <NearbyPage /> },
            { path: '/physicians/:npi', element: <ProfilePage /> },
            { path: '*', element: <NotFound /> },
          ],
        },
      ],
    },
  ]);
}

function NotFound() {
  return (
    <main id="main" className="page">
      <h1>Page not found</h1>
      <p>
        <a href="/find">Go to search</a>
      </p>
    </main>
  );
}
