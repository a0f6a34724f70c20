/**
 * The store's layout in IndexedDB and the reads the persistence needs. One database per
 * document (`accord:<name>`), version {@link SCHEMA_VERSION}, with three object stores:
 * - `updates`: auto-incremented keys, each value one binary update;
 * - `snapshot`: under `state`, the latest compacted snapshot (a full-state update);
 * - `meta`: `schema` (the schema version that wrote the data), `through` (the highest
 *   `updates` key the snapshot covers; those records are deleted) and `last`: a compaction puts
 *   `through` there, every write transaction puts {@link WRITTEN_SINCE_SNAPSHOT} (a write
 *   commits at once, before it learns its keys; stores of earlier builds hold the highest key
 *   written, which reads the same way).
 *
 * A load reads the snapshot by key and, only when `last` is above `through`, the updates after
 * `through`. Chromium keeps deleted records as tombstones for a while, and any scan of a store
 * just compacted may walk them (hundreds of ms after folding 260,000 records), while reads by
 * key stay fast.
 */
import { isQuotaError, PersistenceError } from './errors.js';

/** The schema this code writes and reads; a store written by another is left untouched. */
export const SCHEMA_VERSION = 1;
/** Object store of binary updates. */
export const UPDATES = 'updates';
/** Object store of the compacted snapshot (key `state`). */
export const SNAPSHOT = 'snapshot';
/** Object store of metadata (`schema`, `through`, `last`). */
export const META = 'meta';
/** `meta.last` after a write: above any key, so the next load scans the updates after `through`. */
export const WRITTEN_SINCE_SNAPSHOT = Number.MAX_SAFE_INTEGER;

/** The IndexedDB database name of document `name`. */
export function databaseName(name: string): string {
  return `accord:${name}`;
}

/** Resolve when `tx` commits; reject with its error when it aborts. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * Ask `tx` to commit once its requests are done (`commit()` is missing in older browsers).
 * @internal
 */
export function commitNow(tx: IDBTransaction): void {
  try {
    (tx as { commit?: () => void }).commit?.();
  } catch {
    // already committing or finished: nothing to ask
  }
}

/**
 * Open (creating on first use) the database of `name` and check its schema.
 * @throws {PersistenceError} (as a rejection) `unavailable` when IndexedDB refuses (`quota-exceeded`
 * when creating it overflows the quota), `unsupported-schema` for a database of a later
 * version, `corrupt` when the object stores are missing.
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
    db.createObjectStore(SNAPSHOT);
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
  if (![UPDATES, SNAPSHOT, META].every((store) => db.objectStoreNames.contains(store))) {
    db.close();
    throw new PersistenceError('corrupt', 'the store lacks its object stores', { fatal: true });
  }
  return db;
}

/** The key-range constructors (`IDBKeyRange`); absent in some hosts, where whole stores are read instead. */
export interface KeyRanges {
  lowerBound(key: number, open?: boolean): IDBKeyRange;
  upperBound(key: number, open?: boolean): IDBKeyRange;
}

/** The host's `IDBKeyRange`, if any. */
export function hostKeyRanges(): KeyRanges | undefined {
  try {
    return (globalThis as { IDBKeyRange?: KeyRanges }).IDBKeyRange ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host's `indexedDB`; some browsers throw on mere access when storage is blocked.
 * @internal
 */
export function hostIndexedDB(): IDBFactory | undefined {
  try {
    return (globalThis as { indexedDB?: IDBFactory }).indexedDB ?? undefined;
  } catch {
    return undefined;
  }
}

/** What one load reads, in one transaction. */
export interface StoredState {
  /** The schema marker as stored (checked by the caller). */
  readonly schema: unknown;
  /** The snapshot (unchecked), or `undefined`. */
  readonly snapshot: unknown;
  /** The records after the snapshot (all of them without one), unchecked. */
  readonly values: unknown[];
  /** The highest `updates` key read or covered (0 when none). */
  readonly lastKey: number;
}

/**
 * Collect the `updates` records with keys above `after` (all when `after` is 0) into `values`
 * and `keys`, inside `tx`; `done` runs (inside it) once the last one is read. A cursor from a
 * lower bound when key ranges exist (it seeks past deleted keys), else one `getAll` of the store.
 */
export function readUpdatesAfter(
  tx: IDBTransaction,
  after: number,
  ranges: KeyRanges | undefined,
  done: (values: unknown[], keys: number[]) => void,
): void {
  const store = tx.objectStore(UPDATES);
  if (after === 0 || ranges === undefined) {
    const keysReq = store.getAllKeys();
    const valuesReq = store.getAll();
    valuesReq.onsuccess = () => {
      const keys: number[] = [];
      const values: unknown[] = [];
      const all = valuesReq.result as unknown[];
      keysReq.result.forEach((k, i) => {
        if (typeof k === 'number' && k > after) {
          keys.push(k);
          values.push(all[i]);
        }
      });
      done(values, keys);
    };
    return;
  }
  const values: unknown[] = [];
  const keys: number[] = [];
  const cursorReq = store.openCursor(ranges.lowerBound(after, true));
  cursorReq.onsuccess = () => {
    const cursor = cursorReq.result;
    if (cursor === null) {
      done(values, keys);
      return;
    }
    if (typeof cursor.key === 'number') {
      keys.push(cursor.key);
      values.push(cursor.value);
    }
    cursor.continue();
  };
}

/** Read the schema marker, the snapshot, and the updates it does not cover, in one transaction. */
export function readStore(db: IDBDatabase, ranges: KeyRanges | undefined): Promise<StoredState> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction([UPDATES, SNAPSHOT, META], 'readonly');
    const meta = tx.objectStore(META);
    let schema: unknown;
    let snapshot: unknown;
    let values: unknown[] = [];
    let lastKey = 0;
    const schemaReq = meta.get('schema');
    schemaReq.onsuccess = () => {
      schema = schemaReq.result;
    };
    const snapReq = tx.objectStore(SNAPSHOT).get('state');
    snapReq.onsuccess = () => {
      snapshot = snapReq.result;
    };
    const throughReq = meta.get('through');
    const lastReq = meta.get('last');
    lastReq.onsuccess = () => {
      const through = throughReq.result;
      const after = typeof through === 'number' && Number.isSafeInteger(through) && through > 0 ? through : 0;
      const last: unknown = lastReq.result;
      lastKey = after;
      // Nothing written since the snapshot: no scan at all.
      if (after > 0 && typeof last === 'number' && last <= after) return;
      readUpdatesAfter(tx, after, ranges, (v, keys) => {
        values = v;
        lastKey = Math.max(after, keys[keys.length - 1] ?? 0);
      });
    };
    tx.oncomplete = () => resolve({ schema, snapshot, values, lastKey });
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
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
