/**
 * The struct store: every struct (sequence item, map entry, counter operation, collected run) of a
 * document, per client in clock order, so `(client, clock) -> struct` is a binary search. Each
 * client's structs cover clocks `0 .. next-1` without gaps (updates with gaps are held back), so
 * the store's state vector is just each client's `next` clock. Structs live in chunks of at most
 * {@link CHUNK_MAX}, so splitting a run costs O(log n + chunk) rather than O(n).
 *
 * The store knows structs only by their id range ({@link Struct}) and imports nothing outside
 * this folder: the sequence CRDT (`sequence/`) and the document (`doc/`) both build on it.
 */

import { emptyObjectArray } from '../object-array.js';
import { churnAfter, trimsAt } from './spare-slots.js';

/** What every struct has: an id range `clock .. clock + len - 1` of one client. */
export interface Struct {
  client: number;
  clock: number;
  len: number;
}

/** A client's recently split chunks, oldest first (at most {@link GROWN_MAX}), and how scattered its splits are. */
class GrownChunks {
  readonly list: Struct[][];
  /** How often a split made a chunk leave {@link list} lately (`spare-slots.ts`). */
  churn = 0;
  constructor(first: Struct[]) {
    this.list = [first];
  }
}

/** Maximum structs per chunk before it splits. */
const CHUNK_MAX = 256;

/** How many recently split chunks of a client keep their spare slots (see `ClientRuns.grown`). */
const GROWN_MAX = 8;

/** The chunk list of a client holding no chunk (empty, or its one struct in {@link ClientRuns}). */
const NO_CHUNKS: Struct[][] = [];

/**
 * One client's structs in clock order. A client holding a single struct keeps it in a field
 * instead of a chunk in a chunk list: documents that heard from thousands of replicas hold one
 * struct for most of them (a replica that typed one word, or set one key), and the two arrays
 * would cost about 110 bytes per replica, more than the struct.
 */
export class ClientRuns {
  /** Chunks of consecutive structs ({@link NO_CHUNKS} while the client holds at most one). */
  private chunks: Struct[][] = NO_CHUNKS;
  /** The client's only struct while it holds exactly one (then {@link chunks} is empty). */
  private solo: Struct | null = null;
  /** Next clock this client will use (= the sum of lengths). */
  next = 0;
  /**
   * The struct the last {@link find} returned, or null. Integrating one remote run looks up each
   * origin twice (to check it, then to place the run), and typing looks up the same run again and
   * again. A struct keeps its clock range while it is stored (a split shortens it and stores the
   * tail; a merge lengthens it and removes the other), so the entry is valid while it is stored
   * and its range holds the clock; {@link remove} and {@link load} clear it.
   */
  private last: Struct | null = null;
  /**
   * The chunks that took {@link insertAfter}s lately (null until the first). V8 grows an array by
   * half its length plus 16 slots and never shrinks it, so a chunk that leaves this list is copied
   * to its exact size, unless splits are scattered (`spare-slots.ts`). Keeping a few lets edits at
   * several places (several authors) split without copying a chunk and growing it again at every
   * turn.
   */
  private grown: GrownChunks | null = null;

  /** The struct containing `clock`, or undefined when it is not (yet) known. */
  find(clock: number): Struct | undefined {
    if (clock >= this.next || clock < 0) return undefined;
    const last = this.last;
    if (last !== null && last.clock <= clock && clock < last.clock + last.len) return last;
    const solo = this.solo;
    if (solo !== null) return solo.clock <= clock && clock < solo.clock + solo.len ? solo : undefined;
    const chunk = this.chunks[this.chunkIndex(clock)];
    if (chunk === undefined) return undefined;
    const s = chunk[runIndexAt(chunk, clock)];
    if (s !== undefined) this.last = s;
    return s;
  }

  /** Append a struct starting at `next`. */
  push(s: Struct): void {
    const chunk = this.chunks[this.chunks.length - 1];
    const solo = this.solo;
    // New arrays as literals: V8 sizes them exactly, where a push into an empty array reserves
    // 17 slots. A document that heard from thousands of replicas holds one or two structs for
    // most of them, and pays for those slots per replica.
    if (chunk === undefined) {
      if (solo === null) this.solo = s;
      else {
        this.chunks = [[solo, s]];
        this.solo = null;
      }
    } else if (chunk.length >= CHUNK_MAX) {
      // The full chunk grew by pushes (up to a third of its slots unused): keep an exact copy.
      this.chunks[this.chunks.length - 1] = chunk.slice();
      this.chunks.push([s]);
    } else chunk.push(s);
    this.next = s.clock + s.len;
  }

