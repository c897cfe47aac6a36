import { describe, expect, it } from 'vitest';
import { safeNext } from './LoginPage';

describe('safeNext', () => {
  it('keeps in-app paths and refuses other destinations', () => {
    expect(safeNext('/physicians/1093911893')).toBe('/physicians/1093911893');
    expect(safeNext('/find?q=smith')).toBe('/find?q=smith');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/login')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
