// End-to-end tests in Debian's Chromium, driven by playwright-core, against a running `rounds serve`
// that serves the built client (the script never starts the server).
//   E2E_BASE_URL   e.g. http://127.0.0.1:18080 (required)
//   E2E_EMAIL, E2E_PASSWORD   the demo rep (no MFA)
//   E2E_ARTIFACTS  screenshots (default web/artifacts)    E2E_JUNIT  JUnit XML path (optional)
//   CHROMIUM_PATH  default /usr/bin/chromium
// Every request to another host is aborted. Exit status 1 when any test failed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { apiClient, junitXml, totp } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.E2E_BASE_URL ?? '').replace(/\/$/, '');
const EMAIL = process.env.E2E_EMAIL ?? '';
const PASSWORD = process.env.E2E_PASSWORD ?? '';
const ARTIFACTS = process.env.E2E_ARTIFACTS ?? join(here, '..', 'artifacts');
const JUNIT = process.env.E2E_JUNIT ?? '';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT = 15_000;
const RESULTS = 'ul[aria-label="Search results"]';

if (!BASE || !EMAIL || !PASSWORD) {
  console.error('e2e: set E2E_BASE_URL, E2E_EMAIL and E2E_PASSWORD');
  process.exit(2);
}
mkdirSync(ARTIFACTS, { recursive: true });
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const origin = new URL(BASE).origin;

const VIEWPORTS = [
  {
    name: 'phone',
    options: {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent:
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
    },
  },
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
];

