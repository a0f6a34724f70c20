/**
 * Causal delivery: a buffer that receives messages in any order, any number of times, and hands
 * them to the application exactly once each, only after every message they depend on.
 */
import { assertReplicaId, type Dot, type ReplicaId } from '../clock/dot.js';
import { VectorClock } from '../clock/vector-clock.js';
import { AccordError } from '../errors.js';

/**
 * One message under causal delivery: the event `dot` (the `counter`-th message of its origin
 * replica), the events it depends on (`deps`: everything its origin had delivered when it was
 * sent), and an application payload. A message implicitly depends on its origin's previous
 * message `(replica, counter - 1)`.
 */
export interface CausalMessage<T> {
  /** The origin replica and the message's sequence number there (from 1). */
  dot: Dot;
  /** Everything the origin had delivered before sending this message. */
  deps: VectorClock;
  /** The application data. */
  payload: T;
}

/** An inclusive range of missing dots of one replica: counters `from..to`. */
export interface DotRange {
  /** The replica whose messages are missing. */
  replica: ReplicaId;
  /** First missing counter. */
  from: number;
  /** Last missing counter (inclusive). */
  to: number;
}

/** Options of {@link CausalBuffer}. */
export interface CausalBufferOptions {
  /** Most messages held while waiting for their dependencies (default 10 000). */
  maxPending?: number;
  /** Start as if everything in this clock had been delivered (for example after loading a snapshot). */
  delivered?: VectorClock;
}

/**
 * A causal delivery buffer. {@link CausalBuffer.receive} returns, in a causal order, every
 * message that became deliverable: the received one if its dependencies are all delivered, and
 * then any held messages that were only waiting for it (transitively).
 *
 * The buffer keeps received messages by reference until delivery: do not mutate them.
 *
 * Guarantees: a message is delivered only after every dot in its `deps` and its origin's previous
 * message; each dot is delivered at most once (duplicates, delivered or held, are dropped); a held
 * message is delivered as soon as its last dependency is. Held messages are indexed by the one dot
 * they currently wait for, so a delivery wakes only the messages waiting for it: no rescans.
 *
 * Bounded: at most `maxPending` messages are held. Receiving one more that must wait throws
 * `AccordError('buffer-overflow')` and leaves the buffer exactly as it was; nothing is silently
 * dropped. {@link CausalBuffer.missing} tells a sync layer which dots to fetch.
 */
export class CausalBuffer<T> {
  /** The most messages held at once. */
  readonly maxPending: number;
  private readonly deliveredClock: VectorClock;
  /** Held messages by origin replica, then counter. */
  private readonly held = new Map<ReplicaId, Map<number, CausalMessage<T>>>();
  /** Held messages by the dot they currently wait for: replica, then counter. */
  private readonly waiting = new Map<ReplicaId, Map<number, CausalMessage<T>[]>>();
  private heldCount = 0;

