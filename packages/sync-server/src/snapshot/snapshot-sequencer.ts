/**
 * The leader side of ordered snapshots. Only a leader issues snapshot numbers, one document at a
 * time and one in flight per document. Before its first snapshot of a document in its term, a new
 * leader asks every peer for the highest number it stores and waits for a majority (itself
 * included): every committed snapshot is on a majority, so the next seq is above all of them and
 * no committed number is reused. Answering promises the leader's term, so a deposed leader can no
 * longer reach a majority (fencing). A snapshot is committed once a majority stored it.
 * Pure: returns messages to send and events; the host does the I/O.
 */
import { majorityOf } from '../election/config.js';
import type { NodeId } from '../election/types.js';
import type { SnapshotFence } from './snapshot-fence.js';
import type { SnapshotNumber } from './snapshot-number.js';

/** Leader to peers: "report your highest snapshot of `docId`" (and promise `term`). */
export interface SnapshotQueryMessage {
  type: 'snapshot-query';
  docId: string;
  term: number;
}

/** Events the sequencer reports to its host. */
export type SequencerEvent =
  | { type: 'learned'; docId: string; term: number; nextSeq: number }
  | { type: 'committed'; docId: string; number: SnapshotNumber; ackers: NodeId[] }
  | { type: 'fenced'; docId: string; term: number; by: NodeId };

/** What {@link SnapshotSequencer.issue} decided. */
export type IssueResult =
  | { status: 'not-leader' }
  | { status: 'learning'; send: SnapshotQueryMessage[] }
  | { status: 'busy'; inFlight: SnapshotNumber }
  /** `committed` is true when this node alone is a majority (a cluster of one). */
  | { status: 'issued'; number: SnapshotNumber; committed: boolean };

interface DocState {
  answers: Map<NodeId, number>;
  nextSeq: number | null;
  inFlight: SnapshotNumber | null;
  acks: Set<NodeId>;
}

/** One node's snapshot sequencer; active only while the node leads a term. */
export class SnapshotSequencer {
  private readonly id: NodeId;
  private readonly majority: number;
  private readonly fence: SnapshotFence;
  private leading: number | null = null;
  private readonly docs = new Map<string, DocState>();

  /** `fence` is this node's own store validation; the leader stores its own snapshots too. */
  constructor(id: NodeId, members: readonly NodeId[], fence: SnapshotFence) {
    this.id = id;
    this.majority = majorityOf(members.length);
    this.fence = fence;
  }

  /** The term this node leads, or null. */
  get term(): number | null {
    return this.leading;
  }

  /** Start leading `term` (call on the election's `became-leader`). Forgets all per-document state. */
  lead(term: number): void {
    this.leading = term;
    this.docs.clear();
    this.fence.observeTerm(term);
  }

  /** Stop issuing (call on `stepped-down` or a higher term). Uncommitted snapshots stay uncommitted. */
  stepDown(): void {
    this.leading = null;
    this.docs.clear();
  }

  /**
   * Try to number a new snapshot of `docId`. The first call in a term returns the queries to
   * broadcast (`learning`); once a majority answered, calls return `issued` with a fresh number,
   * already accepted by this node's own fence, or `busy` while the previous one is uncommitted.
   */
  issue(docId: string): IssueResult {
    if (this.leading === null) return { status: 'not-leader' };
    const term = this.leading;
    let doc = this.docs.get(docId);
    if (doc === undefined) {
      doc = { answers: new Map(), nextSeq: null, inFlight: null, acks: new Set() };
      this.docs.set(docId, doc);
      const own = this.fence.answerQuery(docId, term).highest;
      doc.answers.set(this.id, own?.seq ?? 0);
      this.maybeLearned(docId, doc);
      if (doc.nextSeq === null)
        return { status: 'learning', send: [{ type: 'snapshot-query', docId, term }] };
    }
    if (doc.nextSeq === null) return { status: 'learning', send: [] };
    if (doc.inFlight !== null) return { status: 'busy', inFlight: { ...doc.inFlight } };
    const number = { term, seq: doc.nextSeq };
    if (!this.fence.accept(docId, number).ok) {
      // Our own store already promised a newer term: we are deposed.
      this.stepDown();
      return { status: 'not-leader' };
    }
    doc.inFlight = number;
    doc.acks = new Set([this.id]);
    if (doc.acks.size >= this.majority) {
      doc.inFlight = null;
      doc.nextSeq = number.seq + 1;
      return { status: 'issued', number: { ...number }, committed: true };
    }
    return { status: 'issued', number: { ...number }, committed: false };
  }

