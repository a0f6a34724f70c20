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
    /** True when every unit of the run is deleted. */
    public deleted: boolean,
  ) {}

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
      this.deleted,
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
