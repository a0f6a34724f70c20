/**
 * What a document holds back until other replicas' clocks arrive: structs whose dependencies are
 * missing, and deletions of ids not received yet. Each entry waits for one replica to pass one
 * clock, and sits in that replica's min-heap keyed by the clock, so an update that advances a
 * replica finds what it unblocks in O(log n) per entry it unblocks, however much else waits: the
 * cost of an update follows what it brings and delivers, not the size of what is held. Removals
 * made while an update is planned are journaled and can be undone, so a refused update leaves
 * the held set exactly as it was.
 */
import type { UpdateRecord } from '../format/records.js';

/** What a {@link WaitIndex} holds: an entry waiting for its replica to pass clock `key`. */
export interface WaitEntry {
  /** The entry is released once the awaited replica's next clock is greater than `key`. */
  readonly key: number;
  /** Estimated memory held (see {@link recordBytes}); 0 where only the count matters. */
  readonly bytes: number;
}

/** A struct held for a missing dependency. */
export interface HeldStruct extends WaitEntry {
  readonly r: UpdateRecord;
}

/** A deleted range `key .. key + len - 1` of ids not received yet. */
export interface HeldRange extends WaitEntry {
  readonly len: number;
}

/** A binary min-heap by `key`. */
class Heap<T extends WaitEntry> {
  readonly items: T[] = [];

  push(x: T): void {
    const a = this.items;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as T;
      if (parent.key <= x.key) break;
      a[i] = parent;
      i = p;
    }
    a[i] = x;
  }

  /** The entry with the smallest key (undefined when empty). */
  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    const n = a.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (a[r] as T).key < (a[l] as T).key ? r : l;
      if ((a[c] as T).key >= last.key) break;
      a[i] = a[c] as T;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/**
 * Entries waiting for replicas' clocks, per replica (real id) in a min-heap by clock, with their
 * count and estimated bytes. {@link WaitIndex.begin} starts journaling removals; then
 * {@link WaitIndex.rollback} puts them back, {@link WaitIndex.commit} forgets them.
 */
export class WaitIndex<T extends WaitEntry> {
  /** Per replica, its entries; null until the first entry (most documents never hold one). */
  private heaps: Map<number, Heap<T>> | null = null;
  private count = 0;
  private byteCount = 0;
  /** Removals since {@link WaitIndex.begin}: replica, entry, replica, entry, ... */
  private journal: (number | T)[] | null = null;

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** Sum of the entries' estimated bytes. */
  get bytes(): number {
    return this.byteCount;
  }

  /** True when nothing is held. */
  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Hold `entry` until replica `client` passes `entry.key`. */
  add(client: number, entry: T): void {
    if (this.heaps === null) this.heaps = new Map();
    const heaps = this.heaps;
    let h = heaps.get(client);
    if (h === undefined) {
      h = new Heap<T>();
      heaps.set(client, h);
    }
    h.push(entry);
    this.count++;
    this.byteCount += entry.bytes;
  }

  /** True when some entry of replica `client` waits for a clock below `state`. */
  hasBelow(client: number, state: number): boolean {
    const top = this.heaps?.get(client)?.peek();
    return top !== undefined && top.key < state;
  }

  /**
   * Remove every entry of replica `client` waiting for a clock below `state` and call `fn` on
   * each (smallest key first). Journaled after {@link WaitIndex.begin}.
   */
  takeBelow(client: number, state: number, fn: (entry: T) => void): void {
    const h = this.heaps?.get(client);
    if (h === undefined) return;
    for (let top = h.peek(); top !== undefined && top.key < state; top = h.peek()) {
      h.pop();
      this.count--;
      this.byteCount -= top.bytes;
      this.journal?.push(client, top);
      fn(top);
    }
    if (h.items.length === 0) this.heaps?.delete(client);
  }

  /** Start journaling removals (planning an update). */
  begin(): void {
    this.journal = [];
  }

  /** Put back everything removed since {@link WaitIndex.begin} (the update was refused). */
  rollback(): void {
    const j = this.journal;
    this.journal = null;
    if (j === null) return;
    for (let i = 0; i < j.length; i += 2) this.add(j[i] as number, j[i + 1] as T);
  }

  /** Keep the removals made since {@link WaitIndex.begin} (the update is accepted). */
  commit(): void {
    this.journal = null;
  }

  /** Every entry with the replica it waits for (in no particular order). */
  *entries(): IterableIterator<[number, T]> {
    if (this.heaps === null) return;
    for (const [client, h] of this.heaps) for (const e of h.items) yield [client, e];
  }
}

