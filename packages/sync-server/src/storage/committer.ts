/** What the relay needs from a group committer (in-thread or on a worker thread). */
import type { MetaEntry, VersionToKeep } from './sqlite-store.js';

/** Observes each committed batch (for metrics and compaction). */
export type BatchListener = (info: {
  readonly size: number;
  readonly durationMs: number;
  /** Entries committed per document. */
  readonly perDoc: ReadonlyMap<string, number>;
}) => void;

/** Appends updates durably, batching the appends that arrive close together into one transaction. */
export interface Committer {
  /** Updates queued and not yet committed. */
  readonly pending: number;
  /**
   * Queue an update; resolves with its log position once its transaction committed (durable
   * per the store's sync mode), rejects if that transaction failed (then nothing of its batch
   * is stored). Updates commit in the order they were queued.
   */
  append(docId: string, update: Uint8Array): Promise<number>;
  /**
   * Durably replace the document's snapshot with `snapshot` (which covers every log entry at
   * positions `<= upTo`) and drop those entries, in one transaction serialized with the appends.
   * A snapshot older than the stored one is ignored. Rejects if the transaction failed (then the
   * stored state is unchanged).
   */
  compact(docId: string, snapshot: Uint8Array, upTo: number): Promise<void>;
  /**
   * Keep numbered snapshot `v` of `docId` as a version and drop the document's versions beyond
   * the newest `keep` (0: keep all), with `meta` set in the same transaction, serialized with the
   * appends: what `SqliteStore.putVersion` does, off the event loop when the committer has a
   * thread of its own. Resolves once durable (with `meta`, fsynced whatever the sync mode);
   * rejects if the transaction failed (then nothing of it is stored).
   */
  putVersion(docId: string, v: VersionToKeep, keep: number, meta?: MetaEntry): Promise<void>;
  /** Call `listener` after every committed batch. */
  onBatch(listener: BatchListener): void;
  /** Resolves once everything queued before the call has been committed (or has failed). */
  flush(): Promise<void>;
  /** Flush, then release resources; later appends reject. */
  close(): Promise<void>;
}

/** Count entries per document. */
export function countPerDoc(docIds: readonly string[]): Map<string, number> {
  const perDoc = new Map<string, number>();
  for (const d of docIds) perDoc.set(d, (perDoc.get(d) ?? 0) + 1);
  return perDoc;
}
