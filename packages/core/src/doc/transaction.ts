/**
 * A transaction: the changes of one `transact` call (or one local edit, or one applied update),
 * gathered so they become one update and one batch of events. Kept small: a local keystroke
 * allocates only this object.
 */
import { DeleteSet } from './delete-set.js';

/** The bookkeeping of an open transaction. */
export class Transaction {
  /** This replica's next clock when the transaction started. */
  readonly ownBefore: number;
  /** Next clock per other client index when the transaction first touched it (remote updates). */
  others: Map<number, number> | null = null;
  /** Ids deleted in this transaction (client indexes), created on the first delete. */
  deletes: DeleteSet | null = null;
  /**
   * The update this transaction applied whole to an empty document (a snapshot load), if that is
   * all it did: its `'update'` event carries a copy of these bytes instead of re-encoding the
   * same state, which costs as much as encoding the document.
   */
  verbatim: Uint8Array | null = null;

  constructor(
    /** What the caller passed as origin. */
    readonly origin: unknown,
    /** True for local edits, false for applied updates. */
    readonly local: boolean,
    ownBefore: number,
  ) {
    this.ownBefore = ownBefore;
  }

  /** Remember the next clock of client index `client` before this transaction changed it. */
  touchClient(client: number, before: number): void {
    if (client === 0) return;
    if (this.others === null) this.others = new Map();
    if (!this.others.has(client)) this.others.set(client, before);
  }

  /** The next clock client index `client` had before this transaction, or undefined if untouched. */
  before(client: number): number | undefined {
    return client === 0 ? this.ownBefore : (this.others?.get(client) ?? undefined);
  }

  /** Record deleted ids. */
  addDelete(client: number, clock: number, len: number): void {
    if (this.deletes === null) this.deletes = new DeleteSet();
    this.deletes.add(client, clock, len);
  }
}
