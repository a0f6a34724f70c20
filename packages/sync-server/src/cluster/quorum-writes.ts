/**
 * Client writes waiting for their write quorum: each gets an id unique on this node, is tracked
 * until W distinct nodes hold it durably (this node once its local commit is done, a peer once
 * it acknowledges the id for the same document), and settles exactly once: resolved at the W-th
 * holder, or rejected with a retryable {@link ReplicationError} when its time is up (even while
 * the local commit is still pending) or the local commit failed.
 */
import type { NodeId } from '../election/types.js';
import { ReplicationError } from '../relay/replicator.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { CausalStamp } from './causal-forwarding.js';
import { WriteQuorumTracker } from './quorum.js';

/** A forward's causal stamp without its per-peer pull flag (see `CausalForwarding.stamp`). */
export type ForwardStamp = Omit<CausalStamp, 'pull'>;

/** A waiting write as {@link QuorumWrites.notHeldBy} yields it. */
export interface WaitingWrite {
  readonly id: number;
  readonly docId: string;
  readonly update: Uint8Array;
  readonly stamp: ForwardStamp | null;
}

interface Waiting {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly timer: TimerHandle;
  readonly docId: string;
  readonly update: Uint8Array;
  readonly stamp: ForwardStamp | null;
}

/** One node's writes in flight. */
export class QuorumWrites {
  private readonly tracker: WriteQuorumTracker<number>;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(
    private readonly w: number,
    private readonly timeoutMs: number,
    private readonly scheduler: Scheduler,
  ) {
    this.tracker = new WriteQuorumTracker({ w });
  }

  /** Writes waiting for their quorum. */
  get pending(): number {
    return this.tracker.pending;
  }

  /**
   * Track a new write of `update` to `docId` that `w` nodes must hold (default: this node's W):
   * returns its id and a promise that settles as described above, or rejects at once when too
   * many writes are waiting (backpressure). The promise is returned before any timer can settle
   * it, so its rejection is never unheard. `stamp` is kept to forward the write again as it was.
   */
  begin(
    docId: string,
    update: Uint8Array,
    w: number = this.w,
    stamp: ForwardStamp | null = null,
  ): { id: number; done: Promise<void> } {
    const id = this.nextId++;
    if (!this.tracker.begin(id, w)) {
      return { id, done: Promise.reject(new ReplicationError('too many updates waiting for their quorum')) };
    }
    const done = new Promise<void>((resolve, reject) => {
      const timer = this.scheduler.setTimer(this.timeoutMs, () =>
        this.settle(id, new ReplicationError(`update not held by ${w} nodes in time`)),
      );
      this.waiting.set(id, { resolve, reject, timer, docId, update, stamp });
    });
    return { id, done };
  }

  /**
   * `node` holds write `id` of `docId` durably. An acknowledgement that names another document
   * than the write's, or a write no longer waiting, counts for nothing.
   */
  held(id: number, docId: string, node: NodeId): void {
    const w = this.waiting.get(id);
    if (w !== undefined && w.docId === docId && this.tracker.ack(id, node)) this.settle(id, null);
  }

  /** Write `id` cannot be made durable (its local commit failed): reject it now. */
  fail(id: number, error: Error): void {
    this.settle(id, error);
  }

  /** Waiting writes that `node` is not known to hold (to forward again when its link comes up). */
  *notHeldBy(node: NodeId): Generator<WaitingWrite> {
    for (const [id, w] of this.waiting) {
      if (!this.tracker.holdersOf(id).includes(node))
        yield { id, docId: w.docId, update: w.update, stamp: w.stamp };
    }
  }

  /** Reject every waiting write with `error` (the node is stopping). */
  failAll(error: Error): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, error);
  }

  private settle(id: number, error: Error | null): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    this.tracker.abandon(id);
    w.timer.cancel();
    if (error === null) w.resolve();
    else w.reject(error);
  }
}
