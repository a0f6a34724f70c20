/**
 * The run-length encoded item of the sequence CRDT shared by text and lists. One item is a run of
 * units (UTF-16 code units of a text, or elements of a list) inserted by one replica with
 * consecutive clocks, all sharing one right origin; unit `k` of the run has id `(client, clock + k)`
 * and left origin `(client, clock + k - 1)` (the first unit's left origin is stored explicitly).
 *
 * Also the {@link Leaf}, the chunk of the position index (`leaf-index.ts`) that holds items: an item
 * knows its leaf and a leaf its items, so both live here.
 */

import { emptyObjectArray } from '../object-array.js';

/** The content of a run: a string (text), an array of elements (list), or `null` once deleted. */
export type RunContent = string | unknown[] | null;

/** Marks "no origin" (the sequence start for left origins, its end for right origins). */
export const NO_CLIENT = -1;

/** Runs up to this many code units are rebuilt as one flat string on every append. */
const FLAT_APPEND_LIMIT = 1024;

/**
 * Which eighth of its power of two a length falls in: a longer run is flattened each time its
 * length enters a new one (about eight times per doubling).
 */
function lengthBucket(n: number): number {
  const k = 31 - Math.clz32(n);
  return (k << 3) | ((n >>> (k - 3)) & 7);
}

/**
 * `a + b` for a text run's content. JavaScript engines build `a + b` as a rope node pointing at
 * both halves, so a run typed one character at a time would hold one node per keystroke (about
 * 32 bytes each, more than the text). Short runs are therefore copied into one flat string on
 * every append (`join` copies; at most {@link FLAT_APPEND_LIMIT} units), longer ones whenever
 * their length enters a new eighth of its power of two: amortised, about a dozen units copied
 * per unit appended, and at most an eighth of a long run in rope nodes.
 */
export function appendText(a: string, b: string): string {
  const n = a.length + b.length;
  if (n <= FLAT_APPEND_LIMIT || lengthBucket(a.length) !== lengthBucket(n)) return [a, b].join('');
  return a + b;
}

/** Bits per client index packed in an item's {@link Item.ids}. */
const ID_BITS = 10;
const ID_MASK = (1 << ID_BITS) - 1;

/**
 * The client indexes of the items whose indexes do not fit {@link ID_BITS} bits (a document that
 * heard from more than a thousand replicas). Such items hold -1 in {@link Item.ids} and their
 * indexes here: packed into one number by {@link packWide} while each is below 2^17 (a 16-byte
 * heap number per item rather than a 72-byte array), else as `[client, olClient, orClient]`.
 * Weak, so an item that is dropped takes its entry with it.
 */
const WIDE = new WeakMap<Item, number | [number, number, number]>();

/** Bits per client index in a {@link WIDE} number: three fit the 53 bits of a double exactly. */
const WIDE_BITS = 17;
const WIDE_BASE = 2 ** WIDE_BITS;

/** The {@link WIDE} entry of three client indexes (origins may be {@link NO_CLIENT}). */
function packWide(client: number, olClient: number, orClient: number): number | [number, number, number] {
  if (client >= WIDE_BASE || olClient + 1 >= WIDE_BASE || orClient + 1 >= WIDE_BASE)
    return [client, olClient, orClient];
  return client + (olClient + 1) * WIDE_BASE + (orClient + 1) * WIDE_BASE * WIDE_BASE;
}

/** Client index `k` (0: own, 1: left origin's, 2: right origin's) of a {@link WIDE} entry. */
function wideIndex(item: Item, k: 0 | 1 | 2): number {
  const w = WIDE.get(item) as number | [number, number, number];
  if (typeof w !== 'number') return w[k];
  if (k === 0) return w % WIDE_BASE;
  if (k === 1) return (Math.floor(w / WIDE_BASE) % WIDE_BASE) - 1;
  return Math.floor(w / (WIDE_BASE * WIDE_BASE)) - 1;
}

/** The packed {@link Item.ids} of three client indexes, or -1 when one does not fit. */
function packIds(client: number, olClient: number, orClient: number): number {
  if (client > ID_MASK || olClient >= ID_MASK || orClient >= ID_MASK) return -1;
  return client | ((olClient + 1) << ID_BITS) | ((orClient + 1) << (2 * ID_BITS));
}

/**
 * One run of the sequence. Fields are plain numbers (no id objects) to keep 100,000-item documents
 * small: an item is 72 bytes, six fields. The three client indexes (its own and its two origins')
 * share one small integer, and a deleted run (a tombstone) drops its content and keeps only its
 * length, in the same field: `content` is the units of a live run (their count is its length) or
 * the length of a dead one. Tombstones are often most of a document's items.
 */