  /**
   * @throws {AccordError} `invalid-argument` if `maxPending` is not a non-negative safe integer.
   */
  constructor(options: CausalBufferOptions = {}) {
    const max = options.maxPending ?? 10_000;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new AccordError('invalid-argument', `maxPending must be a non-negative safe integer, got ${max}`);
    }
    this.maxPending = max;
    this.deliveredClock = options.delivered ? options.delivered.clone() : new VectorClock();
  }

  /** A copy of the clock of everything delivered so far. */
  get delivered(): VectorClock {
    return this.deliveredClock.clone();
  }

  /** How many messages are held waiting for dependencies. */
  get pendingCount(): number {
    return this.heldCount;
  }

  /** True when the message named `dot` has been delivered. */
  hasDelivered(dot: Dot): boolean {
    return this.deliveredClock.includes(dot);
  }

  /** True when the message named `dot` is held, waiting for its dependencies. */
  isPending(dot: Dot): boolean {
    return this.held.get(dot.replica)?.has(dot.counter) ?? false;
  }

  /**
   * Take in one message (possibly a duplicate, possibly early) and return the messages delivered
   * as a result, in causal order (empty when it is a duplicate or must wait).
   * @throws {AccordError} `invalid-argument` for a malformed message (bad dot, or `deps` naming
   * its own dot or a later one of its origin); `buffer-overflow` if it must wait and `maxPending`
   * messages are already held; `replica-collision` if a held message has the same dot but other
   * dependencies (two sessions share a replica id). The buffer is unchanged when it throws.
   */
  receive(message: CausalMessage<T>): CausalMessage<T>[] {
    const { dot, deps } = message;
    assertReplicaId(dot.replica);
    if (!Number.isSafeInteger(dot.counter) || dot.counter < 1) {
      throw new AccordError(
        'invalid-argument',
        `message dot counter must be a safe integer >= 1, got ${dot.counter}`,
      );
    }
    if (!(deps instanceof VectorClock))
      throw new AccordError('invalid-argument', 'message deps must be a VectorClock');
    if (deps.get(dot.replica) >= dot.counter) {
      throw new AccordError(
        'invalid-argument',
        'a message cannot depend on itself or a later message of its origin',
      );
    }
    if (this.deliveredClock.includes(dot)) return [];
    const held = this.held.get(dot.replica)?.get(dot.counter);
    if (held) {
      if (!held.deps.equals(deps)) {
        throw new AccordError(
          'replica-collision',
          `two different messages claim dot ${dot.replica}:${dot.counter}`,
        );
      }
      return [];
    }
    const blocker = this.firstMissing(message);
    if (blocker) {
      if (this.heldCount >= this.maxPending) {
        throw new AccordError(
          'buffer-overflow',
          `causal buffer full (${this.maxPending} messages waiting); fetch the missing dots first`,
        );
      }
      this.hold(message, blocker);
      return [];
    }
    const out: CausalMessage<T>[] = [];
    this.deliver(message, out);
    return out;
  }

  /**
   * Which dots the held messages wait for and that are neither delivered nor held: per replica,
   * inclusive counter ranges, sorted by replica then counter. A sync layer asks peers for these.
   * Costs a pass over the held messages' dependencies; call it when needed, not per message.
   */
  missing(): DotRange[] {
    const need = new Map<ReplicaId, number>(); // highest counter needed per replica
    const raise = (r: ReplicaId, c: number) => {
      if (c > (need.get(r) ?? 0)) need.set(r, c);
    };
    for (const [r, byCounter] of this.held) {
      for (const [c, msg] of byCounter) {
        raise(r, c - 1);
        for (const [q, k] of msg.deps) raise(q, k);
      }
    }
    const out: DotRange[] = [];
    for (const r of [...need.keys()].sort((a, b) => a - b)) {
      const upto = need.get(r) as number;
      let from = this.deliveredClock.get(r) + 1;
      const heldCounters = [...(this.held.get(r)?.keys() ?? [])]
        .filter((c) => c <= upto)
        .sort((a, b) => a - b);
      for (const h of heldCounters) {
        if (h > from) out.push({ replica: r, from, to: h - 1 });
        from = Math.max(from, h + 1);
      }
      if (from <= upto) out.push({ replica: r, from, to: upto });
    }
    return out;
  }

  /** Every held message, in no particular order (for persistence or debugging). */
  pending(): CausalMessage<T>[] {
    const out: CausalMessage<T>[] = [];
    for (const byCounter of this.held.values()) for (const m of byCounter.values()) out.push(m);
    return out;
  }

  /** The first dependency of `message` not yet delivered, or undefined when it is deliverable. */
  private firstMissing(message: CausalMessage<T>): Dot | undefined {
    const { dot, deps } = message;
    if (this.deliveredClock.get(dot.replica) < dot.counter - 1) {
      return { replica: dot.replica, counter: dot.counter - 1 };
    }
    for (const [q, k] of deps) {
      if (this.deliveredClock.get(q) < k) return { replica: q, counter: k };
    }
    return undefined;
  }

  private hold(message: CausalMessage<T>, blocker: Dot): void {
    let byCounter = this.held.get(message.dot.replica);
    if (!byCounter) {
      byCounter = new Map();
      this.held.set(message.dot.replica, byCounter);
    }
    byCounter.set(message.dot.counter, message);
    this.heldCount++;
    this.waitOn(message, blocker);
  }

  private waitOn(message: CausalMessage<T>, blocker: Dot): void {
    let byCounter = this.waiting.get(blocker.replica);
    if (!byCounter) {
      byCounter = new Map();
      this.waiting.set(blocker.replica, byCounter);
    }
    const list = byCounter.get(blocker.counter);
    if (list) list.push(message);
    else byCounter.set(blocker.counter, [message]);
  }

  /** Deliver `first`, then every held message it unblocks (worklist, no recursion). */
  private deliver(first: CausalMessage<T>, out: CausalMessage<T>[]): void {
    const work: CausalMessage<T>[] = [first];
    while (work.length > 0) {
      const msg = work.pop() as CausalMessage<T>;
      const { replica, counter } = msg.dot;
      this.deliveredClock.advance(replica, counter);
      out.push(msg);
      const waiters = this.waiting.get(replica)?.get(counter);
      if (!waiters) continue;
      const byCounter = this.waiting.get(replica) as Map<number, CausalMessage<T>[]>;
      byCounter.delete(counter);
      if (byCounter.size === 0) this.waiting.delete(replica);
      for (const w of waiters) {
        const blocker = this.firstMissing(w);
        if (blocker) {
          this.waitOn(w, blocker);
          continue;
        }
        const heldOfOrigin = this.held.get(w.dot.replica) as Map<number, CausalMessage<T>>;
        heldOfOrigin.delete(w.dot.counter);
        if (heldOfOrigin.size === 0) this.held.delete(w.dot.replica);
        this.heldCount--;
        work.push(w);
      }
    }
  }
}
