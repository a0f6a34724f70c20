/**
 * The merge rule shared by the dot-based CRDTs (OR-Set, MV-Register): a state is a set of live
 * dots plus a causal context of every dot ever seen. A dot that one side has seen (its context
 * covers it) but no longer holds was removed or overwritten there, so it must not come back.
 */
import type { CausalContext } from '../clock/causal-context.js';
import { compareDots, type Dot, type ReplicaId } from '../clock/dot.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';

/** True when `dots` (a short list) contains `d`. */
export function hasDot(dots: readonly Dot[], d: Dot): boolean {
  for (const x of dots) if (x.replica === d.replica && x.counter === d.counter) return true;
  return false;
}

/**
 * The live dots after merging `mine` (with context `myCtx`) and `theirs` (with `theirCtx`): a dot
 * survives if both sides hold it, or if one side holds it and the other side has never seen it.
 * Returns a new array sorted by {@link compareDots}. Contexts are read, not changed.
 */
export function joinDots(
  mine: readonly Dot[],
  myCtx: CausalContext,
  theirs: readonly Dot[],
  theirCtx: CausalContext,
): Dot[] {
  const out: Dot[] = [];
  for (const d of mine) {
    if (hasDot(theirs, d) || !theirCtx.includes(d)) out.push(d);
  }
  for (const d of theirs) {
    if (!hasDot(mine, d) && !myCtx.includes(d)) out.push(d);
  }
  return out.sort(compareDots);
}

/** True when both sorted dot lists are equal. */
export function sameDots(a: readonly Dot[], b: readonly Dot[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Dot;
    const y = b[i] as Dot;
    if (x.replica !== y.replica || x.counter !== y.counter) return false;
  }
  return true;
}

/**
 * Read a replica table (a count, then ids ascending and delta-encoded), the compact way dot-based
 * encodings name 53-bit replica ids once and then refer to them by index.
 * @throws {DecodeError} for truncated input, ids not strictly ascending or above 2^53 - 1.
 */
export function readReplicaTable(dec: Decoder): ReplicaId[] {
  const n = dec.readCount(1);
  const table: ReplicaId[] = [];
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const delta = dec.readVarUint();
    if (i > 0 && delta === 0) throw new DecodeError('invalid', 'replica table not strictly ascending');
    const r = prev + delta;
    if (r > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'replica id exceeds 2^53 - 1');
    table.push(r);
    prev = r;
  }
  return table;
}

/**
 * Write the replica table of `dots` (see {@link readReplicaTable}) and return each replica's
 * index in it, for writing dots as `(index, counter)`.
 */
export function writeReplicaTable(enc: Encoder, dots: Iterable<Dot>): Map<ReplicaId, number> {
  const index = new Map<ReplicaId, number>();
  for (const d of dots) index.set(d.replica, 0);
  const table = [...index.keys()].sort((a, b) => a - b);
  enc.writeVarUint(table.length);
  let prev = 0;
  for (let i = 0; i < table.length; i++) {
    const r = table[i] as ReplicaId;
    index.set(r, i);
    enc.writeVarUint(r - prev);
    prev = r;
  }
  return index;
}

/** Collects the dots read by a decoder and rejects a repeated one (numeric sets, no string keys). */
export class DotIndex {
  private readonly byReplica = new Map<ReplicaId, Set<number>>();

  /**
   * Record `d`.
   * @throws {DecodeError} `invalid` if `d` was recorded before.
   */
  addNew(d: Dot): void {
    let set = this.byReplica.get(d.replica);
    if (!set) {
      set = new Set();
      this.byReplica.set(d.replica, set);
    }
    if (set.has(d.counter)) throw new DecodeError('invalid', 'repeated dot');
    set.add(d.counter);
  }
}

/** Which entry of a state holds each dot: replica, then counter, then the entry's key. */
export type DotOwners<K> = Map<ReplicaId, Map<number, K>>;

/** Index the dots of `entries` (pairs of an entry key and its dots) by dot. */
export function dotOwners<K>(entries: Iterable<readonly [K, readonly Dot[]]>): DotOwners<K> {
  const out: DotOwners<K> = new Map();
  for (const [k, dots] of entries) {
    for (const d of dots) {
      let m = out.get(d.replica);
      if (!m) {
        m = new Map();
        out.set(d.replica, m);
      }
      m.set(d.counter, k);
    }
  }
  return out;
}

/**
 * The error for one dot that names two different events: two sessions are using the same replica
 * id (for example one persisted id reused by two browser tabs).
 */
export function collisionError(d: Dot): AccordError {
  return new AccordError(
    'replica-collision',
    `dot (${d.replica}, ${d.counter}) names two different events: replica id ${d.replica} is used by two sessions`,
  );
}
