/**
 * `IndexeddbPersistence`: keeps a document in the browser's IndexedDB, so a page reloaded while
 * offline shows its edits, and what was never acknowledged by a relay is sent once online.
 */
import { applyUpdate, type Doc, encodeStateAsUpdate, mergeUpdates, type UpdateListener } from '@accord/core';
import { Emitter } from '../emitter.js';
import { LOCAL_COPY, type LocalCopyKind, localCopyKind } from '../origins.js';
import { type Scheduler, systemScheduler, TimerSlot } from '../scheduler.js';
import { isQuotaError, PersistenceError } from './errors.js';
import {
  commitNow,
  committed,
  databaseName,
  describe,
  hostIndexedDB,
  hostKeyRanges,
  type KeyRanges,
  META,
  openDatabase,
  readStore,
  readUpdatesAfter,
  SCHEMA_VERSION,
  SNAPSHOT,
  type StoredState,
  UPDATES,
  WRITTEN_SINCE_SNAPSHOT,
} from './idb.js';
import {
  type IndexeddbPersistenceOptions,
  PERSISTENCE_DEFAULTS,
  type PersistenceEvents,
  type PersistenceStatus,
} from './persistence-options.js';

/**
 * Stores every update `doc` sees (local edits, the relay's, other tabs' are stored by their own
 * tab) in IndexedDB under `name`, loads what was stored into `doc`, and compacts the records into
 * one snapshot in the background (after `compactEvery` updates, or `compactIdleMs` after the last).
 *
 * Create it (and `await whenSynced`) before the provider, so the provider's first handshake sends
 * the relay whatever it lacks, including edits made offline in an earlier visit and updates that
 * were sent but never acknowledged. Everything read from the store is untrusted: a record that is
 * not a valid update is skipped and reported (`corrupt`); IndexedDB missing or refusing
 * (`unavailable`), a full quota (`quota-exceeded`) or another schema's store (`unsupported-schema`)
 * are reported and the document goes on network-only. `whenSynced` never rejects.
 */
export class IndexeddbPersistence extends Emitter<PersistenceEvents> {
  /** Marks the updates this store applies as a local copy (the provider lets its handshake send them). */
  readonly [LOCAL_COPY]: LocalCopyKind = 'store';
  /** The document name (the database is `accord:<name>`). */
  readonly name: string;
  /** The document kept. */
  readonly doc: Doc;
  /** Resolves with this store once the stored state is in the document (also when the store failed). */
  readonly whenSynced: Promise<this>;
  private readonly scheduler: Scheduler;
  private readonly compactEvery: number;
  private readonly compactIdleMs: number;
  private readonly idle: TimerSlot;
  private readonly listener: UpdateListener;
  private readonly factory: IDBFactory | undefined;
  private readonly ranges: KeyRanges | undefined;
  private db: IDBDatabase | null = null;
  private current: PersistenceStatus = 'loading';
  private queue: Uint8Array[] = [];
  private writeScheduled = false;
  private readonly inflight = new Set<Promise<void>>();
  private storedSinceCompact = 0;
  /** Highest key this store has read (loaded or compacted over). */
  private readUpTo = 0;
  /** Keys this store wrote after `readUpTo`: a compaction need not apply them again. */
  private readonly ownKeys = new Set<number>();
  private compacting: Promise<void> | null = null;

  /** Start loading `name` into `doc` (see the class docs). */
  constructor(name: string, doc: Doc, options: IndexeddbPersistenceOptions = {}) {
    super();
    if (typeof name !== 'string' || name === '') throw new TypeError('IndexeddbPersistence: empty name');
    this.name = name;
    this.doc = doc;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.compactEvery = positive('compactEvery', options.compactEvery ?? PERSISTENCE_DEFAULTS.compactEvery);
    this.compactIdleMs = positive(
      'compactIdleMs',
      options.compactIdleMs ?? PERSISTENCE_DEFAULTS.compactIdleMs,
    );
    this.idle = new TimerSlot(this.scheduler);
    this.listener = (update, origin) => this.onUpdate(update, origin);
    doc.on('update', this.listener);
    this.factory = options.indexedDB ?? hostIndexedDB();
    this.ranges = options.IDBKeyRange ?? hostKeyRanges();
    this.whenSynced = this.load(this.factory).then(() => this);
  }

  /** Where the store stands (see {@link PersistenceStatus}). */
  get status(): PersistenceStatus {
    return this.current;
  }

