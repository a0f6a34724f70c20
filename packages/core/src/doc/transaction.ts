/**
 * A transaction: the changes of one `transact` call (or one local edit, or one applied update),
 * gathered so they become one update and one batch of events.
 */
import { DeleteSet } from './delete-set.js';

/** The bookkeeping of an open transaction. */
export class Transaction {
  /** Next clock per client index when the transaction started (clients it touched). */
  readonly before = new Map<number, number>();
  /** Ids deleted in this transaction (client indexes). */
  readonly deletes = new DeleteSet();

  constructor(
    /** What the caller passed as origin. */
    readonly origin: unknown,
    /** True for local edits, false for applied updates. */
    readonly local: boolean,
  ) {}
}
