/**
 * Runs an operation-based CRDT over causal delivery: stamps local ops with a dot and their
 * dependencies, and effects remote ops exactly once, after everything they depend on.
 */

import {
  CausalBuffer,
  type CausalBufferOptions,
  type CausalMessage,
  type DotRange,
} from '../causal/causal-buffer.js';
import { decodeCausalMessage, encodeCausalMessage } from '../causal/causal-message.js';
import type { Dot, ReplicaId } from '../clock/dot.js';
import { VectorClock } from '../clock/vector-clock.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import type { OpCrdt } from './op-crdt.js';

/** First byte of an {@link OpReplica.snapshot}. */
const SNAPSHOT_TAG = 0x7f;

/** Options of {@link OpReplica}: the causal buffer's bounds, and whether to keep history. */
export interface OpReplicaOptions extends CausalBufferOptions {
  /**
   * Keep every effected message (local and remote) so that this replica can resend what a peer
   * lacks ({@link OpReplica.messagesSince}, {@link OpReplica.message}). Memory grows with the
   * number of ops; default false.
   */
  retainHistory?: boolean;
}

/** The op type of an op-based CRDT type `C`. */
export type OpOf<C> = C extends OpCrdt<infer O, unknown> ? O : never;

/**
 * One replica of an op-based CRDT under causal delivery. {@link OpReplica.apply} effects a local
 * op and returns the message to broadcast; {@link OpReplica.receive} (or
 * {@link OpReplica.receiveBytes}) takes messages from other replicas in any order, any number of
 * times, and effects each op exactly once, after all the ops it causally depends on. So replicas
 * that have received the same messages hold the same value.
 *
 * @example
 * ```ts
 * const a = new OpReplica(new OpCounter(1));
 * const b = new OpReplica(new OpCounter(2));
 * const msg = a.apply(a.crdt.prepareAdd(5));
 * b.receiveBytes(a.encode(msg)); // b.crdt.value() === 5
 * ```
 */
export class OpReplica<C extends OpCrdt<unknown, unknown>> {
  /** The CRDT whose ops this replica delivers. Prepare ops on it; do not call `effect` directly. */
  readonly crdt: C;
  private readonly buffer: CausalBuffer<OpOf<C>>;
  private readonly ops: OpCrdt<OpOf<C>, unknown>;
  /** Effected messages in delivery order (a causal order), when history is retained. */
  private readonly log: CausalMessage<OpOf<C>>[] | undefined;
  /** Per origin replica: the first counter in the log and the log positions of its messages. */
  private readonly byOrigin = new Map<ReplicaId, { first: number; positions: number[] }>();
  /** What was delivered before history started (a restored snapshot): not retained. */
  private readonly historyBase: VectorClock;

  /**
   * @param options bounds of the causal buffer (see {@link CausalBuffer}) and `retainHistory`.
   * @throws {AccordError} `invalid-argument` for invalid buffer bounds.
   */
  constructor(crdt: C, options: OpReplicaOptions = {}) {
    this.crdt = crdt;
    this.ops = crdt as unknown as OpCrdt<OpOf<C>, unknown>;
    this.buffer = new CausalBuffer(options);
    this.log = options.retainHistory ? [] : undefined;
    this.historyBase = this.buffer.delivered;
  }

  /**
   * Rebuild a replica from a {@link OpReplica.snapshot}: the CRDT's state is replaced by the
   * snapshot's, and delivery resumes after the ops it covers. Pass a fresh CRDT with the same
   * replica id (and codec) as the snapshotted one.
   * @throws {DecodeError} for malformed bytes; `crdt` is then unchanged.
   */
  static restore<C extends OpCrdt<unknown, unknown>>(
    crdt: C,
    bytes: Uint8Array,
    options: Omit<OpReplicaOptions, 'delivered'> = {},
  ): OpReplica<C> {
    const { delivered, install } = decodeWith(bytes, (d) => {
      const tag = d.readU8();
      if (tag !== SNAPSHOT_TAG) throw new DecodeError('bad-tag', `not an OpReplica snapshot (tag ${tag})`);
      const delivered = VectorClock.decode(d);
      return { delivered, install: crdt.readState(d) };
    });
    install();
    return new OpReplica(crdt, { ...options, delivered });
  }

  /**
   * A snapshot of this replica: the clock of effected ops and the CRDT state (held, undelivered
   * ops and retained history are not included). Restore it with {@link OpReplica.restore}.
   */
  snapshot(): Uint8Array {
    const enc = new Encoder();
    enc.writeU8(SNAPSHOT_TAG);
    this.buffer.delivered.encode(enc);
    this.ops.writeState(enc);
    return enc.toBytes();
  }

  /** The local replica id (the CRDT's). */
  get replica(): ReplicaId {
    return this.crdt.replica;
  }

  /** A copy of the clock of every op effected here (local and remote). */
  get delivered(): VectorClock {
    return this.buffer.delivered;
  }

  /** Remote ops held while waiting for their dependencies. */
  get pendingCount(): number {
    return this.buffer.pendingCount;
  }

