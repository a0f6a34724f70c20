/**
 * OR-Map: a map with add-wins keys (dots and a compact causal context, no tombstones) whose
 * concurrent values resolve last-writer-wins by hybrid logical clock timestamps.
 */
import { CausalContext } from '../clock/causal-context.js';
import { assertReplicaId, compareDots, type Dot, dotKey, type ReplicaId } from '../clock/dot.js';
import { HybridClock, type Timestamp } from '../clock/hlc.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import {
  collisionError,
  DotIndex,
  dotOwners,
  hasDot,
  joinDots,
  readReplicaTable,
  sameDots,
  writeReplicaTable,
} from './dot-kernel.js';
import { keyOfDecoded } from './element-map.js';
import { compareWrites, type LWWOptions, minWall, readWallLogical, writeWallLogical } from './lww-order.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';
import type { ValueCodec, ValueKey } from './value-codec.js';

/** One live write of a key: its dot (which keeps the key present), timestamp and value. */
interface Write<V> {
  dot: Dot;
  ts: Timestamp;
  value: V;
  key: ValueKey;
}

function winner<V>(writes: readonly Write<V>[]): Write<V> {
  let best = writes[0] as Write<V>;
  for (const w of writes) if (compareWrites(w.ts, w.key, best.ts, best.key) > 0) best = w;
  return best;
}

/**
 * An observed-remove map with **add-wins** keys. Each `set` is tagged with a fresh dot and a
 * hybrid logical clock timestamp and replaces every write of that key the replica has seen;
 * `delete` drops the writes it has seen. Under concurrency:
 * - a `set` concurrent with a `delete` of the same key survives it (add wins), unlike
 *   {@link LWWMap} where the later timestamp wins;
 * - concurrent `set`s of one key all stay live until a later write replaces them, and `get`
 *   shows the one with the greatest timestamp (replica id as the final tie-break); `getAll` shows
 *   them all;
 * - different keys never interfere.
 * Deleted keys leave no tombstone: only their dots in the compact causal context.
 */
export class ORMap<V> implements StateCrdt<ORMap<V>, Map<string, V>> {
  /** The replica whose dots and timestamps local writes use. */
  readonly replica: ReplicaId;
  /** How values are written, read and identified. */
  readonly codec: ValueCodec<V>;
  private readonly clock: HybridClock;
  private readonly now: () => number;
  /** Live writes per present key, sorted by dot; never empty. */
  private readonly entries = new Map<string, Write<V>[]>();
  private readonly ctx = new CausalContext();

  /**
   * An empty map for local replica `replica`, with values handled by `codec`.
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId, codec: ValueCodec<V>, options: LWWOptions = {}) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
    this.now = options.now ?? Date.now;
    this.clock = new HybridClock(replica, this.now);
  }

  /**
   * Set `key` to `value`, replacing every write of `key` seen here.
   * @throws {AccordError} `invalid-argument` if `key` is not a string or the codec cannot encode
   * `value`; the map is unchanged.
   */
  set(key: string, value: V): void {
    if (typeof key !== 'string') throw new AccordError('invalid-argument', 'OR-Map keys are strings');
    const vkey = this.codec.key(value);
    const ts = this.clock.tick();
    const dot = this.ctx.next(this.replica);
    this.entries.set(key, [{ dot, ts, value, key: vkey }]);
  }

  /**
   * Delete `key`: drop every write of it seen here (concurrent sets elsewhere survive). Returns
   * true if the key was present.
   */
  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** The value of `key` (the live write with the greatest timestamp), or `undefined`. */
  get(key: string): V | undefined {
    const ws = this.entries.get(key);
    return ws ? winner(ws).value : undefined;
  }

  /** Every live (concurrently written) value of `key`, oldest timestamp first; `[]` if absent. */
  getAll(key: string): V[] {
    const ws = this.entries.get(key);
    if (!ws) return [];
    return [...ws].sort((a, b) => compareWrites(a.ts, a.key, b.ts, b.key)).map((w) => w.value);
  }

  /** The timestamp of the winning write of `key`, or `undefined` if absent. */
  timestampOf(key: string): Timestamp | undefined {
    const ws = this.entries.get(key);
    return ws ? { ...winner(ws).ts } : undefined;
  }

