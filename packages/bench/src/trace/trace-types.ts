/** The shapes of editing traces (`packages/bench/traces/README.md`), in memory. */
import type { TracePatch } from '@accord/core/testing';

/**
 * One patch with `Array.prototype.splice` semantics: delete `del` chars at `pos`, then insert
 * `ins` there (UTF-16 code units once loaded; code points in the file). The type core's
 * trace converter reads and writes.
 */
export type { TracePatch };

/** One user transaction: its patches are applied in order, as one transaction. */
export interface TraceTxn {
  readonly patches: readonly TracePatch[];
}

/** A whole trace: the text starts as `startContent` and must end as `endContent`. */
export interface EditingTrace {
  readonly startContent: string;
  readonly endContent: string;
  readonly txns: readonly TraceTxn[];
}

/** One transaction of a concurrent trace: its author, the transactions it follows, its patches. */
export interface ConcurrentTxn {
  readonly agent: number;
  /** Indexes of earlier transactions this one follows (their merged state is its starting state). */
  readonly parents: readonly number[];
  /** In Unicode code points, as in the file (converted per author state during the replay). */
  readonly patches: readonly TracePatch[];
}

/** A concurrent trace (`kind: "concurrent"`): several authors, transactions with parents. */
export interface ConcurrentTrace {
  readonly kind: 'concurrent';
  readonly endContent: string;
  readonly numAgents: number;
  readonly txns: readonly ConcurrentTxn[];
  /** True when some text has characters outside the BMP (code points and UTF-16 units differ). */
  readonly astral: boolean;
}
