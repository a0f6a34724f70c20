/**
 * Bookkeeping of quorum reads: a joining client's document is merged from R nodes, this one and
 * R - 1 peers. A read asks every peer for what it holds beyond the joiner's state vector and
 * completes with the first R - 1 distinct answers, or with whatever arrived when its time is up
 * (a partition must not hang a join; the client still gets this node's state and catches up by
 * anti-entropy). It asks only peers whose link is up, asks a peer again when its link comes back
 * (a request sent before a link broke is lost with it), and does not wait for answers that cannot
 * come: when the peers still able to answer are too few to complete it, it completes at once with
 * what it has, exactly as its timeout would later.
 */
import type { NodeId } from '../election/types.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';

interface PendingRead {
  readonly docId: string;
  readonly need: number;
  readonly updates: Uint8Array[];
  readonly from: Set<NodeId>;
  readonly ask: (peer: NodeId) => void;
  readonly resolve: (updates: Uint8Array[]) => void;
  readonly timer: TimerHandle;
}

/** The quorum reads a node has in flight. */
export class QuorumReads {
  private readonly reads = new Set<PendingRead>();

  constructor(private readonly scheduler: Scheduler) {}

  /**
   * Start a read of `docId` that needs `need` peer answers from the peers in `reachable` (those
   * whose link is up); `ask` sends one peer the request. Resolves with the answers' updates once
   * `need` distinct peers answered or `timeoutMs` passed, and at once (with nothing) when fewer
   * than `need` peers are reachable.
   */
  begin(
    docId: string,
    need: number,
    timeoutMs: number,
    reachable: readonly NodeId[],
    ask: (peer: NodeId) => void,
  ): Promise<Uint8Array[]> {
    if (reachable.length < need) return Promise.resolve([]);
    return new Promise((resolve) => {
      const read: PendingRead = {
        docId,
        need,
        updates: [],
        from: new Set(),
        ask,
        resolve,
        timer: this.scheduler.setTimer(timeoutMs, () => {
          this.reads.delete(read);
          resolve(read.updates);
        }),
      };
      this.reads.add(read);
      for (const p of reachable) ask(p);
    });
  }

  /** A peer's answer for `docId`: counts once per peer towards every read of that document. */
  answer(from: NodeId, docId: string, update: Uint8Array): void {
    for (const r of this.reads) {
      if (r.docId !== docId || r.from.has(from)) continue;
      r.from.add(from);
      r.updates.push(update);
      if (r.from.size >= r.need) this.finish(r);
    }
  }

  /** `peer`'s link came (back) up: ask it again for every read it has not answered. */
  peerUp(peer: NodeId): void {
    for (const r of this.reads) if (!r.from.has(peer)) r.ask(peer);
  }

  /**
   * A link went down; `reachable` are the peers whose link is still up. Reads that can no longer
   * get enough answers complete now with what they have.
   */
  peerDown(reachable: readonly NodeId[]): void {
    for (const r of this.reads) {
      const possible = r.from.size + reachable.filter((p) => !r.from.has(p)).length;
      if (possible < r.need) this.finish(r);
    }
  }

  /** Complete every read with what it has (node stopping). */
  stop(): void {
    for (const r of [...this.reads]) this.finish(r);
  }

  private finish(r: PendingRead): void {
    r.timer.cancel();
    this.reads.delete(r);
    r.resolve(r.updates);
  }
}
