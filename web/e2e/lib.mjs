// Small helpers for the end-to-end runner: TOTP (RFC 6238), a JSON API client, JUnit XML.
import { createHmac } from 'node:crypto';

/** RFC 4648 base32 (no padding needed) to bytes. */
export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) continue;
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: HMAC-SHA1, 30 s steps, 6 digits; `stepOffset` picks a neighbouring step. */
export function totp(secretBase32, stepOffset = 0, now = Date.now()) {
  const step = Math.floor(now / 1000 / 30) + stepOffset;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(bin).padStart(6, '0');
}

/** Minimal API client for test set-up (Node's fetch). */
export function apiClient(base) {
  let token = null;
  async function call(method, path, body) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return data;
  }
  return {
    call,
    setToken(t) {
      token = t;
    },
  };
}

// Terminal colour codes (playwright's error messages carry them) and other control characters are not
// allowed in XML 1.0: dropped, so a failure still yields a readable report.
const esc = (s) =>
  String(s)
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(
      /[<>&"']/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c],
    );

/** JUnit XML with one <testsuite> per group (viewport). */
export function junitXml(results) {
  const groups = new Map();
  for (const r of results) {
    if (!groups.has(r.suite)) groups.set(r.suite, []);
    groups.get(r.suite).push(r);
  }
  const suites = [...groups].map(([suite, rs]) => {
    const failures = rs.filter((r) => r.error).length;
    const time = rs.reduce((t, r) => t + r.seconds, 0);
    const cases = rs
      .map((r) => {
        const head = `    <testcase classname="web.e2e.${esc(suite)}" name="${esc(r.name)}" time="${r.seconds.toFixed(3)}"`;
        if (!r.error) return `${head}/>`;
        return `${head}>\n      <failure message="${esc(r.error.split('\n')[0])}">${esc(r.error)}</failure>\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="web.e2e.${esc(suite)}" tests="${rs.length}" failures="${failures}" errors="0" time="${time.toFixed(3)}">\n${cases}\n  </testsuite>`;
  });
  const total = results.length;
  const failed = results.filter((r) => r.error).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="web-e2e" tests="${total}" failures="${failed}">\n${suites.join('\n')}\n</testsuites>\n`;
}
