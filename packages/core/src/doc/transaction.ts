/**
 * A transaction: the changes of one `transact` call (or one local edit, or one applied update),
 * gathered so they become one update and one batch of events. Kept small: a local keystroke
 * allocates only this object.
 */
import { DeleteSet } from './delete-set.js';

/**
 * A document's next clocks by client index (its struct store). An object with a method rather
 * than a closure: a closure made per document is a different call target for every document, and
 * V8's code optimized for the first one deoptimizes when the next document commits.
 */
export interface NextClocks {
  /** The next clock of client index `client` (0 when it has none). */
  getState(client: number): number;
}

/** The bookkeeping of an open transaction. */
export class Transaction {
  /** This replica's next clock when the transaction started. */
  ownBefore: number;
  /**
   * The first other client index the transaction touched (remote updates), or -1, and its next
   * clock then: an applied keystroke touches one replica, so no map is made for it.
   */
  private firstOther = -1;
  private firstBefore = 0;
  /** Next clock per further client index when the transaction first touched it. */
  private more: Map<number, number> | null = null;
  /** Ids deleted in this transaction (client indexes), created on the first delete. */
  deletes: DeleteSet | null = null;
  /**
   * How many ids {@link addDelete} recorded: an applied update's event carries the update's own
   * bytes only when the update deleted every id it names.
   */
  deletedUnits = 0;
  /**
   * The update this transaction applied whole to an empty document (a snapshot load), if that is
   * all it did: its `'update'` event carries a copy of these bytes instead of re-encoding the
   * same state, which costs as much as encoding the document.
   */
  verbatim: Uint8Array | null = null;

  constructor(
    /** What the caller passed as origin. */
    public origin: unknown,
    /** True for local edits, false for applied updates. */
    public local: boolean,
    ownBefore: number,
  ) {
    this.ownBefore = ownBefore;
  }

  /** Make this committed transaction a new one, as `new Transaction(origin, local, ownBefore)`. */
  reset(origin: unknown, local: boolean, ownBefore: number): void {
    this.origin = origin;
    this.local = local;
    this.ownBefore = ownBefore;
    this.firstOther = -1;
    this.firstBefore = 0;
    this.more = null;
    this.deletes = null;
    this.deletedUnits = 0;
    this.verbatim = null;
  }

  /** Drop what this committed transaction refers to (its origin, deletes and bytes). */
  release(): void {
    this.reset(null, true, 0);
  }

  /** Remember the next clock of client index `client` before this transaction changed it. */
  touchClient(client: number, before: number): void {
    if (client === 0 || client === this.firstOther) return;
    if (this.firstOther < 0) {
      this.firstOther = client;
      this.firstBefore = before;
      return;
    }
    if (this.more === null) this.more = new Map();
    if (!this.more.has(client)) this.more.set(client, before);
  }

  /** The next clock client index `client` had before this transaction, or undefined if untouched. */
  before(client: number): number | undefined {
    if (client === 0) return this.ownBefore;
    if (client === this.firstOther) return this.firstBefore;
    return this.more?.get(client) ?? undefined;
  }

  /** True when the transaction integrated structs of another client (applied an update). */
  get touchedOthers(): boolean {
    return this.firstOther >= 0;
  }

  /** Every other client index the transaction touched, with its next clock before it. */
  others(): [number, number][] {
    const out: [number, number][] = [];
    if (this.firstOther >= 0) out.push([this.firstOther, this.firstBefore]);
    if (this.more !== null) for (const e of this.more) out.push(e);
    return out;
  }

  /**
   * True when some other client touched by the transaction has a next clock past the one it had
   * before (`clocks` gives a client index's next clock now).
   */
  othersAdvanced(clocks: NextClocks): boolean {
    if (this.firstOther >= 0 && clocks.getState(this.firstOther) > this.firstBefore) return true;
    if (this.more !== null) for (const [c, clock] of this.more) if (clocks.getState(c) > clock) return true;
    return false;
  }

  /**
   * True when the transaction changed its document: it deleted ids, or integrated structs (a
   * replica's next clock, `clocks.getState(clientIndex)`, passed the one it had when first
   * touched). A few integer comparisons: cheap enough for every commit.
   */
  changed(clocks: NextClocks): boolean {
    return this.deletes !== null || clocks.getState(0) > this.ownBefore || this.othersAdvanced(clocks);
  }

  /** Record deleted ids. */
  addDelete(client: number, clock: number, len: number): void {
    if (this.deletes === null) this.deletes = new DeleteSet();
    this.deletes.add(client, clock, len);
    this.deletedUnits += len;
  }
}

/**
 * A committed transaction kept for the next {@link openTransaction} of any document (none while it
 * is reused, or while the transaction just committed is still delivering). Besides an allocation
 * per transaction, it keeps one transaction alive between transactions: a full garbage collection
 * that finds none drops V8's optimized code of every function specialized for them ("weak
 * objects" deoptimizations), and the next edits then run unoptimized until recompiled.
 */
let spare: Transaction | null = null;

/** A new open transaction: the spare, reset, or a new one. */
export function openTransaction(origin: unknown, local: boolean, ownBefore: number): Transaction {
  const t = spare;
  if (t === null) return new Transaction(origin, local, ownBefore);
  spare = null;
  t.reset(origin, local, ownBefore);
  return t;
}

/** Release `t`, a transaction whose commit is over (nothing may use it any more), as the spare. */
export function parkTransaction(t: Transaction): void {
  t.release();
  spare = t;
}
