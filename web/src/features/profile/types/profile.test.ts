import { describe, expect, it } from 'vitest';
import { normaliseProfile } from './profile';

describe('normaliseProfile', () => {
  it('tolerates missing sections and odd values', () => {
    const p = normaliseProfile({
      npi: '1',
      name: 'ACME CLINIC',
      partb: { years: 'x' },
      open_payments: null,
    });
    expect(p.displayName).toBe('ACME CLINIC');
    expect(p.partb.years).toEqual([]);
    expect(p.payments.sources).toEqual([]);
    expect(p.deactivated).toBe(false);
  });

  it('reads per-year sources and de-duplicates a list of releases', () => {
    const src = {
      dataset: 'open-payments',
      release: 'OP_2024.csv',
      loaded_at: '2026-11-24T13:11:56Z',
    };
    const p = normaliseProfile({
      npi: '1',
      partb: {
        years: [
          {
            year: 2024,
            services: 9,
            payment_cents: 100,
            source: { dataset: 'partb', release: 'B24' },
          },
          { year: 2023, services: 5 },
        ],
      },
      open_payments: {
        source: [src, src],
        by_payer: [{ payer: 'Pfizer Inc.', amount_cents: 5, payments: 1 }],
      },
    });
    expect(p.partb.years.map((y) => y.year)).toEqual([2023, 2024]);
    expect(p.partb.years[1]?.source?.release).toBe('B24');
    expect(p.payments.sources).toHaveLength(1);
    expect(p.payments.byPayer[0]).toEqual({ label: 'Pfizer Inc.', amountCents: 5, payments: 1 });
  });

  it('refuses a body without an NPI', () => {
    expect(() => normaliseProfile({})).toThrow();
  });
});