  /** True when `key` is present. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Number of present keys. */
  get size(): number {
    return this.entries.size;
  }

  /** The present keys, sorted. */
  keys(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** The present keys and their winning values, as a new map in sorted key order. */
  value(): Map<string, V> {
    const out = new Map<string, V>();
    for (const k of this.keys()) out.set(k, winner(this.entries.get(k) as Write<V>[]).value);
    return out;
  }

  /**
   * Merge `other` in place: per key, a write survives if both sides hold it, or one side holds it
   * and the other has not seen it; then the contexts are united and the local clock observes
   * every timestamp of `other`, so later local writes order after them.
   * @throws {AccordError} `replica-collision` if one dot names two different writes (two sessions
   * share a replica id); this map is then unchanged.
   */
  merge(other: ORMap<V>): void {
    const updates: Array<[string, Write<V>[]]> = [];
    const dropped: Array<[string, Dot]> = [];
    for (const [k, mine] of this.entries) {
      const theirs = other.entries.get(k) ?? [];
      if (this.unchanged(mine, theirs, other.ctx)) continue;
      const next = this.join(mine, theirs, other.ctx);
      if (next.length === mine.length && next.every((w, i) => w === mine[i])) continue;
      updates.push([k, next]);
      for (const w of mine) if (!next.includes(w)) dropped.push([k, w.dot]);
    }
    // A dot of ours that the merge drops may be held by `other` under another key: a collision.
    if (dropped.length > 0) {
      const owners = dotOwners([...other.entries].map(([k, ws]) => [k, ws.map((w) => w.dot)] as const));
      for (const [k, d] of dropped) {
        const owner = owners.get(d.replica)?.get(d.counter);
        if (owner !== undefined && owner !== k) throw collisionError(d);
      }
    }
    for (const ws of other.entries.values()) for (const w of ws) this.clock.observe(w.ts);
    for (const [k, next] of updates) {
      if (next.length === 0) this.entries.delete(k);
      else this.entries.set(k, next);
    }
    for (const [k, theirs] of other.entries) {
      if (this.entries.has(k)) continue;
      const next = theirs.filter((w) => !this.ctx.includes(w.dot));
      if (next.length > 0) this.entries.set(k, next);
    }
    this.ctx.merge(other.ctx);
  }

  /**
   * Fast path without allocation: true when merging `theirs` cannot change `mine` (the same
   * writes on both sides, or `other` has not seen any of ours and holds none of this key).
   */
  private unchanged(mine: Write<V>[], theirs: Write<V>[], theirCtx: CausalContext): boolean {
    if (theirs.length === 0) return !mine.some((w) => theirCtx.includes(w.dot));
    if (theirs.length !== mine.length) return false;
    for (let i = 0; i < mine.length; i++) {
      const a = mine[i] as Write<V>;
      const b = theirs[i] as Write<V>;
      if (compareDots(a.dot, b.dot) !== 0 || compareWrites(a.ts, a.key, b.ts, b.key) !== 0) return false;
    }
    return true;
  }

  /** The surviving writes of one key; throws `replica-collision` for one dot with two writes. */
  private join(mine: Write<V>[], theirs: Write<V>[], theirCtx: CausalContext): Write<V>[] {
    const byDot = new Map<string, Write<V>>();
    for (const w of mine) byDot.set(dotKey(w.dot), w);
    for (const w of theirs) {
      const m = byDot.get(dotKey(w.dot));
      if (!m) byDot.set(dotKey(w.dot), w);
      else if (compareWrites(m.ts, m.key, w.ts, w.key) !== 0) throw collisionError(w.dot);
    }
    const dots = joinDots(
      mine.map((w) => w.dot),
      this.ctx,
      theirs.map((w) => w.dot),
      theirCtx,
    );
    return dots.map((d) => byDot.get(dotKey(d)) as Write<V>);
  }

  /** An independent copy with the same replica id, wall clock and clock progress. */
  clone(): ORMap<V> {
    const copy = new ORMap(this.replica, this.codec, { now: this.now });
    copy.clock.observe(this.clock.peek());
    for (const [k, ws] of this.entries) copy.entries.set(k, [...ws]);
    copy.ctx.merge(this.ctx);
    return copy;
  }

  /** True when both hold the same live writes per key and the same causal context. */
  equals(other: ORMap<V>): boolean {
    if (this.entries.size !== other.entries.size || !this.ctx.equals(other.ctx)) return false;
    for (const [k, ws] of this.entries) {
      const o = other.entries.get(k);
      if (
        !o ||
        !sameDots(
          ws.map((w) => w.dot),
          o.map((w) => w.dot),
        )
      ) {
        return false;
      }
    }
    return true;
  }

  /** True when `other` has seen every write this state has and holds none this state dropped. */
  leq(other: ORMap<V>): boolean {
    if (!other.ctx.includesAll(this.ctx)) return false;
    for (const [k, theirs] of other.entries) {
      const mine = (this.entries.get(k) ?? []).map((w) => w.dot);
      for (const w of theirs) if (this.ctx.includes(w.dot) && !hasDot(mine, w.dot)) return false;
    }
    return true;
  }

  /**
   * The canonical encoding: tag; the replica table of all live writes; the smallest wall time;
   * the keys sorted, each with its writes (replica index, counter, wall minus the smallest,
   * logical, value; the timestamp's replica is the dot's); then the causal context.
   */
  encode(): Uint8Array {
    const keys = this.keys();
    const enc = new Encoder();
    enc.writeU8(StateTag.ORMap);
    const index = writeReplicaTable(
      enc,
      keys.flatMap((k) => (this.entries.get(k) as Write<V>[]).map((w) => w.dot)),
    );
    const base = minWall(keys.flatMap((k) => (this.entries.get(k) as Write<V>[]).map((w) => w.ts)));
    enc.writeVarUint(base);
    enc.writeVarUint(keys.length);
    for (const k of keys) {
      const ws = this.entries.get(k) as Write<V>[];
      enc.writeString(k);
      enc.writeVarUint(ws.length);
      for (const w of ws) {
        enc.writeVarUint(index.get(w.dot.replica) as number);
        enc.writeVarUint(w.dot.counter);
        writeWallLogical(enc, w.ts, base);
        this.codec.write(enc, w.value);
      }
    }
    this.ctx.encode(enc);
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link ORMap.encode} into a map for local replica `replica`. Its
   * clock observes every decoded timestamp.
   * @throws {DecodeError} for any malformed input (truncated, repeated keys or dots, a dot outside
   * the causal context, ...); nothing else. {@link AccordError} only for an invalid `replica`.
   */
  static decode<V>(
    bytes: Uint8Array,
    replica: ReplicaId,
    codec: ValueCodec<V>,
    options: LWWOptions = {},
  ): ORMap<V> {
    assertReplicaId(replica);
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.ORMap, 'OR-Map');
      const table = readReplicaTable(dec);
      const base = dec.readVarUint();
      const map = new ORMap(replica, codec, options);
      const n = dec.readCount(7);
      const seen = new DotIndex();
      for (let i = 0; i < n; i++) {
        const k = dec.readString();
        if (map.entries.has(k)) throw new DecodeError('invalid', 'repeated OR-Map key');
        const m = dec.readCount(5);
        if (m === 0) throw new DecodeError('invalid', 'OR-Map key without writes');
        const ws: Write<V>[] = [];
        for (let j = 0; j < m; j++) {
          const r = table[dec.readVarUint()];
          if (r === undefined) throw new DecodeError('invalid', 'dot replica index out of range');
          const counter = dec.readVarUint();
          if (counter < 1) throw new DecodeError('invalid', 'dot counter must be >= 1');
          const dot = { replica: r, counter };
          seen.addNew(dot);
          const ts = { ...readWallLogical(dec, base), replica: r };
          const value = codec.read(dec);
          ws.push({ dot, ts, value, key: keyOfDecoded(codec, value) });
        }
        map.entries.set(
          k,
          ws.sort((a, b) => compareDots(a.dot, b.dot)),
        );
      }
      map.ctx.merge(CausalContext.decode(dec));
      for (const ws of map.entries.values()) {
        for (const w of ws) {
          if (!map.ctx.includes(w.dot)) throw new DecodeError('invalid', 'dot outside the causal context');
          map.clock.observe(w.ts);
        }
      }
      return map;
    });
  }
}
