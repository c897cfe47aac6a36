// Numbers and dates are formatted by hand (US English) rather than with Intl: building an Intl formatter
// loads locale data and costs several milliseconds of main-thread time each on a throttled phone, and the
// profile shows dozens of amounts and dates as it opens. The output is what Intl's en-US formats give
// (format.test.ts compares them).

/** '1234567' as '1,234,567' (digits only). */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const COMPACT = ['', 'K', 'M', 'B', 'T'];

/** Integer cents (the API's money) as dollars; `short` is compact with one decimal ('$1.2K'). */
export function formatMoney(cents: number | null | undefined, short = false): string {
  if (cents === null || cents === undefined) return '—';
  const sign = cents < 0 || Object.is(cents, -0) ? '-' : '';
  const abs = Math.round(Math.abs(cents));
  if (!short) {
    const dollars = Math.floor(abs / 100);
    return `${sign}$${group(String(dollars))}.${String(abs % 100).padStart(2, '0')}`;
  }
  // Tenths of the unit (dollars, thousands, ...): the first unit that stays under 1000.0, up to trillions.
  let unit = 0;
  let tenths = Math.round(abs / 10);
  while (tenths >= 10000 && unit < COMPACT.length - 1) {
    unit += 1;
    tenths = Math.round(abs / 10 ** (3 * unit + 1));
  }
  const whole = Math.floor(tenths / 10);
  return `${sign}$${group(String(whole))}.${tenths % 10}${COMPACT[unit]}`;
}

/** A count with thousands separators (up to three decimals, as Intl shows them). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'suppressed';
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  if (Number.isInteger(n)) return `${sign}${group(String(Math.abs(n)))}`;
  const thousandths = Math.round(Math.abs(n) * 1000);
  const whole = Math.floor(thousandths / 1000);
  const fraction = String(thousandths % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${sign}${group(String(whole))}${fraction ? `.${fraction}` : ''}`;
}

const METERS_PER_MILE = 1609.344;

export function formatDistance(meters: number | null | undefined): string {
  if (meters === null || meters === undefined) return '';
  const miles = meters / METERS_PER_MILE;
  return miles < 10 ? `${miles.toFixed(1)} mi` : `${Math.round(miles)} mi`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '2026-11-24T13:09:46Z' or '2026-11-24' as 'Nov 24, 2026' (the UTC date). */
export function formatDate(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d =
    typeof value === 'number'
      ? new Date(value)
      : new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
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
