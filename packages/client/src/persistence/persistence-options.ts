/**
 * Options, events and status types of `IndexeddbPersistence`, with their defaults.
 */
import type { Scheduler } from '../scheduler.js';
import type { PersistenceError } from './errors.js';
import type { KeyRanges } from './idb.js';

/** Options of {@link IndexeddbPersistence}. */
export interface IndexeddbPersistenceOptions {
  /** The IndexedDB factory (default `globalThis.indexedDB`; tests pass `fake-indexeddb`). */
  readonly indexedDB?: IDBFactory | undefined;
  /** Key ranges (default `globalThis.IDBKeyRange`; pass fake-indexeddb's with its factory). */
  readonly IDBKeyRange?: KeyRanges | undefined;
  /** Clock and timers of the background compaction (default: the host's). */
  readonly scheduler?: Scheduler | undefined;
  /** Compact once this many updates were stored since the last compaction (default 500). */
  readonly compactEvery?: number | undefined;
  /** Compact once no update was stored for this long, in ms (default 2 000). */
  readonly compactIdleMs?: number | undefined;
}

/** Where the store stands: `loading`, `ready` (loaded, storing), `unavailable` (network-only), `destroyed`. */
export type PersistenceStatus = 'loading' | 'ready' | 'unavailable' | 'destroyed';

/** Events of {@link IndexeddbPersistence}. */
export type PersistenceEvents = {
  /** The stored state was applied to the document (or there was none, or the store failed). */
  synced: () => void;
  /** Something went wrong; `error.fatal` says whether the store was given up (network-only). */
  error: (error: PersistenceError) => void;
  /** A compaction wrote one snapshot of `bytes` bytes, folding in the `records` stored since the last read. */
  compacted: (info: { readonly records: number; readonly bytes: number }) => void;
};

/** Defaults of {@link IndexeddbPersistenceOptions}. */
export const PERSISTENCE_DEFAULTS = Object.freeze({ compactEvery: 500, compactIdleMs: 2_000 });