/**
 * A {@link WaitIndex} that also knows which ids its entries hold (per replica, the first clock and
 * the longest length held from there), so that what is applied again while it waits is not held
 * twice: it changes nothing, and repeating it cannot fill the held set up to its bound.
 */
abstract class HeldSpans<T extends WaitEntry> extends WaitIndex<T> {
  /** Per replica: first clock -> length of the longest held span starting there; null until the first entry. */
  private spans: Map<number, Map<number, number>> | null = null;

  /** The replica whose ids entry `e`, waiting for replica `client`, holds. */
  protected abstract replicaOf(client: number, e: T): number;
  /** The first clock entry `e` holds. */
  protected abstract startOf(e: T): number;
  /** How many ids entry `e` holds. */
  protected abstract lengthOf(e: T): number;

  override add(client: number, entry: T): void {
    super.add(client, entry);
    const id = this.replicaOf(client, entry);
    const start = this.startOf(entry);
    if (this.spans === null) this.spans = new Map();
    const spans = this.spans;
    let m = spans.get(id);
    if (m === undefined) {
      m = new Map();
      spans.set(id, m);
    }
    m.set(start, Math.max(this.lengthOf(entry), m.get(start) ?? 0));
  }

  override takeBelow(client: number, state: number, fn: (entry: T) => void): void {
    super.takeBelow(client, state, (e) => {
      const id = this.replicaOf(client, e);
      const m = this.spans?.get(id);
      if (m?.delete(this.startOf(e)) && m.size === 0) this.spans?.delete(id);
      fn(e);
    });
  }

  /** True when a held span of replica `replica` starts at `start` and is at least `len` long. */
  protected covers(replica: number, start: number, len: number): boolean {
    return (this.spans?.get(replica)?.get(start) ?? 0) >= len;
  }
}

/**
 * The held structs (a client resending after a reconnect does not get its structs held twice).
 */
export class HeldStructs extends HeldSpans<HeldStruct> {
  protected replicaOf(_client: number, e: HeldStruct): number {
    return e.r.client;
  }
  protected startOf(e: HeldStruct): number {
    return e.r.clock;
  }
  protected lengthOf(e: HeldStruct): number {
    return e.r.len;
  }

  /** True when a held struct covers `r` (same replica and first clock, at least as long). */
  holds(r: UpdateRecord): boolean {
    return this.covers(r.client, r.clock, r.len);
  }
}

/**
 * The held deletions, by the replica whose ids they delete (a client resending after a reconnect,
 * or a peer repeating a forward, does not get a deletion held twice).
 */
export class HeldRanges extends HeldSpans<HeldRange> {
  protected replicaOf(client: number): number {
    return client;
  }
  protected startOf(e: HeldRange): number {
    return e.key;
  }
  protected lengthOf(e: HeldRange): number {
    return e.len;
  }

  /** True when a held range of replica `client` starts at `from` and is at least `len` long. */
  holds(client: number, from: number, len: number): boolean {
    return this.covers(client, from, len);
  }
}

/** Estimated bytes of one held struct besides its content (object, ids, origins, index entry). */
export const RECORD_OVERHEAD = 128;

/**
 * The estimated memory of a held record: {@link RECORD_OVERHEAD}, plus 2 bytes per UTF-16 unit
 * of text, map key and root name, plus the size of stored values (8 per number, boolean or null,
 * 16 per array, object or container besides their content). Proportional to the record's size.
 */
export function recordBytes(r: UpdateRecord): number {
  if (r.t === 3) return RECORD_OVERHEAD;
  let n = RECORD_OVERHEAD + (r.parent.name === null ? 0 : 2 * r.parent.name.length);
  if (r.t === 0) {
    if (typeof r.content === 'string') n += 2 * r.content.length;
    else if (r.content !== null) for (const v of r.content) n += valueBytes(v);
  } else if (r.t === 1 || r.t === 4) n += 2 * r.key.length + valueBytes(r.value);
  return n;
}

/** The estimated memory of a stored value (see {@link recordBytes}). */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (Array.isArray(v)) {
    let n = 16;
    for (const x of v) n += valueBytes(x);
    return n;
  }
  if (typeof v === 'object' && v !== null) {
    let n = 16;
    for (const [k, x] of Object.entries(v)) n += 2 * k.length + valueBytes(x);
    return n;
  }
  return 8;
}