export class Item {
  /** The leaf of the position index that holds this item (set by the index). */
  leaf: Leaf | null = null;
  /**
   * `client | (olClient + 1) << 10 | (orClient + 1) << 20` when every index fits ten bits, else -1
   * (the indexes are in {@link WIDE}). Read through {@link client}, {@link olClient},
   * {@link orClient}.
   */
  private ids: number;
  /** Units of a live run (never empty), or the number of units once deleted. */
  content: string | unknown[] | number;

  constructor(
    /** Replica that inserted the run. */
    client: number,
    /** Clock of the first unit. */
    public clock: number,
    /** Number of units: must equal `content.length` when `content` is not null. */
    len: number,
    /** Left origin of the first unit: client, or {@link NO_CLIENT} for the sequence start. */
    olClient: number,
    public olClock: number,
    /** Right origin shared by every unit: client, or {@link NO_CLIENT} for the sequence end. */
    orClient: number,
    public orClock: number,
    /** Units, or `null` when deleted. */
    content: RunContent,
  ) {
    this.ids = packIds(client, olClient, orClient);
    this.content = content === null ? len : content;
    if (this.ids < 0) WIDE.set(this, packWide(client, olClient, orClient));
  }

  /** Pack the three client indexes (or keep them in {@link WIDE} when one does not fit). */
  private setIds(client: number, olClient: number, orClient: number): void {
    const was = this.ids;
    this.ids = packIds(client, olClient, orClient);
    if (this.ids < 0) WIDE.set(this, packWide(client, olClient, orClient));
    else if (was < 0) WIDE.delete(this);
  }

  /** Replica (client index) that inserted the run. */
  get client(): number {
    const p = this.ids;
    return p >= 0 ? p & ID_MASK : wideIndex(this, 0);
  }
  set client(c: number) {
    this.setIds(c, this.olClient, this.orClient);
  }

  /** Client of the left origin of the first unit, or {@link NO_CLIENT} for the sequence start. */
  get olClient(): number {
    const p = this.ids;
    return p >= 0 ? ((p >> ID_BITS) & ID_MASK) - 1 : wideIndex(this, 1);
  }
  set olClient(c: number) {
    this.setIds(this.client, c, this.orClient);
  }

  /** Client of the right origin (shared by every unit), or {@link NO_CLIENT} for the sequence end. */
  get orClient(): number {
    const p = this.ids;
    return p >= 0 ? (p >> (2 * ID_BITS)) - 1 : wideIndex(this, 2);
  }
  set orClient(c: number) {
    this.setIds(this.client, this.olClient, c);
  }

  /** Number of units. */
  get len(): number {
    const c = this.content;
    return typeof c === 'number' ? c : c.length;
  }

  /** True when every unit of the run is deleted (its content is gone, only its length is kept). */
  get deleted(): boolean {
    return typeof this.content === 'number';
  }

  /** The units of a live run, or null once deleted. */
  get units(): string | unknown[] | null {
    const c = this.content;
    return typeof c === 'number' ? null : c;
  }

  /** Delete every unit: keep only the length. */
  kill(): void {
    this.content = this.len;
  }

  /** Clock of the last unit. */
  get lastClock(): number {
    return this.clock + this.len - 1;
  }

  /** True when the unit `(client, clock)` is inside this run. */
  contains(client: number, clock: number): boolean {
    return client === this.client && clock >= this.clock && clock < this.clock + this.len;
  }

  /**
   * Cut this run in two at `offset` (0 < offset < len): this item keeps the first `offset` units,
   * the returned item holds the rest (its left origin is this run's last kept unit). The caller
   * places the new item in the index and the struct store.
   */
  splitAt(offset: number): Item {
    const c = this.content;
    let right: RunContent = null;
    let n: number;
    if (typeof c === 'number') {
      n = c - offset;
      this.content = offset;
    } else {
      n = c.length - offset;
      right = c.slice(offset);
      this.content = c.slice(0, offset);
    }
    return new Item(
      this.client,
      this.clock + offset,
      n,
      this.client,
      this.clock + offset - 1,
      this.orClient,
      this.orClock,
      right,
    );
  }
}

/** A chunk of consecutive items of a position index with the sum of their visible lengths. */
export class Leaf {
  constructor(
    /** The object that owns the index this leaf belongs to (its sequence). */
    readonly owner: object,
  ) {}
  /** Items in document order (starting in the elements kind it has once it holds items: `object-array.ts`). */
  items: Item[] = emptyObjectArray<Item>();
  /** Sum of the lengths of non-deleted items. */
  vis = 0;
  /** Index of this leaf in the index's list of leaves. */
  index = 0;
  /** True while the index lets {@link items} keep spare slots (see `SequenceIndex.grown`). */
  spare = false;
}
