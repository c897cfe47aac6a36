import { describe, expect, it } from 'vitest';
import { formatDistance, formatMoney, formatPhone, formatZip, titleCase } from './format';

describe('format', () => {
  it('formats money from integer cents', () => {
    expect(formatMoney(9090859)).toBe('$90,908.59');
    expect(formatMoney(null)).toBe('—');
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
