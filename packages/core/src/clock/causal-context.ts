/**
 * A compact causal context: the set of dots (events) a replica has seen, stored as a version vector
 * (every dot up to n of each replica) plus the few dots beyond it (the "dot cloud"). Dots move from
 * the cloud into the vector as soon as they become contiguous, so the context stays small instead of
 * growing like a tombstone set. Used by OR-Sets, MV-Registers and delta-state CRDTs.
 */
import type { Decoder } from '../encoding/decoder.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { assertReplicaId, type Dot, type ReplicaId } from './dot.js';
import { VectorClock } from './vector-clock.js';

/**
 * A set of dots with a compact representation: `vv[r] = n` means dots `(r, 1..n)` are all
 * included; `cloud[r]` holds included dots of `r` above `n + 1`. Invariant: no cloud dot is
 * `<= vv[r] + 1` (it would have been compacted).
 *
 * Merge is set union, so it is commutative, associative and idempotent: replicas that exchange
 * contexts in any order and any number of times agree on the same set of seen events.
 */
export class CausalContext {
  private readonly vv: Map<ReplicaId, number> = new Map();
  private readonly cloud: Map<ReplicaId, Set<number>> = new Map();

  /** True when `dot` is in the set. */
  includes(dot: Dot): boolean {
    if (dot.counter <= (this.vv.get(dot.replica) ?? 0)) return true;
    return this.cloud.get(dot.replica)?.has(dot.counter) ?? false;
  }

  /**
   * Add `dot` to the set (no-op if already present), compacting the cloud when it closes a gap.
   * @throws {AccordError} `invalid-argument` for an invalid replica id or a counter that is not a
   * safe integer >= 1; the context is unchanged.
   */
  add(dot: Dot): void {
    const { replica, counter } = dot;
    assertReplicaId(replica);
    if (!Number.isSafeInteger(counter) || counter < 1) {
      throw new AccordError('invalid-argument', `dot counter must be a safe integer >= 1, got ${counter}`);
    }
    const base = this.vv.get(replica) ?? 0;
    if (counter <= base) return;
    if (counter === base + 1) {
      this.vv.set(replica, counter);
      this.compact(replica);
      return;
    }
    let set = this.cloud.get(replica);
    if (!set) {
      set = new Set();
      this.cloud.set(replica, set);
    }
    set.add(counter);
  }

  /**
   * Allocate the next dot of `replica` (one above the highest of its dots in the set), add it, and
   * return it. A replica calls this for each new local event, so its own dots are contiguous.
   * @throws {AccordError} `invalid-argument` for an invalid replica id, `out-of-range` on counter overflow.
   */
  next(replica: ReplicaId): Dot {
    assertReplicaId(replica);
    const counter = this.max(replica) + 1;
    if (counter > Number.MAX_SAFE_INTEGER) throw new AccordError('out-of-range', 'dot counter overflow');
    const dot = { replica, counter };
    this.add(dot);
    return dot;
  }

  /** The highest counter of `replica` in the set (0 if none). */
  max(replica: ReplicaId): number {
    let m = this.vv.get(replica) ?? 0;
    const set = this.cloud.get(replica);
    if (set) for (const c of set) if (c > m) m = c;
    return m;
  }

  /** The contiguous prefix for `replica`: every dot `(replica, 1..n)` is in the set. */
  get(replica: ReplicaId): number {
    return this.vv.get(replica) ?? 0;
  }

  /** Merge `other` into this set (union) in place, then compact. Returns `this`. */
  merge(other: CausalContext): this {
    for (const [r, c] of other.vv) {
      if (c > (this.vv.get(r) ?? 0)) this.vv.set(r, c);
    }
    for (const [r, set] of other.cloud) {
      let mine = this.cloud.get(r);
      if (!mine) {
        mine = new Set();
        this.cloud.set(r, mine);
      }
      for (const c of set) mine.add(c);
    }
    // Compact every replica whose prefix or cloud may have changed.
    for (const r of other.vv.keys()) this.compact(r);
    for (const r of other.cloud.keys()) this.compact(r);
    return this;
  }

  /** Move contiguous cloud dots of `replica` into the version vector and drop covered ones. */
  private compact(replica: ReplicaId): void {
    const set = this.cloud.get(replica);
    if (!set) return;
    let base = this.vv.get(replica) ?? 0;
    while (set.has(base + 1)) {
      set.delete(base + 1);
      base++;
    }
    if (base > 0) this.vv.set(replica, base);
    for (const c of set) if (c <= base) set.delete(c);
    if (set.size === 0) this.cloud.delete(replica);
  }