  /** Whether the stored state has been loaded (true also when the store failed: there is nothing more to wait for). */
  get synced(): boolean {
    return this.current !== 'loading';
  }

  /** Resolves once every update seen so far is written (or the store gave up). Never rejects. */
  async flush(): Promise<void> {
    if (this.current === 'ready' && this.queue.length > 0) this.write();
    await Promise.all([...this.inflight]);
  }

  /**
   * Replace every stored record by one snapshot of the document now (merging in what other tabs
   * stored meanwhile). Runs by itself in the background; call it to force one. Never rejects.
   */
  compact(): Promise<void> {
    if (this.current !== 'ready' || this.db === null) return Promise.resolve();
    this.compacting ??= this.runCompaction(this.db).finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  /** Stop storing, write what is pending, close the database. Never rejects; idempotent. */
  async destroy(): Promise<void> {
    if (this.current === 'destroyed') return;
    this.doc.off('update', this.listener);
    this.idle.clear();
    await this.whenSynced;
    await this.flush();
    await this.compacting;
    this.current = 'destroyed';
    this.db?.close();
    this.db = null;
    this.clear();
  }

  /** {@link destroy} and delete the database (the document itself is untouched). Never rejects. */
  async clearData(): Promise<void> {
    await this.destroy();
    const idb = this.factory;
    if (idb === undefined) return;
    await new Promise<void>((resolve) => {
      try {
        const req = idb.deleteDatabase(databaseName(this.name));
        req.onsuccess = req.onerror = req.onblocked = () => resolve();
      } catch {
        resolve();
      }
    });
  }

  private async load(factory: IDBFactory | undefined): Promise<void> {
    await Promise.resolve(); // let the caller attach listeners before anything is reported
    try {
      if (factory === undefined)
        throw new PersistenceError('unavailable', 'IndexedDB is not available in this environment', {
          fatal: true,
        });
      const db = await openDatabase(factory, this.name);
      if (this.current !== 'loading') {
        db.close();
        return;
      }
      let stored: StoredState;
      try {
        stored = await readStore(db, this.ranges);
      } catch (error) {
        db.close();
        throw error;
      }
      if (this.current !== 'loading') {
        db.close();
        return;
      }
      if (stored.schema !== SCHEMA_VERSION) {
        db.close();
        throw new PersistenceError(
          'unsupported-schema',
          `the store has schema ${describe(stored.schema)}, this code reads ${SCHEMA_VERSION}`,
          { fatal: true },
        );
      }
      this.db = db;
      db.onversionchange = () =>
        this.giveUp(
          new PersistenceError('unavailable', 'the store was deleted or upgraded by another tab', {
            fatal: true,
          }),
        );
      this.readUpTo = stored.lastKey;
      const records = stored.snapshot === undefined ? stored.values : [stored.snapshot, ...stored.values];
      const bad = this.applyRecords(records, 'load');
      const count = stored.values.length;
      this.storedSinceCompact = count > 1 || bad > 0 ? count : 0;
      this.current = 'ready';
      if (this.queue.length > 0) this.write();
      if (this.storedSinceCompact > 0) this.armCompaction();
    } catch (error) {
      this.giveUp(
        error instanceof PersistenceError
          ? error
          : new PersistenceError('io-error', `loading the store failed: ${describe(error)}`, {
              fatal: true,
              cause: error,
            }),
      );
    } finally {
      if (this.current !== 'destroyed') this.emit('synced');
    }
  }

  /** Apply stored records to the document; skip (and report) those that are not valid updates. */
  private applyRecords(values: readonly unknown[], when: 'load' | 'compaction'): number {
    const updates: Uint8Array[] = [];
    let bad = 0;
    for (const v of values) {
      if (v instanceof Uint8Array) updates.push(v);
      else bad++;
    }
    let firstError: unknown;
    if (updates.length > 0) {
      let merged: Uint8Array | undefined;
      try {
        merged = updates.length === 1 ? updates[0] : mergeUpdates(updates);
        applyUpdate(this.doc, merged as Uint8Array, this);
      } catch (error) {
        firstError = error;
        // One bad record spoils the merge: apply one by one to keep every good one.
        bad = values.length - updates.length;
        for (const u of updates) {
          try {
            applyUpdate(this.doc, u, this);
          } catch (e) {
            bad++;
            firstError = e;
          }
        }
      }
    }
    if (bad > 0)
      this.emit(
        'error',
        new PersistenceError(
          'corrupt',
          `${bad} stored record(s) were not valid updates and were skipped (${when})${firstError === undefined ? '' : `: ${describe(firstError)}`}`,
          { fatal: false, cause: firstError },
        ),
      );
    return bad;
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this || localCopyKind(origin) === 'tab') return; // stored already (here, or by that tab)
    if (this.current === 'loading') this.queue.push(update);
    else if (this.current === 'ready') {
      this.queue.push(update);
      if (!this.writeScheduled) {
        this.writeScheduled = true;
        this.scheduler.defer(() => this.write());
      }
    }
  }