  /**
   * This node could not store `number` of `docId`, which it issued: forget it, so that the next
   * {@link issue} numbers the same seq again (no gap; the host retracts it from the fence first).
   * Nothing happens when `number` is not the document's latest issue in the current term.
   */
  abandon(docId: string, number: SnapshotNumber): void {
    const doc = this.docs.get(docId);
    if (doc === undefined || this.leading !== number.term) return;
    if (doc.inFlight !== null) {
      if (doc.inFlight.seq !== number.seq || doc.inFlight.term !== number.term) return;
      doc.inFlight = null;
      doc.acks = new Set();
    } else if (doc.nextSeq === number.seq + 1) {
      doc.nextSeq = number.seq; // committed at issue: this node alone is a majority
    }
  }

  /**
   * This node's own write of `number`, which it issued, ended only after its store promised a
   * newer term ({@link SnapshotFence.stored} returned false): a newer leader exists and learned
   * the highest number without this one, so stop leading `number.term` (nothing happens when this
   * node already leads another term).
   */
  outdated(number: SnapshotNumber): void {
    if (this.leading === number.term) this.stepDown();
  }

  /** The uncommitted snapshot of `docId` (to retransmit its announcement), or null. */
  inFlight(docId: string): SnapshotNumber | null {
    const n = this.docs.get(docId)?.inFlight;
    return n == null ? null : { ...n };
  }

  /** Record a peer's answer to our query for `docId` in `term`. Answers for other terms are ignored. */
  onQueryAnswer(from: NodeId, docId: string, term: number, highest: SnapshotNumber | null): SequencerEvent[] {
    const doc = this.docs.get(docId);
    if (this.leading !== term || doc === undefined || doc.nextSeq !== null) return [];
    doc.answers.set(from, highest?.seq ?? 0);
    return this.maybeLearned(docId, doc);
  }

  /**
   * Record a peer's reply to our announcement of `number`. A majority of acceptances commits it;
   * an `old-term` refusal means a newer leader exists, so this one stops issuing.
   */
  onAnnounceReply(
    from: NodeId,
    docId: string,
    number: SnapshotNumber,
    accepted: boolean,
    promisedTerm: number,
  ): SequencerEvent[] {
    const doc = this.docs.get(docId);
    if (this.leading === null || doc?.inFlight == null) return [];
    if (!accepted && promisedTerm > this.leading) {
      const term = this.leading;
      this.stepDown();
      return [{ type: 'fenced', docId, term, by: from }];
    }
    if (!accepted || doc.inFlight.term !== number.term || doc.inFlight.seq !== number.seq) return [];
    doc.acks.add(from);
    if (doc.acks.size < this.majority) return [];
    const committed = doc.inFlight;
    doc.inFlight = null;
    doc.nextSeq = committed.seq + 1;
    return [{ type: 'committed', docId, number: { ...committed }, ackers: [...doc.acks] }];
  }

  private maybeLearned(docId: string, doc: DocState): SequencerEvent[] {
    if (doc.answers.size < this.majority || this.leading === null) return [];
    doc.nextSeq = Math.max(...doc.answers.values()) + 1;
    return [{ type: 'learned', docId, term: this.leading, nextSeq: doc.nextSeq }];
  }
}