  /** True when both contexts hold exactly the same dots. */
  equals(other: CausalContext): boolean {
    if (this.vv.size !== other.vv.size || this.cloud.size !== other.cloud.size) return false;
    for (const [r, c] of this.vv) if (other.vv.get(r) !== c) return false;
    for (const [r, set] of this.cloud) {
      const o = other.cloud.get(r);
      if (!o || o.size !== set.size) return false;
      for (const c of set) if (!o.has(c)) return false;
    }
    return true;
  }

  /** True when every dot of `other` is also in this set. */
  includesAll(other: CausalContext): boolean {
    for (const [r, c] of other.vv) {
      const mine = this.vv.get(r) ?? 0;
      if (c > mine) {
        // The dots mine+1..c must all be in my cloud; bounded by the cloud's size.
        const set = this.cloud.get(r);
        if (!set || c - mine > set.size) return false;
        for (let k = mine + 1; k <= c; k++) if (!set.has(k)) return false;
      }
    }
    for (const [r, set] of other.cloud) {
      for (const c of set) if (!this.includes({ replica: r, counter: c })) return false;
    }
    return true;
  }

  /** Number of dots held outside the version vector (0 when fully compact). */
  get cloudSize(): number {
    let n = 0;
    for (const set of this.cloud.values()) n += set.size;
    return n;
  }

  /** The contiguous part as a {@link VectorClock} (a copy). */
  toVectorClock(): VectorClock {
    return new VectorClock(this.vv);
  }

  /** Every dot outside the version vector, sorted by replica then counter. */
  cloudDots(): Dot[] {
    const out: Dot[] = [];
    for (const r of [...this.cloud.keys()].sort((a, b) => a - b)) {
      const counters = [...(this.cloud.get(r) as Set<number>)].sort((a, b) => a - b);
      for (const c of counters) out.push({ replica: r, counter: c });
    }
    return out;
  }

  /** An independent copy. */
  clone(): CausalContext {
    const copy = new CausalContext();
    for (const [r, c] of this.vv) copy.vv.set(r, c);
    for (const [r, set] of this.cloud) copy.cloud.set(r, new Set(set));
    return copy;
  }

  /**
   * Write the canonical encoding: the version vector (as {@link VectorClock.encode}), then the
   * cloud as a replica count and, per replica (ascending, delta-encoded), a dot count and the
   * counters ascending, delta-encoded.
   */
  encode(enc: Encoder): void {
    this.toVectorClock().encode(enc);
    const replicas = [...this.cloud.keys()].sort((a, b) => a - b);
    enc.writeVarUint(replicas.length);
    let prevR = 0;
    for (let i = 0; i < replicas.length; i++) {
      const r = replicas[i] as ReplicaId;
      enc.writeVarUint(i === 0 ? r : r - prevR);
      prevR = r;
      const counters = [...(this.cloud.get(r) as Set<number>)].sort((a, b) => a - b);
      enc.writeVarUint(counters.length);
      let prevC = 0;
      for (const c of counters) {
        enc.writeVarUint(c - prevC);
        prevC = c;
      }
    }
  }

  /** The canonical encoding as a standalone byte array. */
  toBytes(): Uint8Array {
    const enc = new Encoder();
    this.encode(enc);
    return enc.toBytes();
  }

  /**
   * Read a context written by {@link CausalContext.encode}. Bounded: every count is checked
   * against the bytes left first. Cloud dots already covered are accepted and compacted away.
   * @throws {DecodeError} on truncated input, replicas or counters not strictly ascending, zero
   * counters (`invalid`) or values above 2^53 - 1 (`overflow`).
   */
  static decode(dec: Decoder): CausalContext {
    const ctx = new CausalContext();
    for (const [r, c] of VectorClock.decode(dec)) ctx.vv.set(r, c);
    const nReplicas = dec.readCount(2);
    let prevR = 0;
    for (let i = 0; i < nReplicas; i++) {
      const delta = dec.readVarUint();
      if (i > 0 && delta === 0) throw new DecodeError('invalid', 'cloud replicas not strictly ascending');
      const r = i === 0 ? delta : prevR + delta;
      if (r > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'replica id exceeds 2^53 - 1');
      prevR = r;
      const nDots = dec.readCount(1);
      if (nDots === 0) throw new DecodeError('invalid', 'empty cloud entry');
      let c = 0;
      for (let k = 0; k < nDots; k++) {
        const d = dec.readVarUint();
        if (d === 0) throw new DecodeError('invalid', 'cloud counters not strictly ascending');
        c += d;
        if (c > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'dot counter exceeds 2^53 - 1');
        ctx.add({ replica: r, counter: c });
      }
    }
    return ctx;
  }

  /**
   * Decode a standalone byte array written by {@link CausalContext.toBytes}.
   * @throws {DecodeError} for malformed input or trailing bytes; nothing else.
   */
  static fromBytes(bytes: Uint8Array): CausalContext {
    return decodeWith(bytes, (d) => CausalContext.decode(d));
  }
}
