/**
 * Bookkeeping of quorum reads: a joining client's document is merged from R nodes, this one and
 * R - 1 peers. A read asks every peer for what it holds beyond the joiner's state vector and
 * completes with the first R - 1 distinct answers, or with whatever arrived when its time is up
 * (a partition must not hang a join; the client still gets this node's state and catches up by
 * anti-entropy).
 *
 * Answers are matched by request, not by document: each read has its own request id, echoed in
 * the replies, so a reply given before the read began (to catch-up, or to an earlier join of the
 * same document) never counts for it. A write acknowledged before the read began is held by W
 * nodes, and R + W > N makes one of the answers hold it.
 *
 * A request sent on a link that was down, or that broke before the answer came, is lost with the
 * link; the peer is asked again when its link comes back, so a read waits for the peer's return
 * rather than for its timeout.
 */
import type { NodeId } from '../election/types.js';
import type { ReadStateResult } from '../relay/replicator.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';

interface PendingRead {
  readonly reqId: number;
  readonly docId: string;
  readonly need: number;
  readonly updates: Uint8Array[];
  readonly from: Set<NodeId>;
  readonly ask: (peer: NodeId, reqId: number) => void;
  readonly resolve: (result: ReadStateResult) => void;
  readonly timer: TimerHandle;
}

/** The quorum reads a node has in flight. */
export class QuorumReads {
  private readonly reads = new Map<number, PendingRead>();
  /** The last request id given (ids start at 1; 0 marks catch-up requests). */
  private lastId = 0;

  constructor(private readonly scheduler: Scheduler) {}

  /** Reads in flight. */
  get size(): number {
    return this.reads.size;
  }

  /**
   * Start a read of `docId` that needs `need` peer answers; `ask(peer, reqId)` sends one peer the
   * request, and is called for each of `peers` now and again for a peer whose link comes back
   * ({@link peerUp}). Resolves with the answers' updates once `need` distinct peers answered this
   * read (`readQuorum: true`), or with what arrived when `timeoutMs` passed (`readQuorum: false`).
   */
  begin(
    docId: string,
    need: number,
    timeoutMs: number,
    peers: readonly NodeId[],
    ask: (peer: NodeId, reqId: number) => void,
  ): Promise<ReadStateResult> {
    return new Promise((resolve) => {
      this.lastId = this.lastId >= Number.MAX_SAFE_INTEGER ? 1 : this.lastId + 1;
      const reqId = this.lastId;
      const read: PendingRead = {
        reqId,
        docId,
        need,
        updates: [],
        from: new Set(),
        ask,
        resolve,
        timer: this.scheduler.setTimer(timeoutMs, () => this.finish(read)),
      };
      this.reads.set(reqId, read);
      for (const p of peers) ask(p, reqId);
    });
  }

  /**
   * A peer's answer to request `reqId` about `docId`: counts once per peer towards that read (an
   * answer to another request, a finished read or another document counts for nothing).
   */
  answer(from: NodeId, reqId: number, docId: string, update: Uint8Array): void {
    const r = this.reads.get(reqId);
    if (r === undefined || r.docId !== docId || r.from.has(from)) return;
    r.from.add(from);
    r.updates.push(update);
    if (r.from.size >= r.need) this.finish(r);
  }

  /** `peer`'s link came (back) up: ask it again for every read it has not answered. */
  peerUp(peer: NodeId): void {
    for (const r of this.reads.values()) if (!r.from.has(peer)) r.ask(peer, r.reqId);
  }

  /** Complete every read with what it has (node stopping). */
  stop(): void {
    for (const r of [...this.reads.values()]) this.finish(r);
  }

  private finish(r: PendingRead): void {
    if (this.reads.get(r.reqId) !== r) return;
    r.timer.cancel();
    this.reads.delete(r.reqId);
    r.resolve({ updates: r.updates, readQuorum: r.from.size >= r.need });
  }
}
