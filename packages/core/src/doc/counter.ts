/**
 * A counter: the sum of every increment ever made (positive-negative counter). Each increment is
 * an operation with its own id, so concurrent increments all count, and an update applied twice
 * counts once.
 */
import { AccordError } from '../errors.js';
import type { ContainerKind } from '../format/kinds.js';
import { ExactTotal } from '../state/exact-total.js';
import { Container, type DocCore } from './container.js';
import { CounterOp } from './structs.js';

/**
 * A counter in a document. Increments are safe integers, so the total is exact and every replica
 * that has seen the same increments, in whatever order, holds the same value, bit for bit.
 *
 * Bounds: a local increment is refused when this replica's own increments or the total seen here
 * would leave ±(2^53 - 1); updates whose increments would take one replica's increments past it
 * are refused by `applyUpdate`. Increments made concurrently on different replicas can still add
 * up past 2^53 - 1 (no replica could have refused them); the total is then kept exactly and
 * {@link Counter.value} is its nearest double, the same on every replica (it is exact again, and a
 * safe integer, once decrements bring the total back into range).
 */
export class Counter extends Container {
  readonly kind: ContainerKind = 'counter';
  /** Every increment, in arrival order. @internal */
  readonly ops: CounterOp[] = [];
  /** Per client index: the sum of that replica's increments (always a safe integer). */
  private readonly entries = new Map<number, number>();
  private readonly total = new ExactTotal();

  /** @internal */
  constructor(doc: DocCore, rootName: string | null, hc: number, hk: number, parent: Container | null) {
    super(doc, rootName, hc, hk, parent);
  }

  /**
   * The current total: exact while it is a safe integer; beyond ±(2^53 - 1) (only reachable
   * through concurrent increments), the nearest double of the exact total.
   */
  get value(): number {
    return this.total.value;
  }

  /** @internal The sum of the increments of client index `client` (0 when none). */
  entryOf(client: number): number {
    return this.entries.get(client) ?? 0;
  }

  /**
   * Add `delta` (default 1; may be negative).
   * @throws {AccordError} `invalid-argument` unless `delta` is a safe integer (fractions, NaN,
   * infinities and magnitudes beyond 2^53 - 1 would make replicas round differently);
   * `out-of-range` when this replica's increments or the total would leave ±(2^53 - 1). The
   * counter is unchanged then.
   */
  increment(delta = 1): void {
    if (!Number.isSafeInteger(delta)) {
      throw new AccordError('invalid-argument', `counter delta must be a safe integer, got ${String(delta)}`);
    }
    if (delta === 0) return;
    if (!Number.isSafeInteger(this.entryOf(0) + delta)) {
      throw new AccordError('out-of-range', "this replica's increments would leave ±(2^53 - 1)");
    }
    if (!this.total.canAdd(delta)) {
      throw new AccordError('out-of-range', 'the counter total would leave ±(2^53 - 1)');
    }
    const doc = this.doc;
    const opened = doc.begin();
    try {
      const op = new CounterOp(0, doc.nextClock, this, delta);
      doc.store.add(op);
      this.integrateOp(op);
    } finally {
      if (opened) doc.commit();
    }
  }

  /**
   * Subtract `delta` (default 1).
   * @throws {AccordError} as {@link Counter.increment}.
   */
  decrement(delta = 1): void {
    if (!Number.isSafeInteger(delta)) {
      throw new AccordError('invalid-argument', `counter delta must be a safe integer, got ${String(delta)}`);
    }
    this.increment(-delta);
  }

  /**
   * @internal Count an operation (local or remote; its delta is a safe integer and keeps its
   * replica's entry safe, which `increment` and update validation check).
   */
  integrateOp(op: CounterOp): void {
    this.ops.push(op);
    this.entries.set(op.client, this.entryOf(op.client) + op.delta);
    this.total.add(op.delta);
    if (this.tracking) {
      this.pendingDelta += op.delta;
      this.touch();
    }
  }

  /** The total (see {@link Counter.value}). */
  toJSON(): number {
    return this.total.value;
  }
}
