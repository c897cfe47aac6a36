// After `vite build`: (1) fills the service worker's precache list and version, (2) writes a .gz
// next to every compressible file (rounds serve sends it when the client accepts gzip), (3) prints
// the size of the JavaScript the first page loads, gzip, and fails above the 200 kB budget.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = 'dist';
const BUDGET = 200 * 1024;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// 0. The profile screen's chunks (its dynamic import and what it imports, less what index.html loads
// anyway), from Vite's manifest, into index.html's early script: a profile opened from a link or a
// bookmark fetches them alongside the entry instead of after the entry has run. The manifest itself
// is not served.
const manifestPath = join(DIST, '.vite', 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
rmSync(join(DIST, '.vite'), { recursive: true });
const indexPath = join(DIST, 'index.html');
const entryHtml = readFileSync(indexPath, 'utf8');
const PROFILE_SRC = 'src/features/profile/index.ts';
const profileKey = Object.keys(manifest).find((k) => manifest[k].src === PROFILE_SRC);
if (!profileKey || !entryHtml.includes("'__ROUNDS_PROFILE_CHUNKS__'")) {
  console.error(`postbuild: no chunk for ${PROFILE_SRC} or no placeholder in index.html`);
  process.exit(1);
}
const profileChunks = [];
const visit = (key) => {
  const file = `/${manifest[key].file}`;
  if (profileChunks.includes(file) || entryHtml.includes(`"${file}"`)) return;
  profileChunks.push(file);
  for (const dep of manifest[key].imports ?? []) visit(dep);
};
visit(profileKey);
writeFileSync(
  indexPath,
  entryHtml.replace(
    "['__ROUNDS_PROFILE_CHUNKS__']",
    JSON.stringify(profileChunks).replaceAll('"', "'"),
  ),
);

const files = walk(DIST)
  .filter((f) => !f.endsWith('.gz'))
  .map((f) => `/${relative(DIST, f).split('\\').join('/')}`);

// 1. Service worker precache: the shell, its assets, manifest and icons (not the worker itself).
const precache = files.filter((f) => f !== '/sw.js').sort();
const swPath = join(DIST, 'sw.js');
const version = createHash('sha256')
  .update(precache.join('\n'))
  .update(readFileSync(join(DIST, 'index.html')))
  .update(readFileSync(swPath))
  .digest('hex')
  .slice(0, 12);
const sw = readFileSync(swPath, 'utf8')
  .replace("'__ROUNDS_VERSION__'", JSON.stringify(version))
  .replace("['__ROUNDS_PRECACHE__']", JSON.stringify(precache));
writeFileSync(swPath, sw);

// 2. Precompressed copies.
const COMPRESSIBLE = /\.(js|css|html|svg|json|webmanifest|txt|map)$/;
let gzCount = 0;
for (const f of files) {
  if (!COMPRESSIBLE.test(f)) continue;
  const p = join(DIST, f);
  const raw = readFileSync(p);
  if (raw.length < 512) continue;
  const gz = gzipSync(raw, { level: 9 });
  if (gz.length < raw.length) {
    writeFileSync(`${p}.gz`, gz);
    gzCount += 1;
  }
}

// 3. Initial JavaScript: the entry script and the chunks index.html preloads.
const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const f of initial) {
  total += gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`postbuild: profile chunks preloaded from index.html: ${profileChunks.join(', ')}`);
console.log(
  `postbuild: sw.js version ${version}, ${precache.length} files precached, ${gzCount} .gz files`,
);
console.log(
  `postbuild: initial JavaScript ${kb(total)} gzip (${initial.join(', ')}); budget ${kb(BUDGET)}`,
);
let profileTotal = total;
for (const f of profileChunks) {
  profileTotal += gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length;
}
console.log(
  `postbuild: a profile opened from a link loads ${kb(profileTotal)} gzip of JavaScript (with its preloaded chunks)`,
);
if (profileTotal > BUDGET) {
  console.error('postbuild: initial JavaScript (or with the profile chunks) is over budget');
  process.exit(1);
}
