/**
 * The store's layout in IndexedDB and the few promise wrappers the persistence needs. One
 * database per document (`accord:<name>`), version {@link SCHEMA_VERSION}, with two object
 * stores: `updates` (auto-incremented keys, each value one binary update or a compacted
 * snapshot) and `meta` (`schema` → the schema version that wrote the data).
 */
import { isQuotaError, PersistenceError } from './errors.js';

/** The schema this code writes and reads; a store written by another is left untouched. */
export const SCHEMA_VERSION = 1;
/** Object store of binary updates and snapshots. */
export const UPDATES = 'updates';
/** Object store of metadata (`schema`). */
export const META = 'meta';

/** The IndexedDB database name of document `name`. */
export function databaseName(name: string): string {
  return `accord:${name}`;
}

/** Resolve with a request's result, reject with its error. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolve when `tx` commits; reject with its error when it aborts. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * Open (creating on first use) the database of `name` and check its schema.
 * @throws {PersistenceError} (as a rejection) `unavailable` when IndexedDB refuses, `unsupported-schema`
 * for another version's data, `corrupt` when the object stores are missing.
 */
export async function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  let req: IDBOpenDBRequest;
  try {
    req = factory.open(databaseName(name), SCHEMA_VERSION);
  } catch (cause) {
    throw new PersistenceError('unavailable', `IndexedDB refused to open: ${describe(cause)}`, {
      fatal: true,
      cause,
    });
  }
  let upgradeError: unknown;
  req.onupgradeneeded = (event) => {
    const db = req.result;
    const upgrade = req.transaction;
    // A failed upgrade reaches `onerror` as a bare AbortError: keep the real cause (e.g. the quota).
    if (upgrade !== null) upgrade.addEventListener('abort', () => (upgradeError = upgrade.error));
    if (event.oldVersion !== 0) return; // checked below: an unknown layout is not migrated
    db.createObjectStore(UPDATES, { autoIncrement: true });
    db.createObjectStore(META).put(SCHEMA_VERSION, 'schema');
  };
  let db: IDBDatabase;
  try {
    db = await new Promise<IDBDatabase>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
      req.onblocked = () => reject(new Error('the database is blocked by another tab'));
    });
  } catch (error) {
    const cause = upgradeError ?? error;
    const name = (cause as { name?: unknown }).name;
    const code =
      name === 'VersionError' ? 'unsupported-schema' : isQuotaError(cause) ? 'quota-exceeded' : 'unavailable';
    throw new PersistenceError(code, `IndexedDB could not open the store: ${describe(cause)}`, {
      fatal: true,
      cause,
    });
  }
  try {
    if (!db.objectStoreNames.contains(UPDATES) || !db.objectStoreNames.contains(META))
      throw new PersistenceError('corrupt', 'the store lacks its object stores', { fatal: true });
    const schema: unknown = await request(db.transaction(META, 'readonly').objectStore(META).get('schema'));
    if (schema !== SCHEMA_VERSION)
      throw new PersistenceError(
        'unsupported-schema',
        `the store has schema ${describe(schema)}, this code reads ${SCHEMA_VERSION}`,
        { fatal: true },
      );
  } catch (error) {
    db.close();
    if (error instanceof PersistenceError) throw error;
    throw new PersistenceError('io-error', `reading the store's schema failed: ${describe(error)}`, {
      fatal: true,
      cause: error,
    });
  }
  return db;
}

/** A short printable description of anything thrown or stored. */
export function describe(value: unknown): string {
  if (value instanceof Error || (typeof DOMException !== 'undefined' && value instanceof DOMException))
    return `${value.name}: ${value.message}`;
  try {
    return String(value).slice(0, 120);
  } catch {
    return typeof value;
  }
}
