/**
 * Bookkeeping of quorum reads: a joining client's document is merged from R nodes, this one and
 * R - 1 peers. A read asks every peer for what it holds beyond the joiner's state vector and
 * completes with the first R - 1 distinct answers, or with whatever arrived when its time is up
 * (a partition must not hang a join; the client still gets this node's state and catches up by
 * anti-entropy).
 */
import type { NodeId } from '../election/types.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';

interface PendingRead {
  readonly docId: string;
  readonly need: number;
  readonly updates: Uint8Array[];
  readonly from: Set<NodeId>;
  readonly resolve: (updates: Uint8Array[]) => void;
  readonly timer: TimerHandle;
}

/** The quorum reads a node has in flight. */
export class QuorumReads {
  private readonly reads = new Set<PendingRead>();

  constructor(private readonly scheduler: Scheduler) {}

  /**
   * Start a read of `docId` that needs `need` peer answers; `ask` sends the requests. Resolves
   * with the answers' updates once `need` distinct peers answered or `timeoutMs` passed.
   */
  begin(docId: string, need: number, timeoutMs: number, ask: () => void): Promise<Uint8Array[]> {
    return new Promise((resolve) => {
      const read: PendingRead = {
        docId,
        need,
        updates: [],
        from: new Set(),
        resolve,
        timer: this.scheduler.setTimer(timeoutMs, () => {
          this.reads.delete(read);
          resolve(read.updates);
        }),
      };
      this.reads.add(read);
      ask();
    });
  }

  /** A peer's answer for `docId`: counts once per peer towards every read of that document. */
  answer(from: NodeId, docId: string, update: Uint8Array): void {
    for (const r of this.reads) {
      if (r.docId !== docId || r.from.has(from)) continue;
      r.from.add(from);
      r.updates.push(update);
      if (r.from.size >= r.need) {
        r.timer.cancel();
        this.reads.delete(r);
        r.resolve(r.updates);
      }
    }
  }

  /** Complete every read with what it has (node stopping). */
  stop(): void {
    for (const r of this.reads) {
      r.timer.cancel();
      r.resolve(r.updates);
    }
    this.reads.clear();
  }
}
