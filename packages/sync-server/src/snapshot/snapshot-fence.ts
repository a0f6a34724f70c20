/**
 * The follower side of ordered snapshots: every node keeps, per document, the highest snapshot
 * number it accepted and a promised term. It refuses snapshots from an older term than it promised
 * (fencing: a deposed leader cannot write) and numbers not above what it holds. Pure bookkeeping;
 * the host persists what {@link SnapshotFence.accept} and {@link SnapshotFence.answerQuery} say to.
 *
 * An accepted number is written asynchronously (off the event loop): until the host reports it
 * {@link SnapshotFence.stored}, it counts for refusing older numbers, but neither for answering
 * queries nor for {@link SnapshotFence.holds} (a retransmission is not told "stored" before it
 * is). A failed write is {@link SnapshotFence.retract}ed: the document goes back to its highest
 * stored number. A write that ends after this node promised a newer term than the number's is
 * kept but not acknowledged ({@link SnapshotFence.stored} says so): the new leader's query was
 * answered without it, so counting it for the old leader could commit one seq twice; and a query
 * answered with a number that a failed write then takes back would leave a gap below the new
 * leader's numbers.
 */
import { compareSnapshotNumbers, type SnapshotNumber } from './snapshot-number.js';

/** Why a snapshot was refused. */
export type SnapshotRefusal = 'old-term' | 'not-newer' | 'invalid-number';

/** Outcome of offering a snapshot to a node's store. */
export type SnapshotAcceptance = { ok: true } | { ok: false; reason: SnapshotRefusal };

/** Reply to a new leader's "what is the highest snapshot you hold for this document?". */
export interface SnapshotQueryAnswer {
  highest: SnapshotNumber | null;
  /** When set, persist this promised term before sending the answer. */
  persistPromisedTerm?: number;
}

/** One node's snapshot fencing state. Not shared between nodes. */
export class SnapshotFence {
  private promised: number;
  /** Per document, the highest number accepted (stored or being written). */
  private readonly highest = new Map<string, SnapshotNumber>();
  /** Per document, the highest number known durable (the host reported it stored, or found it at start). */
  private readonly durable = new Map<string, SnapshotNumber>();

  /**
   * `promisedTerm` is the larger of the node's persisted election term and its persisted promise;
   * `stored` lists the highest snapshot per document found in storage at start.
   */
  constructor(promisedTerm = 0, stored: Iterable<[string, SnapshotNumber]> = []) {
    this.promised = promisedTerm;
    for (const [doc, n] of stored) {
      this.highest.set(doc, { ...n });
      this.durable.set(doc, { ...n });
    }
  }

  /** The term below which snapshots are refused. */
  get promisedTerm(): number {
    return this.promised;
  }

  /** Highest snapshot accepted for `docId` (stored or still being written), or null. */
  highestFor(docId: string): SnapshotNumber | null {
    const n = this.highest.get(docId);
    return n === undefined ? null : { ...n };
  }

  /** Highest snapshot of `docId` known durable (reported {@link stored} or found at start), or null. */
  storedFor(docId: string): SnapshotNumber | null {
    const n = this.durable.get(docId);
    return n === undefined ? null : { ...n };
  }

  /** Raise the promise to `term` (the node saw that term in the election); never lowers it. */
  observeTerm(term: number): void {
    if (term > this.promised) this.promised = term;
  }

  /**
   * Answer a leader of `term` asking for the highest snapshot of `docId`. Promises `term` (so an
   * older leader can no longer commit here) and reports the highest durable number: one still
   * being written may yet fail, and once the promise is raised it is not acknowledged anyway.
   */
  answerQuery(docId: string, term: number): SnapshotQueryAnswer {
    const answer: SnapshotQueryAnswer = { highest: this.storedFor(docId) };
    if (term > this.promised) {
      this.promised = term;
      answer.persistPromisedTerm = term;
    }
    return answer;
  }

  /**
   * Decide whether to store snapshot `number` of `docId`, without changing anything. Refuses an
   * older term than promised (`old-term`), a number not above the stored one (`not-newer`), and
   * non-positive or unsafe fields (`invalid-number`).
   */
  check(docId: string, number: SnapshotNumber): SnapshotAcceptance {
    if (!valid(number)) return { ok: false, reason: 'invalid-number' };
    if (number.term < this.promised) return { ok: false, reason: 'old-term' };
    const cur = this.highest.get(docId);
    if (cur !== undefined && compareSnapshotNumbers(number, cur) <= 0)
      return { ok: false, reason: 'not-newer' };
    return { ok: true };
  }

  /**
   * Whether `number` is exactly the highest snapshot stored for `docId` (durably: see
   * {@link stored}), in a term not below the promise: a retransmitted announcement (its first
   * reply lost) is then answered "stored" without storing it again, so the leader can still
   * commit it. One still being written is not held yet.
   */
  holds(docId: string, number: SnapshotNumber): boolean {
    const cur = this.highest.get(docId);
    const done = this.durable.get(docId);
    return (
      cur !== undefined &&
      done !== undefined &&
      number.term >= this.promised &&
      compareSnapshotNumbers(number, cur) === 0 &&
      compareSnapshotNumbers(number, done) === 0
    );
  }

  /**
   * The host stored accepted number `number` of `docId` durably. Returns whether it may be
   * acknowledged (a follower replies "stored", a leader announces it): false when this node
   * promised a newer term than the number's while it was being written, since a query of that
   * term was then answered without it. The number counts as stored either way.
   */
  stored(docId: string, number: SnapshotNumber): boolean {
    const done = this.durable.get(docId);
    if (done === undefined || compareSnapshotNumbers(number, done) > 0)
      this.durable.set(docId, { ...number });
    return number.term >= this.promised;
  }

  /**
   * The host failed to store accepted number `number` of `docId`: unless a newer number was
   * accepted since, the document goes back to its highest stored number (so the same number can
   * be accepted, or issued, again). The promised term stays: promising more is always safe.
   */
  retract(docId: string, number: SnapshotNumber): void {
    const cur = this.highest.get(docId);
    if (cur === undefined || compareSnapshotNumbers(number, cur) !== 0) return;
    const done = this.durable.get(docId);
    if (done === undefined) this.highest.delete(docId);
    else this.highest.set(docId, { ...done });
  }

  /**
   * Check and, when accepted, record the snapshot (the host stores its bytes durably before
   * acknowledging). Accepting a term above the promise raises the promise. A refusal changes nothing.
   */
  accept(docId: string, number: SnapshotNumber): SnapshotAcceptance {
    const verdict = this.check(docId, number);
    if (verdict.ok) {
      this.highest.set(docId, { ...number });
      this.observeTerm(number.term);
    }
    return verdict;
  }
}

function valid(n: SnapshotNumber): boolean {
  return Number.isSafeInteger(n.term) && Number.isSafeInteger(n.seq) && n.term >= 1 && n.seq >= 1;
}
