const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const moneyShort = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const count = new Intl.NumberFormat('en-US');

/** Integer cents (the API's money) as dollars. */
export function formatMoney(cents: number | null | undefined, short = false): string {
  if (cents === null || cents === undefined) return '—';
  return (short ? moneyShort : money).format(cents / 100);
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'suppressed';
  return count.format(n);
}

const METERS_PER_MILE = 1609.344;

export function formatDistance(meters: number | null | undefined): string {
  if (meters === null || meters === undefined) return '';
  const miles = meters / METERS_PER_MILE;
  return miles < 10 ? `${miles.toFixed(1)} mi` : `${Math.round(miles)} mi`;
}

/** '2026-11-24T13:09:46Z' or '2026-11-24' as 'Nov 24, 2026'. */
export function formatDate(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d =
    typeof value === 'number'
      ? new Date(value)
      : new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** '6515120297' as '(651) 512-0297'; anything else unchanged. */
export function formatPhone(raw: string | null | undefined): string {
  if (!raw) return '';
  const d = raw.replace(/\D/g, '');
  if (d.length === 10) return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
  return raw;
}

/** NPPES names are upper case: 'SAINT PAUL' as 'Saint Paul' (credentials are left alone). */
export function titleCase(s: string | null | undefined): string {
  if (!s) return '';
  return s
    .toLowerCase()
    .replace(/(^|[\s\-'.(/])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** 5-digit ZIP from a ZIP+4. */
export function formatZip(z: string | null | undefined): string {
  if (!z) return '';
  return z.length === 9 ? `${z.slice(0, 5)}-${z.slice(5)}` : z;
}
