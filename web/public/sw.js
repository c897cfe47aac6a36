// Rounds service worker, hand-written (see README: Workbox's build tooling would add ~200 packages for
// these three rules). The build (scripts/postbuild.mjs) replaces the placeholders below with the
// list of built files and a version derived from their names, so each release gets a fresh cache.
//   - app shell and hashed assets: precached at install, served cache-first;
//   - page navigations: network first, falling back to the cached index.html (the SPA shell) offline;
//   - lookups ignore Vary (servers vary on Origin or Accept-Encoding; the cached copy is the same file);
//   - /api/*: never cached here (profiles are kept in IndexedDB by the app, with their ETag).
const VERSION = '__ROUNDS_VERSION__';
const PRECACHE = ['__ROUNDS_PRECACHE__'];
const CACHE = `rounds-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith('rounds-shell-') && k !== CACHE)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() =>
        caches
          .match('/index.html', { cacheName: CACHE, ignoreVary: true })
          .then((r) => r || Response.error()),
      ),
    );
    return;
  }
  event.respondWith(
    caches
      .match(request, { cacheName: CACHE, ignoreVary: true })
      .then((hit) => hit || fetch(request)),
  );
});