  /**
   * Effect a local op and return the message that carries it to the other replicas: the next dot
   * of this replica, and every op effected here so far as its dependencies.
   * @throws {AccordError} `invalid-argument` for an op the CRDT refuses; nothing changes then.
   */
  apply(op: OpOf<C>): CausalMessage<OpOf<C>> {
    const deps = this.buffer.delivered;
    const dot: Dot = { replica: this.replica, counter: deps.get(this.replica) + 1 };
    const message = { dot, deps, payload: op };
    this.ops.effect(op);
    this.buffer.receive(message);
    this.remember(message);
    return message;
  }

  /**
   * Take a message from another replica (or a duplicate, or one that arrived early) and effect
   * every op that became deliverable. Returns how many ops were effected.
   * @throws {AccordError} `buffer-overflow` when it must wait and the buffer is full,
   * `invalid-argument` for a malformed message or op, `replica-collision` for a message that
   * claims to come from this replica but was never sent here, or (with retained history) that
   * names an effected op but carries other dependencies: another session uses the same replica
   * id. The replica is unchanged then.
   */
  receive(message: CausalMessage<OpOf<C>>): number {
    this.ops.checkOp(message.payload);
    if (message.dot.replica === this.replica && !this.buffer.hasDelivered(message.dot)) {
      throw new AccordError(
        'replica-collision',
        `received op ${message.dot.counter} of replica ${this.replica}, which this replica never made`,
      );
    }
    if (this.log) {
      const known = this.message(message.dot);
      if (known && !known.deps.equals(message.deps)) {
        throw new AccordError(
          'replica-collision',
          `two different ops claim dot ${message.dot.replica}:${message.dot.counter}`,
        );
      }
    }
    const delivered = this.buffer.receive(message);
    for (const m of delivered) {
      this.ops.effect(m.payload);
      this.remember(m);
    }
    return delivered.length;
  }

  /**
   * The retained messages that a peer whose delivered clock is `clock` lacks, in a causal order
   * (the peer can receive them in this order without buffering).
   * @throws {AccordError} `invalid-argument` unless the replica was built with `retainHistory`;
   * `out-of-range` when the peer lacks ops older than the retained history (ops this replica
   * only has inside a restored snapshot): send the peer a snapshot instead.
   */
  messagesSince(clock: VectorClock): CausalMessage<OpOf<C>>[] {
    const log = this.requireLog();
    if (!clock.dominates(this.historyBase)) {
      throw new AccordError('out-of-range', 'the peer lacks ops older than the retained history');
    }
    const positions: number[] = [];
    for (const [replica, { first, positions: mine }] of this.byOrigin) {
      const from = Math.max(0, clock.get(replica) + 1 - first);
      for (let i = from; i < mine.length; i++) positions.push(mine[i] as number);
    }
    positions.sort((a, b) => a - b);
    return positions.map((p) => log[p] as CausalMessage<OpOf<C>>);
  }

  /**
   * The retained message named `dot`, if it was effected here (to answer {@link OpReplica.missing}).
   * @throws {AccordError} `invalid-argument` unless the replica was built with `retainHistory`.
   */
  message(dot: Dot): CausalMessage<OpOf<C>> | undefined {
    const log = this.requireLog();
    const entry = this.byOrigin.get(dot.replica);
    if (!entry) return undefined;
    const p = entry.positions[dot.counter - entry.first];
    return p === undefined ? undefined : log[p];
  }

  private remember(message: CausalMessage<OpOf<C>>): void {
    if (!this.log) return;
    const { replica, counter } = message.dot;
    let entry = this.byOrigin.get(replica);
    if (!entry) {
      entry = { first: counter, positions: [] };
      this.byOrigin.set(replica, entry);
    }
    entry.positions.push(this.log.length);
    this.log.push(message);
  }

  private requireLog(): CausalMessage<OpOf<C>>[] {
    if (!this.log) throw new AccordError('invalid-argument', 'this OpReplica does not retain history');
    return this.log;
  }

  /**
   * Decode a message written by {@link OpReplica.encode} and {@link OpReplica.receive} it.
   * @throws {DecodeError} for malformed bytes (the replica is unchanged); otherwise as `receive`.
   */
  receiveBytes(bytes: Uint8Array): number {
    return this.receive(this.decode(bytes));
  }

  /** The binary form of a message: dot, dependencies, op. */
  encode(message: CausalMessage<OpOf<C>>): Uint8Array {
    const enc = new Encoder();
    encodeCausalMessage(enc, message, (e, op) => this.ops.writeOp(e, op));
    return enc.toBytes();
  }

  /**
   * Decode a message written by {@link OpReplica.encode}, without receiving it.
   * @throws {DecodeError} for malformed bytes; nothing else.
   */
  decode(bytes: Uint8Array): CausalMessage<OpOf<C>> {
    return decodeWith(bytes, (d) => decodeCausalMessage(d, (dd) => this.ops.readOp(dd)));
  }

  /** True when the op named `dot` has been effected here. */
  hasDelivered(dot: Dot): boolean {
    return this.buffer.hasDelivered(dot);
  }

  /** Dots that held messages wait for: ask other replicas to resend them. */
  missing(): DotRange[] {
    return this.buffer.missing();
  }
}
