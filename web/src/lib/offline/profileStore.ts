import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** How many viewed profiles stay readable offline. */
export const MAX_PROFILES = 50;

export interface StoredProfile<T = unknown> {
  npi: string;
  etag: string | null;
  data: T;
  /** When the server last confirmed this copy (200 or 304), ms since the epoch. */
  fetchedAt: number;
  /** When the user last opened it: the least recently viewed are dropped first. */
  viewedAt: number;
  /** What a "recently viewed" list shows without parsing the profile. */
  summary?: { name: string; detail: string };
}

interface RoundsDB extends DBSchema {
  profiles: {
    key: string;
    value: StoredProfile;
    indexes: { viewedAt: number };
  };
}

const DB_NAME = 'rounds';

let dbPromise: Promise<IDBPDatabase<RoundsDB>> | null = null;

function db(): Promise<IDBPDatabase<RoundsDB>> {
  dbPromise ??= openDB<RoundsDB>(DB_NAME, 1, {
    upgrade(database) {
      const store = database.createObjectStore('profiles', { keyPath: 'npi' });
      store.createIndex('viewedAt', 'viewedAt');
    },
  });
  return dbPromise;
}

/** Data read back from IndexedDB is checked at the boundary: an old or damaged row is ignored. */
function normalise(row: unknown): StoredProfile | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Partial<StoredProfile>;
  if (typeof r.npi !== 'string' || typeof r.fetchedAt !== 'number' || r.data === undefined) {
    return undefined;
  }
  return {
    npi: r.npi,
    etag: typeof r.etag === 'string' ? r.etag : null,
    data: r.data,
    fetchedAt: r.fetchedAt,
    viewedAt: typeof r.viewedAt === 'number' ? r.viewedAt : r.fetchedAt,
    summary:
      typeof r.summary?.name === 'string' && typeof r.summary.detail === 'string'
        ? { name: r.summary.name, detail: r.summary.detail }
        : undefined,
  };
}

export async function getProfile(npi: string): Promise<StoredProfile | undefined> {
  return normalise(await (await db()).get('profiles', npi));
}

/** Saves a profile and drops the least recently viewed beyond MAX_PROFILES. */
export async function putProfile(entry: StoredProfile): Promise<void> {
  const database = await db();
  const tx = database.transaction('profiles', 'readwrite');
  await tx.store.put(entry);
  const count = await tx.store.count();
  let excess = count - MAX_PROFILES;
  if (excess > 0) {
    let cursor = await tx.store.index('viewedAt').openCursor();
    while (cursor && excess > 0) {
      await cursor.delete();
      excess -= 1;
      cursor = await cursor.continue();
    }
  }
  await tx.done;
}

/** The stored profiles, most recently viewed first. */
export async function listProfiles(): Promise<StoredProfile[]> {
  const rows = await (await db()).getAllFromIndex('profiles', 'viewedAt');
  return rows
    .map(normalise)
    .filter((r): r is StoredProfile => r !== undefined)
    .reverse();
}

export async function clearProfiles(): Promise<void> {
  await (await db()).clear('profiles');
}
