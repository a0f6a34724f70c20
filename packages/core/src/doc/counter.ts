/**
 * A counter: the sum of every increment ever made (positive-negative counter). Each increment is
 * an operation with its own id, so concurrent increments all count, and an update applied twice
 * counts once.
 */
import { AccordError } from '../errors.js';
import { Container, type ContainerKind } from './container.js';
import type { Doc } from './doc.js';
import { CounterOp } from './structs.js';

/** A counter in a document. */
export class Counter extends Container {
  readonly kind: ContainerKind = 'counter';
  /** Every increment, in arrival order. */
  readonly ops: CounterOp[] = [];
  private sum = 0;

  constructor(doc: Doc, rootName: string | null, hc: number, hk: number, parent: Container | null) {
    super(doc, rootName, hc, hk, parent);
  }

  /** The current total. */
  get value(): number {
    return this.sum;
  }

  /**
   * Add `delta` (default 1; may be negative).
   * @throws {AccordError} `invalid-argument` unless `delta` is a finite number.
   */
  increment(delta = 1): void {
    if (typeof delta !== 'number' || !Number.isFinite(delta)) {
      throw new AccordError('invalid-argument', 'delta must be a finite number');
    }
    if (delta === 0) return;
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

  /** Subtract `delta` (default 1). */
  decrement(delta = 1): void {
    this.increment(-delta);
  }

  /** @internal count an operation (local or remote). */
  integrateOp(op: CounterOp): void {
    this.ops.push(op);
    this.sum += op.delta;
    if (this.tracking) {
      this.pendingDelta += op.delta;
      this.touch();
    }
  }

  /** The total. */
  toJSON(): number {
    return this.sum;
  }
}
