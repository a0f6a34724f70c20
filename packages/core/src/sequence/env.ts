/**
 * What a sequence needs from its surroundings: the document's struct store and the current
 * transaction ({@link SequenceEnv}), and the container that hears its visible changes
 * ({@link SequenceListener}). The document implements both; the sequence never sees it.
 */
import type { StructStore } from '../store/struct-store.js';

/** What a sequence reports to its document while it changes (the current transaction). */
export interface SequenceEnv {
  /** Every struct of the document. */
  readonly store: StructStore;
  /** Replica ids by client index (ties between concurrent runs order by replica id). */
  readonly clientIds: readonly number[];
  /** Units `(client, clock .. clock + len - 1)` were deleted in the current transaction. */
  recordDelete(client: number, clock: number, len: number): void;
}

/** Receives visible changes, in order, when someone observes the container. */
export interface SequenceListener {
  /** True when changes must be reported (someone observes). */
  readonly tracking: boolean;
  /** `content` appeared at visible `index`. */
  onInsert(index: number, content: string | unknown[]): void;
  /** `len` visible units vanished at `index`. */
  onDelete(index: number, len: number): void;
  /**
   * True when the container keeps something derived from visible positions that
   * {@link SequenceListener.onPositions} can keep current (whether or not anyone observes).
   */
  readonly positionsWanted?: boolean;
  /**
   * After a change through `integrate`, `deleteRemote` or a `splitItem` of its own (remote edits,
   * undo): the index was at version `before`, and `n` visible units appeared (n > 0) or vanished
   * (n < 0) at visible `index` (0: nothing visible changed). Called only when
   * {@link SequenceListener.positionsWanted}.
   */
  onPositions?(before: number, index: number, n: number): void;
}
