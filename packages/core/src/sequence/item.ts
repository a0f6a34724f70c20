/**
 * The run-length encoded item of the sequence CRDT shared by text and lists. One item is a run of
 * units (UTF-16 code units of a text, or elements of a list) inserted by one replica with
 * consecutive clocks, all sharing one right origin; unit `k` of the run has id `(client, clock + k)`
 * and left origin `(client, clock + k - 1)` (the first unit's left origin is stored explicitly).
 *
 * Also the {@link Leaf}, the chunk of the position index (`leaf-index.ts`) that holds items: an item
 * knows its leaf and a leaf its items, so both live here.
 */

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

/**
 * One run of the sequence. Fields are plain numbers (no id objects) to keep 100,000-item documents
 * small. Deleted runs drop their content and keep only their length (tombstones).
 */
export class Item {
  /** The leaf of the position index that holds this item (set by the index). */
  leaf: Leaf | null = null;

  constructor(
    /** Replica that inserted the run. */
    public client: number,
    /** Clock of the first unit. */
    public clock: number,
    /** Number of units. */
    public len: number,
    /** Left origin of the first unit: client, or {@link NO_CLIENT} for the sequence start. */
    public olClient: number,
    public olClock: number,
    /** Right origin shared by every unit: client, or {@link NO_CLIENT} for the sequence end. */
    public orClient: number,
    public orClock: number,
    /** Units, or `null` when deleted. */
    public content: RunContent,
  ) {}

  /**
   * True when every unit of the run is deleted: a deleted run keeps no content (one field fewer
   * per item; tombstones are often most of a document's items).
   */
  get deleted(): boolean {
    return this.content === null;
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
    if (c !== null) {
      right = c.slice(offset);
      this.content = c.slice(0, offset);
    }
    const item = new Item(
      this.client,
      this.clock + offset,
      this.len - offset,
      this.client,
      this.clock + offset - 1,
      this.orClient,
      this.orClock,
      right,
    );
    this.len = offset;
    return item;
  }
}

/** A chunk of consecutive items of a position index with the sum of their visible lengths. */
export class Leaf {
  constructor(
    /** The object that owns the index this leaf belongs to (its sequence). */
    readonly owner: object,
  ) {}
  /** Items in document order. */
  items: Item[] = [];
  /** Sum of the lengths of non-deleted items. */
  vis = 0;
  /** Index of this leaf in the index's list of leaves. */
  index = 0;
}