const results = [];
async function test(suite, name, fn) {
  const started = Date.now();
  let error = null;
  try {
    await fn();
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  const seconds = (Date.now() - started) / 1000;
  results.push({ suite, name, seconds, error });
  console.log(
    `${error ? 'FAIL' : 'ok  '} ${suite} › ${name} (${seconds.toFixed(1)} s)${error ? `\n${error}` : ''}`,
  );
  return !error;
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** axe-core on the current page; serious and critical violations fail the test. */
async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.filter((x) => !bad.includes(x))) {
    console.log(`     axe (${label}, ${v.impact}): ${v.id} — ${v.help}`);
  }
  assert(
    bad.length === 0,
    `axe on ${label}: ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`).join('; ')}`,
  );
}

async function newContext(browser, vp, extra = {}) {
  const context = await browser.newContext({ ...vp.options, ...extra });
  context.setDefaultTimeout(TIMEOUT);
  await context.route('**/*', (route) =>
    new URL(route.request().url()).origin === origin
      ? route.continue()
      : route.abort('blockedbyclient'),
  );
  return context;
}

async function signIn(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Test data from the API: a physician with Part B/D and payments data, and a misspelling of the name. */
async function pickData() {
  const api = apiClient(BASE);
  const login = await api.call('POST', '/api/v1/auth/login', { email: EMAIL, password: PASSWORD });
  assert(login.access_token, 'the demo rep must not need MFA');
  api.setToken(login.access_token);
  for (const q of ['walker', 'smith', 'johnson', 'miller', 'brown', 'anderson', 'garcia']) {
    const page = await api.call('GET', `/api/v1/physicians/search?q=${q}&limit=20`);
    for (const hit of page.items) {
      if (hit.entity_type !== 'individual' || hit.deactivated) continue;
      const p = await api.call('GET', `/api/v1/physicians/${hit.npi}`);
      const loc = p.locations.find((l) => typeof l.lat === 'number');
      if (p.partb.years.length && p.partd.years.length && p.open_payments.years.length && loc) {
        const [first, ...rest] = hit.name.split(' ');
        const last = rest.at(-1);
        // Swap two inner letters of the last name: "WALKER" -> "WALEKR".
        const i = Math.max(1, last.length - 3);
        const typo = last.slice(0, i) + last[i + 1] + last[i] + last.slice(i + 2);
        const specialty = p.specialties.find((sp) => sp.primary) ?? p.specialties[0];
        // A first name with more than a page of hits (for "Load more"); the one above may be rare.
        let common = null;
        for (const other of page.items) {
          const name = other.name.split(' ')[0].toLowerCase();
          const hits = await api.call(
            'GET',
            `/api/v1/physicians/search?q=${encodeURIComponent(name)}&limit=20`,
          );
          if (hits.next_cursor) {
            common = name;
            break;
          }
        }
        assert(common, 'a first name with more than a page of hits');
        return {
          common,
          npi: hit.npi,
          name: hit.name,
          typo: `${first} ${typo}`.toLowerCase(),
          first: first.toLowerCase(),
          specialty: { code: specialty.code, name: specialty.name },
          lat: loc.lat,
          lng: loc.lng,
          zip: String(loc.postal_code).slice(0, 5),
        };
      }
    }
  }
  throw new Error('no physician with Part B, Part D and Open Payments data found');
}

async function runViewport(browser, vp, data) {
  const suite = vp.name;
  const shot = (name) => join(ARTIFACTS, `${suite}-${name}.png`);
  const context = await newContext(browser, vp, {
    geolocation: { latitude: data.lat, longitude: data.lng },
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  const titleWords = new RegExp(data.name.split(' ').at(-1), 'i');

  const signedIn = await test(suite, 'sign in returns to the page asked for', async () => {
    await page.goto(`${BASE}/find?q=zz`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await axe(page, 'login');
    await page.screenshot({ path: shot('login'), fullPage: true });
    await signIn(page, EMAIL, PASSWORD);
    await page.waitForURL(/\/find\?q=zz/);
    await page.getByLabel('Name').waitFor();
  });
  if (!signedIn) {
    await context.close();
    return;
  }

  await test(suite, 'search a misspelled name and open the profile', async () => {
    await page.goto(`${BASE}/find`);
    await page.getByLabel('Name').fill(data.typo);
    const row = page.locator(`${RESULTS} .row-link`, { hasText: titleWords }).first();
    await row.waitFor();
    await page.waitForFunction(() => !document.querySelector('.rows[aria-busy="true"]'));
    await axe(page, 'find');
    await page.screenshot({ path: shot('find'), fullPage: true });
    await page.locator(`a[href="/physicians/${data.npi}"]`).click();
    await page.waitForURL(new RegExp(`/physicians/${data.npi}$`));
    await page.getByRole('heading', { level: 1, name: titleWords }).waitFor();
    for (const h of [
      'Practice locations',
      'Medicare Part B services',
      'Medicare Part D prescribing',
      'Open Payments',
    ]) {
      await page.getByRole('heading', { level: 2, name: new RegExp(h) }).waitFor();
    }
    assert(
      (await page.locator('.chart svg').count()) >= 4,
      'Part B, Part D and payment charts are drawn',
    );
    assert((await page.locator('.source').count()) >= 6, 'each section names its source');
    assert(await page.locator('a[href^="tel:"]').first().isVisible(), 'a call action');
    await page.getByRole('button', { name: 'Show on map' }).click();
    await page.locator('.mini-map .pin').first().waitFor();
    await axe(page, 'profile');
    await page.screenshot({ path: shot('profile'), fullPage: true });
  });

  await test(suite, 'filters narrow the search and load more pages', async () => {
    await page.goto(`${BASE}/find`);
    await page.getByLabel('Name').fill(data.first);
    await page.locator(`${RESULTS} .row-link`).first().waitFor();
    await page.getByRole('button', { name: /^Filters/ }).click();
    await page.getByLabel('Specialty').selectOption(data.specialty.code);
    await page.waitForURL(new RegExp(`specialty=${data.specialty.code}`));
    await page.waitForFunction(() => !document.querySelector('.rows[aria-busy="true"]'));
    const specialties = await page
      .locator(`${RESULTS} .row-specialty`)
      .evaluateAll((els) => els.map((e) => e.textContent));
    assert(specialties.length > 0, 'results with the specialty filter');
    for (const s of specialties) {
      assert(s === data.specialty.name, `every row has ${data.specialty.name}, got ${s}`);
    }
    // Without the filter a common first name has more than a page: "Load more" appends the next one.
    await page.getByLabel('Specialty').selectOption('');
    await page.getByLabel('Name').fill(data.common);
    await page.getByRole('button', { name: 'Load more' }).waitFor();
    const before = await page.locator(`${RESULTS} > .row`).count();
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(`${sel} > .row`).length > n,
      [RESULTS, before],
    );
  });

  await test(suite, 'an expired session signs in again and returns to the page', async () => {
    // Expiry is simulated: the refresh cookie is dropped and the next API call answers 401, as the
    // server does once the access token has expired.
    await context.clearCookies();
    let expired = false;
    await page.route('**/api/v1/physicians/*', async (route) => {
      if (expired) return route.fallback();
      expired = true;
      return route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'urn:rounds:problem:unauthorized',
          title: 'Unauthorized',
          status: 401,
          detail: 'invalid access token: expired',
          request_id: 'e2e',
        }),
      });
    });
    try {
      // Still on the search page with results (previous test), signed in with a token in memory:
      // open a profile not viewed yet, inside the app (a reload would just find no session).
      const href = await page.locator(`${RESULTS} > .row a`).last().getAttribute('href');
      await page.locator(`a[href="${href}"]`).click();
      await page.waitForURL(/\/login\?next=/);
      assert(
        decodeURIComponent(page.url()).includes(`next=${href}`),
        `login keeps the page: ${page.url()}`,
      );
      await signIn(page, EMAIL, PASSWORD);
      await page.waitForURL(new RegExp(`${href}$`));
      await page.getByRole('heading', { level: 1 }).waitFor();
    } finally {
      await page.unroute('**/api/v1/physicians/*');
    }
  });

  await test(
    suite,
    'two tabs opened at once both keep the session (one refresh at a time)',
    async () => {
      // Each tab refreshes on load; the server rotates the refresh token and treats a reused one as
      // theft, so two refreshes racing with the same cookie would sign both tabs out.
      const second = await context.newPage();
      try {
        await Promise.all([page.goto(`${BASE}/find`), second.goto(`${BASE}/find`)]);
        for (const p of [page, second]) {
          await p.getByLabel('Name').waitFor();
          assert(!p.url().includes('/login'), `a tab was signed out: ${p.url()}`);
        }
        // And the session is still good for a third load.
        await page.reload();
        await page.getByLabel('Name').waitFor();
        assert(!page.url().includes('/login'), `signed out after the race: ${page.url()}`);
      } finally {
        await second.close();
      }
    },
  );

  await test(suite, 'nearby: markers and list agree and are sorted by distance', async () => {
    await page.goto(`${BASE}/nearby?lat=${data.lat}&lng=${data.lng}&r=10`);
    const rows = page.locator('[data-testid="nearby-list"] > li');
    await rows.first().waitFor();
    const distances = await rows.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-distance'))),
    );
    assert(distances.length > 1, `several physicians nearby (got ${distances.length})`);
    for (let i = 1; i < distances.length; i += 1) {
      assert(
        distances[i - 1] <= distances[i],
        `list sorted by distance at ${i}: ${distances[i - 1]} > ${distances[i]}`,
      );
    }
    await page.waitForFunction(
      (n) =>
        document.querySelector('[data-testid="map"]')?.getAttribute('data-markers') === String(n),
      distances.length,
    );
    // Every list entry is on the map: single pins plus the counts of the clusters in view (polled:
    // markercluster animates zoom changes, during which old and new cluster icons overlap).
    const countMarkers = () => {
      const pins = document.querySelectorAll('.leaflet-marker-icon.pin').length;
      const clustered = [...document.querySelectorAll('.marker-cluster')].reduce(
        (n, el) => n + Number(el.textContent?.trim() || 0),
        0,
      );
      return { pins, clustered };
    };
    const agreed = await page
      .waitForFunction(
        ([fn, n]) => {
          const c = new Function(`return (${fn})()`)();
          return c.pins + c.clustered === n;
        },
        [countMarkers.toString(), distances.length],
      )
      .then(() => true)
      .catch(() => false);
    const onMap = await page.evaluate(countMarkers);
    assert(
      agreed,
      `map shows ${onMap.pins} pins + ${onMap.clustered} clustered, list has ${distances.length}`,
    );
    const status = await page.locator('.nearby-list .results-status').textContent();
    assert(status?.startsWith(`${distances.length} `), `status line counts the list: "${status}"`);
    await axe(page, 'nearby');
    await page.screenshot({ path: shot('nearby'), fullPage: false });
    await rows.first().locator('a').click();
    await page.waitForURL(/\/physicians\/\d{10}$/);
    await page.getByRole('heading', { level: 1 }).waitFor();
  });

  await test(
    suite,
    'nearby: a typed ZIP centres the search on it; an unknown ZIP says so',
    async () => {
      await page.goto(`${BASE}/nearby?lat=40.75&lng=-73.99&r=5`);
      await page.getByLabel('ZIP').fill(data.zip);
      await page.getByRole('button', { name: 'Go', exact: true }).click();
      await page.waitForFunction(
        () => new URL(window.location.href).searchParams.get('lat') !== '40.75',
      );
      const url = new URL(page.url());
      // Demo addresses are geocoded to their ZIP's centroid, so the profile's point is the centroid.
      assert(Math.abs(Number(url.searchParams.get('lat')) - data.lat) < 0.001, 'lat of the ZIP');
      assert(Math.abs(Number(url.searchParams.get('lng')) - data.lng) < 0.001, 'lng of the ZIP');
      await page.locator('[data-testid="nearby-list"] > li').first().waitFor();
      const notice = await page.locator('.nearby .notice').textContent();
      assert(notice?.includes(data.zip), `the notice names the ZIP: ${notice}`);

      await page.getByLabel('ZIP').fill('00000');
      await page.getByRole('button', { name: 'Go', exact: true }).click();
      await page.waitForFunction(() =>
        (document.querySelector('.nearby .notice')?.textContent ?? '').includes('00000'),
      );
      const unknown = await page.locator('.nearby .notice').textContent();
      assert(/not a known/i.test(unknown ?? ''), `an unknown ZIP is explained: ${unknown}`);
    },
  );

  await test(suite, 'nearby: a point tapped on the map becomes the centre', async () => {
    await page.goto(`${BASE}/nearby?lat=${data.lat}&lng=${data.lng}&r=1`);
    const map = page.locator('[data-testid="map"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="map"]')?.getAttribute('data-markers') !== null,
    );
    const box = await map.boundingBox();
    // Far right and low on the map: clear of the zoom buttons and the markers around the centre.
    await page.mouse.click(box.x + box.width - 20, box.y + box.height - 20);
    await page.waitForFunction((lng) => {
      const v = Number(new URL(window.location.href).searchParams.get('lng'));
      return v > lng + 0.001;
    }, data.lng);
  });

  await test(suite, 'an unknown NPI shows the problem detail in words', async () => {
    await page.goto(`${BASE}/physicians/1234567893`);
    await page.getByRole('heading', { level: 1, name: 'Physician not found' }).waitFor();
    const alert = await page.getByRole('alert').textContent();
    assert(
      alert && alert.length > 5 && !alert.includes('{'),
      `a sentence from problem+json: ${alert}`,
    );
    await axe(page, 'not found');
  });

  await test(suite, 'offline: a viewed profile reopens from the device', async () => {
    await page.goto(`${BASE}/physicians/${data.npi}`);
    await page.getByRole('heading', { level: 1, name: titleWords }).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByText(/Offline, as of/).waitFor();
      await page.getByRole('heading', { level: 1, name: titleWords }).waitFor();
      await page.getByRole('heading', { level: 2, name: /Medicare Part B/ }).waitFor();
      await page.screenshot({ path: shot('offline-profile'), fullPage: false });
      // The search page lists what can be read offline.
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Find' })
        .click();
      await page.getByRole('heading', { name: 'Recently viewed' }).waitFor();
      await page.locator('.recent .row-title', { hasText: titleWords }).first().waitFor();
      await page.screenshot({ path: shot('offline-find'), fullPage: false });
    } finally {
      await context.setOffline(false);
    }
  });

  await context.close();
}

/** Enrols the rep in TOTP through the API, signs in through the browser with a code, then turns MFA off. */
async function runMfa(browser) {
  const vp = VIEWPORTS[0];
  await test('mfa', 'sign in with a TOTP code after enrolment', async () => {
    const api = apiClient(BASE);
    const login = await api.call('POST', '/api/v1/auth/login', {
      email: EMAIL,
      password: PASSWORD,
    });
    api.setToken(login.access_token);
    const enrolment = await api.call('POST', '/api/v1/auth/mfa/enroll', {});
    const { recovery_codes: codes } = await api.call('POST', '/api/v1/auth/mfa/confirm', {
      code: totp(enrolment.secret),
    });
    assert(Array.isArray(codes) && codes.length >= 2, 'recovery codes');
    const context = await newContext(browser, vp);
    try {
      const page = await context.newPage();
      await page.goto(`${BASE}/login`);
      await signIn(page, EMAIL, PASSWORD);
      await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
      await axe(page, 'mfa');
      await page.screenshot({ path: join(ARTIFACTS, 'phone-mfa.png'), fullPage: true });
      // The code of the next step: the current one was spent confirming (codes are single-use).
      await page.getByLabel(/Code from your authenticator/).fill(totp(enrolment.secret, 1));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL(/\/find/);
      await page.getByLabel('Name').waitFor();
    } finally {
      await context.close();
      // Leave the rep as found: sign in and disable MFA with recovery codes.
      const again = apiClient(BASE);
      const challenge = await again.call('POST', '/api/v1/auth/login', {
        email: EMAIL,
        password: PASSWORD,
      });
      const tokens = challenge.challenge
        ? await again.call('POST', '/api/v1/auth/mfa', {
            challenge: challenge.challenge,
            code: codes[0],
          })
        : challenge;
      again.setToken(tokens.access_token);
      await again.call('POST', '/api/v1/auth/mfa/disable', { code: codes[1] });
    }
  });
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  let data = null;
  await test('setup', 'server serves the client and test data exists', async () => {
    const res = await fetch(`${BASE}/`);
    const html = await res.text();
    assert(
      res.ok && html.includes('<div id="root">'),
      `GET / must return the client's index.html (got ${res.status})`,
    );
    data = await pickData();
    console.log(
      `     physician ${data.npi} "${data.name}", typed as "${data.typo}", at ${data.lat},${data.lng}`,
    );
  });
  if (data) {
    for (const vp of VIEWPORTS) await runViewport(browser, vp, data);
    await runMfa(browser);
  }
} finally {
  await browser.close();
}

if (JUNIT) writeFileSync(JUNIT, junitXml(results));
const failed = results.filter((r) => r.error).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
