/**
 * Operation-based PN-counter: each op carries a signed amount; effects add up.
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { ExactTotal } from '../state/exact-total.js';
import { type OpCrdt, OpTag, readOpTag } from './op-crdt.js';

/** An {@link OpCounter} op: add `amount` (negative to decrement). */
export interface OpCounterOp {
  /** The signed change, a safe integer. */
  amount: number;
}

/**
 * An operation-based counter that goes up and down (PN-counter). Additions commute, so concurrent
 * increments and decrements on any replicas all count once each, in any delivery order; the
 * delivery layer ({@link OpReplica}) supplies exactly-once delivery (a duplicated op effected
 * twice would count twice). Amounts are safe integers and the total is kept exactly, so replicas
 * that effected the same ops in any order hold the same value bit for bit.
 *
 * Bounds: preparing an op is refused when the total seen here would leave ±(2^53 - 1) (ops carry
 * no origin, so there is no per-replica entry to bound). Concurrent ops of different replicas can
 * still add up past it; the exact total is kept, {@link OpCounter.value} is its nearest double
 * (the same on every replica), and {@link OpCounter.writeState} refuses until it is back in range.
 */
export class OpCounter implements OpCrdt<OpCounterOp, number> {
  /** The local replica. */
  readonly replica: ReplicaId;
  private total = new ExactTotal();

  /** @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer. */
  constructor(replica: ReplicaId) {
    assertReplicaId(replica);
    this.replica = replica;
  }

  /**
   * The op that adds `amount` (default 1; negative decrements). Does not change the counter.
   * @throws {AccordError} `invalid-argument` unless `amount` is a safe integer (fractions, NaN,
   * infinities and magnitudes beyond 2^53 - 1 are refused); `out-of-range` when the total would
   * leave ±(2^53 - 1).
   */
  prepareAdd(amount = 1): OpCounterOp {
    checkAmount(amount);
    if (!this.total.canAdd(amount))
      throw new AccordError('out-of-range', 'counter total would leave ±(2^53 - 1)');
    return { amount: amount === 0 ? 0 : amount };
  }

  /** The op that subtracts `amount` (default 1). @throws {AccordError} as {@link OpCounter.prepareAdd}. */
  prepareSubtract(amount = 1): OpCounterOp {
    checkAmount(amount);
    return this.prepareAdd(amount === 0 ? 0 : -amount);
  }

  /**
   * Add the op's amount (exactly, in any order; see the class comment).
   * @throws {AccordError} `invalid-argument` unless the amount is a safe integer (unchanged then).
   */
  effect(op: OpCounterOp): void {
    this.checkOp(op);
    this.total.add(op.amount);
  }

  /** @throws {AccordError} `invalid-argument` unless the amount is a safe integer. */
  checkOp(op: OpCounterOp): void {
    checkAmount(op.amount);
  }

  /** The sum of every effected op: exact within ±(2^53 - 1), else its nearest double. */
  value(): number {
    return this.total.value;
  }

  /** Tag, then the amount as a signed varint. */
  writeOp(enc: Encoder, op: OpCounterOp): void {
    enc.writeU8(OpTag.CounterAdd);
    enc.writeVarInt(op.amount);
  }

  /**
   * Tag, then the value as a signed varint.
   * @throws {AccordError} `out-of-range` if the value is beyond ±(2^53 - 1) (no longer exact).
   */
  writeState(enc: Encoder): void {
    if (!this.total.safe) throw new AccordError('out-of-range', 'counter value beyond 2^53 - 1');
    enc.writeU8(OpTag.CounterState);
    enc.writeVarInt(this.total.value);
  }

  /** @throws {DecodeError} for a wrong tag, truncated input or a value beyond 2^53 - 1. */
  readState(dec: Decoder): () => void {
    readOpTag(dec, [OpTag.CounterState], 'OpCounter state');
    const v = dec.readVarInt();
    const total = new ExactTotal();
    total.add(Object.is(v, -0) ? 0 : v);
    return () => {
      this.total = total;
    };
  }

  /** @throws {DecodeError} for a wrong tag, truncated input or an amount beyond 2^53 - 1. */
  readOp(dec: Decoder): OpCounterOp {
    readOpTag(dec, [OpTag.CounterAdd], 'OpCounter');
    const amount = dec.readVarInt();
    if (!Number.isSafeInteger(amount)) throw new DecodeError('overflow', 'counter amount beyond 2^53 - 1');
    return { amount: Object.is(amount, -0) ? 0 : amount };
  }
}

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount)) {
    throw new AccordError('invalid-argument', `counter amount must be a safe integer, got ${String(amount)}`);
  }
}
