/**
 * Operation-based PN-counter: each op carries a signed amount; effects add up.
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { AccordError } from '../errors.js';
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
 * twice would count twice). The value is exact while it stays within ±(2^53 - 1).
 */
export class OpCounter implements OpCrdt<OpCounterOp, number> {
  /** The local replica. */
  readonly replica: ReplicaId;
  private total = 0;

  /** @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer. */
  constructor(replica: ReplicaId) {
    assertReplicaId(replica);
    this.replica = replica;
  }

  /**
   * The op that adds `amount` (default 1; negative decrements). Does not change the counter.
   * @throws {AccordError} `invalid-argument` unless `amount` is a safe integer.
   */
  prepareAdd(amount = 1): OpCounterOp {
    checkAmount(amount);
    return { amount };
  }

  /** The op that subtracts `amount` (default 1). @throws {AccordError} as {@link OpCounter.prepareAdd}. */
  prepareSubtract(amount = 1): OpCounterOp {
    checkAmount(amount);
    return { amount: amount === 0 ? 0 : -amount };
  }

  /** Add the op's amount. @throws {AccordError} `invalid-argument` for a non-integer amount (unchanged). */
  effect(op: OpCounterOp): void {
    this.checkOp(op);
    this.total += op.amount;
  }

  /** @throws {AccordError} `invalid-argument` unless the amount is a safe integer. */
  checkOp(op: OpCounterOp): void {
    checkAmount(op.amount);
  }

  /** The sum of every effected op. */
  value(): number {
    return this.total;
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
    if (!Number.isSafeInteger(this.total))
      throw new AccordError('out-of-range', 'counter value beyond 2^53 - 1');
    enc.writeU8(OpTag.CounterState);
    enc.writeVarInt(this.total);
  }

  /** @throws {DecodeError} for a wrong tag, truncated input or a value beyond 2^53 - 1. */
  readState(dec: Decoder): () => void {
    readOpTag(dec, [OpTag.CounterState], 'OpCounter state');
    const v = dec.readVarInt();
    const total = Object.is(v, -0) ? 0 : v;
    return () => {
      this.total = total;
    };
  }

  /** @throws {DecodeError} for a wrong tag, truncated input or an amount beyond 2^53 - 1. */
  readOp(dec: Decoder): OpCounterOp {
    readOpTag(dec, [OpTag.CounterAdd], 'OpCounter');
    const amount = dec.readVarInt();
    return { amount: Object.is(amount, -0) ? 0 : amount };
  }
}

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount)) {
    throw new AccordError('invalid-argument', `counter amount must be a safe integer, got ${amount}`);
  }
}