  /** Fill an empty client with structs in clock order that tile `0 .. n-1` (snapshot loading). */
  load(structs: Struct[]): void {
    this.last = null;
    if (structs.length === 1) this.solo = structs[0] as Struct;
    else if (structs.length > 1 && structs.length <= CHUNK_MAX) this.chunks = [structs.slice()];
    else if (structs.length > 0) {
      const chunks: Struct[][] = [];
      for (let i = 0; i < structs.length; i += CHUNK_MAX) chunks.push(structs.slice(i, i + CHUNK_MAX));
      this.chunks = chunks;
    }
    const last = structs[structs.length - 1];
    this.next = last === undefined ? 0 : last.clock + last.len;
  }

  /** Insert `right` (the tail cut from `left`) just after `left`. */
  insertAfter(left: Struct, right: Struct): void {
    if (this.solo !== null) {
      this.chunks = [[this.solo, right]];
      this.solo = null;
      return;
    }
    const chunks = this.chunks;
    const lo = this.chunkIndex(left.clock);
    const chunk = chunks[lo] as Struct[];
    const grown = this.grown;
    if (grown === null) this.grown = new GrownChunks(chunk);
    else {
      const list = grown.list;
      const known = list[list.length - 1] === chunk || list.includes(chunk);
      grown.churn = churnAfter(grown.churn, !known && list.length >= GROWN_MAX);
      if (!known) this.noteGrown(grown, chunk);
    }
    chunk.splice(runIndexAt(chunk, left.clock) + 1, 0, right);
    if (chunk.length > CHUNK_MAX * 2) {
      chunks.splice(lo + 1, 0, chunk.slice(CHUNK_MAX));
      chunks[lo] = chunk.slice(0, CHUNK_MAX);
    }
  }

  /**
   * Add `chunk` to the `grown` chunks; the oldest, when there are too many, leaves the list and is
   * copied to its exact size (if it is still one of this client's chunks and splits are not
   * scattered, see `spare-slots.ts`).
   */
  private noteGrown(grown: GrownChunks, chunk: Struct[]): void {
    const list = grown.list;
    if (list.length >= GROWN_MAX) {
      const old = list.shift() as Struct[];
      if (old.length > 0 && trimsAt(grown.churn)) {
        const at = this.chunkIndex((old[0] as Struct).clock);
        if (this.chunks[at] === old) this.chunks[at] = old.slice();
      }
    }
    list.push(chunk);
  }

  /** Remove `s` (after its clocks were merged into its left neighbour). */
  remove(s: Struct): void {
    if (this.last === s) this.last = null;
    if (this.solo !== null) {
      if (this.solo === s) this.solo = null;
      return;
    }
    const chunks = this.chunks;
    const lo = this.chunkIndex(s.clock);
    const chunk = chunks[lo];
    if (chunk === undefined) return;
    const i = chunk.indexOf(s);
    if (i < 0) return;
    chunk.splice(i, 1);
    if (chunk.length === 0 && chunks.length > 1) chunks.splice(lo, 1);
  }

  /**
   * Every struct in clock order, as the chunks that hold them (read only): a walk over all of a
   * client's structs without a callback per struct.
   */
  get chunkList(): readonly (readonly Struct[])[] {
    return this.solo === null ? this.chunks : [[this.solo]];
  }

  /** The client's only struct while it holds exactly one, else null (then read {@link chunkList}). */
  get only(): Struct | null {
    return this.solo;
  }

  /**
   * Call `fn` on every struct overlapping clocks `from .. next-1`, in clock order. Finds the
   * first by binary search (chunk, then index): a transaction's update reads only what it added.
   */
  forEachFrom(from: number, fn: (s: Struct) => void): void {
    if (from >= this.next || from < 0) return;
    if (this.solo !== null) {
      fn(this.solo);
      return;
    }
    const chunks = this.chunks;
    let ci = this.chunkIndex(from);
    let i = runIndexAt(chunks[ci] as Struct[], from);
    for (; ci < chunks.length; ci++, i = 0) {
      const chunk = chunks[ci] as Struct[];
      for (; i < chunk.length; i++) fn(chunk[i] as Struct);
    }
  }

