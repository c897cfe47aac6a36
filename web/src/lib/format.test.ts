import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDate,
  formatDistance,
  formatMoney,
  formatPhone,
  formatZip,
  titleCase,
} from './format';

// The hand-written formats must read exactly as Intl's en-US ones (which format.ts avoids for speed).
const intlMoney = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const intlShort = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const intlCount = new Intl.NumberFormat('en-US');
const intlDate = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** Deterministic pseudo-random integers spread over every order of magnitude up to 10^15. */
function samples(n: number): number[] {
  let x = 12345;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const digits = 1 + (i % 15);
    out.push(Math.floor((x / 2147483648) * 10 ** digits));
  }
  return out;
}

describe('format', () => {
  it('formats money from integer cents', () => {
    expect(formatMoney(9090859)).toBe('$90,908.59');
    expect(formatMoney(null)).toBe('—');
  });
  it('formats money, compact money and counts as Intl en-US does', () => {
    const edges = [
      0,
      5,
      99,
      100,
      94995,
      94994,
      99995,
      99994,
      99_999_950,
      99_999_949,
      123456789,
      10 ** 15,
    ];
    for (const cents of [...edges, ...samples(3000)]) {
      for (const v of [cents, -cents]) {
        if (v === 0 && Object.is(v, -0)) continue;
        expect(formatMoney(v)).toBe(intlMoney.format(v / 100));
        expect(formatMoney(v, true)).toBe(intlShort.format(v / 100));
        expect(formatCount(v)).toBe(intlCount.format(v));
      }
    }
    for (const v of [0.5, 12.25, 1234.5678, 3.0001, 7.1]) {
      expect(formatCount(v)).toBe(intlCount.format(v));
    }
    expect(formatMoney(123456, true)).toBe('$1.2K');
    expect(formatCount(null)).toBe('suppressed');
  });
  it('formats dates (UTC) as Intl en-US does', () => {
    for (const v of [
      '2026-11-24',
      '2026-01-01T00:30:00Z',
      '1999-12-31T23:59:59-05:00',
      '2024-02-29',
    ]) {
      const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
      expect(formatDate(v)).toBe(intlDate.format(d));
    }
    expect(formatDate(Date.UTC(2025, 6, 4))).toBe('Jul 4, 2025');
    expect(formatDate('not a date')).toBe('not a date');
    expect(formatDate(null)).toBe('—');
  });
  it('formats distances in miles', () => {
    expect(formatDistance(472.7)).toBe('0.3 mi');
    expect(formatDistance(32186.9)).toBe('20 mi');
  });
  it('formats phone numbers, ZIPs and upper-case names', () => {
    expect(formatPhone('6515120297')).toBe('(651) 512-0297');
    expect(formatZip('551086486')).toBe('55108-6486');
    expect(titleCase('SAINT PAUL')).toBe('Saint Paul');
    expect(titleCase("MARY O'NEIL-SMITH")).toBe("Mary O'Neil-Smith");
  });
});
