/**
 * Group commit: the appends requested within one event-loop turn share one SQLite transaction
 * (one fsync), then all their promises resolve together. Under load this turns thousands of
 * fsyncs per second into a few hundred without delaying any single update by more than one turn
 * plus one commit.
 */
import { type BatchListener, type Committer, countPerDoc } from './committer.js';
import type { AppendEntry, MetaEntry, SqliteStore, VersionToKeep } from './sqlite-store.js';

interface Pending {
  readonly entry: AppendEntry;
  readonly resolve: (seq: number) => void;
  readonly reject: (err: unknown) => void;
}

/** Batches appends to a {@link SqliteStore} per event-loop turn. */
export class GroupCommitter implements Committer {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly listeners: BatchListener[] = [];

  constructor(
    private readonly store: SqliteStore,
    /** Upper bound on a batch; a longer queue commits in several transactions. */
    private readonly maxBatch = 4096,
  ) {}

  /** Updates queued and not yet committed. */
  get pending(): number {
    return this.queue.length;
  }

  /** Call `listener` after every committed batch. */
  onBatch(listener: BatchListener): void {
    this.listeners.push(listener);
  }

  /**
   * Queue an update; the promise resolves with its log position once its transaction has
   * committed (durable per the store's sync mode), or rejects if the transaction failed (then
   * nothing of that batch is stored). Updates of one turn commit in the order they were queued.
   */
  append(docId: string, update: Uint8Array): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ entry: { docId, update }, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flushNow());
      }
    });
  }

  /** Commit everything queued now (synchronously; the promise is already settled). */
  flush(): Promise<void> {
    this.flushNow();
    return Promise.resolve();
  }

  /** Compact synchronously through the store (this committer shares the event loop's connection). */
  compact(docId: string, snapshot: Uint8Array, upTo: number): Promise<void> {
    try {
      this.store.compact(docId, snapshot, upTo);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Keep a version synchronously through the store (the event loop's connection, as {@link compact}). */
  putVersion(docId: string, v: VersionToKeep, keep: number, meta?: MetaEntry): Promise<void> {
    try {
      this.store.putVersion(docId, v, keep, meta);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Flush; the store stays open (its owner closes it). */
  close(): Promise<void> {
    return this.flush();
  }

  private flushNow(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
      const t0 = performance.now();
      let seqs: number[];
      try {
        seqs = this.store.append(batch.map((p) => p.entry));
      } catch (err) {
        for (const p of batch) p.reject(err);
        continue;
      }
      const durationMs = performance.now() - t0;
      for (let i = 0; i < batch.length; i++) (batch[i] as Pending).resolve(seqs[i] as number);
      if (this.listeners.length > 0) {
        const perDoc = countPerDoc(batch.map((p) => p.entry.docId));
        for (const l of this.listeners) l({ size: batch.length, durationMs, perDoc });
      }
    }
  }
}