  /** Write every queued update in one transaction. */
  private write(): void {
    this.writeScheduled = false;
    const db = this.db;
    if (this.current !== 'ready' || db === null || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let done: Promise<void>;
    try {
      const tx = db.transaction([UPDATES, META], 'readwrite');
      const store = tx.objectStore(UPDATES);
      for (const u of batch) {
        const req = store.add(u);
        req.onsuccess = () => {
          if (typeof req.result === 'number') this.ownKeys.add(req.result);
        };
      }
      tx.objectStore(META).put(WRITTEN_SINCE_SNAPSHOT, 'last');
      done = committed(tx);
      // Every request is issued: commit now, not when the callbacks have run. Chromium drops a
      // transaction that has not asked to commit when the page unloads, so a keystroke followed
      // at once by a reload or a closed tab would be lost without this.
      commitNow(tx);
    } catch (error) {
      done = Promise.reject(error);
    }
    const tracked = done.then(
      () => {
        this.storedSinceCompact += batch.length;
        if (this.storedSinceCompact >= this.compactEvery) void this.compact();
        else this.armCompaction();
      },
      (error: unknown) => this.writeFailed(error),
    );
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }

  private armCompaction(): void {
    this.idle.set(() => void this.compact(), this.compactIdleMs);
  }

  private runCompaction(db: IDBDatabase): Promise<void> {
    this.idle.clear();
    return new Promise<void>((resolve) => {
      let removed = 0;
      let bytes = 0;
      let through = this.readUpTo;
      try {
        const tx = db.transaction([UPDATES, SNAPSHOT, META], 'readwrite');
        const ranges = this.ranges;
        readUpdatesAfter(tx, this.readUpTo, ranges, (values, keys) => {
          // Inside the transaction: records other tabs stored since our last read come in first.
          const foreign = values.filter((_, i) => !this.ownKeys.has(keys[i] as number));
          if (foreign.length > 0) this.applyRecords(foreign, 'compaction');
          const snapshot = encodeStateAsUpdate(this.doc);
          bytes = snapshot.length;
          removed = keys.length;
          const top = Math.max(this.readUpTo, keys[keys.length - 1] ?? 0);
          // This transaction holds the store: every record in it has been read (now or before).
          tx.objectStore(UPDATES).clear();
          tx.objectStore(SNAPSHOT).put(snapshot, 'state');
          tx.objectStore(META).put(top, 'through');
          tx.objectStore(META).put(top, 'last');
          through = top;
        });
        tx.oncomplete = () => {
          this.readUpTo = through;
          for (const k of this.ownKeys) if (k <= this.readUpTo) this.ownKeys.delete(k);
          this.storedSinceCompact = 0;
          this.emit('compacted', { records: removed, bytes });
          resolve();
        };
        tx.onabort = () => {
          this.writeFailed(tx.error);
          resolve();
        };
      } catch (error) {
        this.writeFailed(error);
        resolve();
      }
    });
  }

  private writeFailed(error: unknown): void {
    if (this.current !== 'ready') return;
    this.giveUp(
      isQuotaError(error)
        ? new PersistenceError('quota-exceeded', `the storage quota is full: ${describe(error)}`, {
            fatal: true,
            cause: error,
          })
        : new PersistenceError('io-error', `writing the store failed: ${describe(error)}`, {
            fatal: true,
            cause: error,
          }),
    );
  }

  /** Report `error`, stop storing, close the database: the document goes on network-only. */
  private giveUp(error: PersistenceError): void {
    if (this.current === 'destroyed' || this.current === 'unavailable') return;
    this.current = 'unavailable';
    this.queue = [];
    this.idle.clear();
    this.doc.off('update', this.listener);
    try {
      this.db?.close();
    } catch {
      // already closed
    }
    this.db = null;
    this.emit('error', error);
  }
}

function positive(name: string, v: number): number {
  if (!(v > 0)) throw new RangeError(`${name} must be positive, got ${v}`);
  return v;
}
