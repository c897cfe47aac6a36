import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_PROFILES, clearProfiles, getProfile, listProfiles, putProfile } from './profileStore';

function entry(npi: string, viewedAt: number) {
  return { npi, etag: `"e${npi}"`, data: { npi }, fetchedAt: viewedAt, viewedAt };
}

describe('profileStore', () => {
  beforeEach(async () => {
    await clearProfiles();
  });

  it('saves and reads a profile back', async () => {
    await putProfile(entry('1234567893', 10));
    const got = await getProfile('1234567893');
    expect(got?.etag).toBe('"e1234567893"');
    expect(got?.data).toEqual({ npi: '1234567893' });
    expect(await getProfile('0000000000')).toBeUndefined();
  });

  it(`keeps only the ${MAX_PROFILES} most recently viewed`, async () => {
    for (let i = 0; i < MAX_PROFILES + 5; i += 1) {
      await putProfile(entry(String(1000 + i), i));
    }
    const all = await listProfiles();
    expect(all).toHaveLength(MAX_PROFILES);
    expect(all[0]?.npi).toBe(String(1000 + MAX_PROFILES + 4));
    expect(await getProfile('1000')).toBeUndefined();
    expect(await getProfile('1005')).toBeDefined();
  });

  it('re-viewing a profile protects it from eviction', async () => {
    for (let i = 0; i < MAX_PROFILES; i += 1) {
      await putProfile(entry(String(2000 + i), i));
    }
    await putProfile(entry('2000', 1000));
    await putProfile(entry('9999', 1001));
    expect(await getProfile('2000')).toBeDefined();
    expect(await getProfile('2001')).toBeUndefined();
  });
});