  /** Index of the last chunk whose first struct starts at or before `clock` (0 when none). */
  private chunkIndex(clock: number): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (((chunks[mid] as Struct[])[0] as Struct).clock <= clock) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Number of structs. */
  get size(): number {
    let n = this.solo === null ? 0 : 1;
    for (const c of this.chunks) n += c.length;
    return n;
  }
}

/**
 * The runs of every client, by client index. Indexes are small and handed out in order, so an
 * array holds them: about 8 bytes per client where a `Map` takes about 37, which counts in a
 * document that heard from thousands of replicas. Iterates in index order.
 */
export class ClientTable {
  private readonly byIndex = emptyObjectArray<ClientRuns | undefined>();
  private count = 0;

  /**
   * The runs of client index `client`, or undefined when it has none yet. Past the end is
   * answered without reading there: optimized code that only met indexes in range deoptimizes on
   * its first read out of bounds, which a fresh document's first edit is.
   */
  get(client: number): ClientRuns | undefined {
    const all = this.byIndex;
    return client < all.length ? all[client] : undefined;
  }

  /** Number of clients with runs. */
  get size(): number {
    return this.count;
  }

  /** The runs of `client`, created on first use. */
  ensure(client: number): ClientRuns {
    let r = this.get(client);
    if (r === undefined) {
      if (!Number.isInteger(client) || client < 0) throw new RangeError(`not a client index: ${client}`);
      while (this.byIndex.length < client) this.byIndex.push(undefined);
      r = new ClientRuns();
      this.byIndex[client] = r;
      this.count++;
    }
    return r;
  }

  /** The client indexes with runs, ascending. */
  *keys(): IterableIterator<number> {
    const all = this.byIndex;
    for (let i = 0; i < all.length; i++) if (all[i] !== undefined) yield i;
  }

  /** `[client index, runs]` of every client with runs, by ascending index. */
  *[Symbol.iterator](): IterableIterator<[number, ClientRuns]> {
    const all = this.byIndex;
    for (let i = 0; i < all.length; i++) {
      const r = all[i];
      if (r !== undefined) yield [i, r];
    }
  }
}

/** All structs of a document, by client. */
export class StructStore {
  /** The runs of every client, by client index. */
  readonly clients = new ClientTable();

  /** The next clock of `client` (0 when unknown). */
  getState(client: number): number {
    return this.clients.get(client)?.next ?? 0;
  }

  /** The struct containing `(client, clock)`, or undefined. */
  find(client: number, clock: number): Struct | undefined {
    return this.clients.get(client)?.find(clock);
  }

  /** The runs of `client`, created on first use. */
  runs(client: number): ClientRuns {
    return this.clients.ensure(client);
  }

  /** Append a struct that starts at its client's next clock. */
  add(s: Struct): void {
    this.runs(s.client).push(s);
  }

  /** The state vector: next clock per client. */
  stateVector(): Map<number, number> {
    const sv = new Map<number, number>();
    for (const [c, r] of this.clients) sv.set(c, r.next);
    return sv;
  }
}

/**
 * Index of the last run of `runs` (in clock order, disjoint, non-empty) starting at or before
 * `clock` (0 when none does). Runs are at least one unit long, so the one holding `clock` is at
 * most `clock - first` runs in, and at least as many runs from the end as units remain after it:
 * runs of one unit each (keystrokes that did not merge, as in concurrent typing) pin it without a
 * search, and the search only ever spans what the two bounds leave.
 */
export function runIndexAt(runs: readonly Struct[], clock: number): number {
  const n = runs.length;
  let b = clock - (runs[0] as Struct).clock;
  if (b <= 0) return 0;
  if (b >= n) b = n - 1;
  if ((runs[b] as Struct).clock <= clock) return b;
  const last = runs[n - 1] as Struct;
  let a = n - (last.clock + last.len - clock);
  if (a < 0) a = 0;
  b--;
  if (a > b) return b;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if ((runs[mid] as Struct).clock <= clock) a = mid;
    else b = mid - 1;
  }
  return a;
}
