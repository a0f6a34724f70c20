/**
 * The position index of a sequence: items in document order, kept in a list of leaves (at most
 * {@link LEAF_MAX} items each) that cache their visible length. Finding the item at a visible
 * position walks leaf totals from a cached cursor (O(1) for edits near the previous one, O(leaves)
 * at worst) and then at most one leaf; inserting touches one leaf. Items never leave the index
 * (deleted items stay as tombstones).
 */
import { emptyObjectArray } from '../object-array.js';
import { churnAfter, trimsAt } from '../store/spare-slots.js';
import { type Item, Leaf } from './item.js';

/** Maximum items per leaf before it splits in two. */
export const LEAF_MAX = 64;

/** How many recently edited leaves keep their spare slots (see `SequenceIndex.grown`). */
const GROWN_LEAVES = 32;

/** Document-ordered items with visible-position lookup. */
export class SequenceIndex {
  /** Leaves in document order; never empty. */
  leaves: Leaf[];
  /** Number of visible units. */
  length = 0;
  /**
   * The visible text when it is known without walking the items (a text loaded from a snapshot),
   * else null. Every visible change goes through {@link adjust}, {@link push} or {@link load},
   * which clear it.
   */
  text: string | null = null;
  /**
   * Bumped by every change to the items or their visible lengths (insert, delete, tombstone
   * removal, loading), so a reader can cache what it derives from the index (a text's formatting)
   * and tell when it went stale.
   */
  version = 0;
  /** Cursor cache: a leaf index and the visible position where that leaf starts. */
  private cLeaf = 0;
  private cPos = 0;
  /**
   * The leaves that took insertions lately, oldest first (at most {@link GROWN_LEAVES}; each
   * marked `spare`). V8 grows an array by half its length plus 16 slots and never shrinks it, so
   * a leaf that took insertions holds up to twice the slots it uses; the oldest leaves this list
   * when another joins, its array copied to its exact size (one copy of at most {@link LEAF_MAX}
   * items) unless insertions are scattered ({@link churn}). Keeping several lets edits at several
   * places (several authors' carets, jumps back and forth) go on without a copy and a regrowth per
   * turn.
   */
  private readonly grown: Leaf[] = emptyObjectArray<Leaf>();
  /** How often an insertion made a leaf leave {@link grown} lately (`store/spare-slots.ts`). */
  private churn = 0;
  /**
   * Visible units before each leaf (`starts[0]` is 0), valid for leaves `0 .. startsValid - 1`
   * while {@link version} equals `startsVersion`: see {@link leafStart}.
   */
  private starts: number[] = [0];
  private startsValid = 1;
  private startsVersion = 0;
  /** Result of the last {@link find}: the leaf, the item index in it and the offset in the item. */
  fLeaf: Leaf;
  fIdx = 0;
  fOffset = 0;

  constructor(
    /** The object that owns this index (its sequence). */
    readonly owner: object,
  ) {
    this.fLeaf = new Leaf(this.owner);
    this.leaves = [this.fLeaf];
  }

  /** The first item, or null when empty. */
  first(): Item | null {
    return (this.leaves[0] as Leaf).items[0] ?? null;
  }

  /**
   * Find the visible unit at `pos` (0 <= pos < length): returns its item and sets `fLeaf`, `fIdx`,
   * `fOffset`. Amortised O(1) for positions near the previous lookup.
   */
  find(pos: number): Item {
    const leaves = this.leaves;
    let li = this.cLeaf;
    let start = this.cPos;
    let leaf = leaves[li] as Leaf;
    while (pos < start) {
      li--;
      leaf = leaves[li] as Leaf;
      start -= leaf.vis;
    }
    while (pos >= start + leaf.vis) {
      start += leaf.vis;
      li++;
      leaf = leaves[li] as Leaf;
    }
    this.cLeaf = li;
    this.cPos = start;
    const items = leaf.items;
    let p = start;
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as Item;
      // The content read once: a number is a tombstone, else its length is the item's.
      const c = it.content;
      if (typeof c === 'number') continue;
      const n = c.length;
      if (pos < p + n) {
        this.fLeaf = leaf;
        this.fIdx = i;
        this.fOffset = pos - p;
        return it;
      }
      p += n;
    }
    throw new Error('sequence index corrupt: position not in leaf');
  }

  /** The item after `item` in document order, or null at the end. */
  next(item: Item): Item | null {
    const leaf = item.leaf as Leaf;
    const idx = leaf.items.indexOf(item);
    return this.nextAt(leaf, idx);
  }

  /** Where {@link SequenceIndex.lastDeadAfter} found its item: leaf and position. */
  dLeaf: Leaf | null = null;
  dIdx = 0;

  /**
   * The last of the deleted items that directly follow position `idx` of `leaf` (null when the
   * next item is visible or there is none); its place goes to {@link SequenceIndex.dLeaf} and
   * {@link SequenceIndex.dIdx}.
   */
  lastDeadAfter(leaf: Leaf, idx: number): Item | null {
    let found: Item | null = null;
    let l = leaf;
    let i = idx;
    for (;;) {
      if (i + 1 < l.items.length) i++;
      else {
        let li = l.index + 1;
        while (li < this.leaves.length && (this.leaves[li] as Leaf).items.length === 0) li++;
        if (li >= this.leaves.length) break;
        l = this.leaves[li] as Leaf;
        i = 0;
      }
      const next = l.items[i] as Item;
      if (!next.deleted) break;
      found = next;
      this.dLeaf = l;
      this.dIdx = i;
    }
    return found;
  }

  /** The item after position `idx` of `leaf`, or null at the end. */
  nextAt(leaf: Leaf, idx: number): Item | null {
    if (idx + 1 < leaf.items.length) return leaf.items[idx + 1] as Item;
    for (let li = leaf.index + 1; li < this.leaves.length; li++) {
      const l = this.leaves[li] as Leaf;
      if (l.items.length > 0) return l.items[0] as Item;
    }
    return null;
  }

  /** The item before `item` in document order, or null at the start. */
  prev(item: Item): Item | null {
    const leaf = item.leaf as Leaf;
    const idx = leaf.items.indexOf(item);
    if (idx > 0) return leaf.items[idx - 1] as Item;
    for (let li = leaf.index - 1; li >= 0; li--) {
      const l = this.leaves[li] as Leaf;
      if (l.items.length > 0) return l.items[l.items.length - 1] as Item;
    }
    return null;
  }

  /** A number that orders items by document position (valid until the next insertion). */
  orderKey(item: Item): number {
    const leaf = item.leaf as Leaf;
    return this.orderKeyAt(leaf, leaf.items.indexOf(item));
  }

  /** {@link orderKey} of the item at position `idx` of `leaf`, when the caller knows it. */
  orderKeyAt(leaf: Leaf, idx: number): number {
    return leaf.index * 256 + idx;
  }

  /** Visible position of the first unit of `item` (its would-be position if deleted). */
  visibleIndexOf(item: Item): number {
    const leaf = item.leaf as Leaf;
    let pos = this.leafStart(leaf.index);
    // Indexed: a for-of in code not yet optimised allocates a result object per step.
    const items = leaf.items;
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as Item;
      if (it === item) return pos;
      if (!it.deleted) pos += it.len;
    }
    throw new Error('sequence index corrupt: item not in its leaf');
  }

  /**
   * Visible units before leaf `li`, from {@link starts}: extended up to `li` when the index has not
   * changed since it was last extended, rebuilt from the first leaf otherwise (so many lookups
   * between two edits, such as resolving every mark anchor of a loaded text, walk the leaf totals
   * once, and one lookup after an edit walks no further than before).
   */
  private leafStart(li: number): number {
    const starts = this.starts;
    if (this.startsVersion !== this.version) {
      this.startsVersion = this.version;
      this.startsValid = 1;
    }
    let k = this.startsValid;
    if (k > li) return starts[li] as number;
    const leaves = this.leaves;
    let pos = (starts[k - 1] as number) + (leaves[k - 1] as Leaf).vis;
    for (; k < li; k++) {
      starts[k] = pos;
      pos += (leaves[k] as Leaf).vis;
    }
    starts[li] = pos;
    this.startsValid = li + 1;
    return pos;
  }

  /** Record that `delta` visible units appeared (+) or vanished (-) in `leaf`. */
  adjust(leaf: Leaf, delta: number): void {
    leaf.vis += delta;
    this.length += delta;
    this.text = null;
    this.version++;
    if (leaf.index < this.cLeaf) this.cPos += delta;
  }

  /** Insert `item` right after `left` (or first when `left` is null). */
  insertAfter(left: Item | null, item: Item): void {
    if (left === null) {
      this.insertInLeaf(this.leaves[0] as Leaf, 0, item);
      return;
    }
    const leaf = left.leaf as Leaf;
    const idx = leaf.items.indexOf(left);
    this.insertInLeaf(leaf, idx + 1, item);
  }

  /** Insert `item` right after position `idx` of `leaf` (fast path when the caller knows it). */
  insertAfterAt(leaf: Leaf, idx: number, item: Item): void {
    this.insertInLeaf(leaf, idx + 1, item);
  }

  /** Insert `item` right before `right` (or last when `right` is null). */
  insertBefore(right: Item | null, item: Item): void {
    if (right === null) {
      const leaf = this.leaves[this.leaves.length - 1] as Leaf;
      this.insertInLeaf(leaf, leaf.items.length, item);
      return;
    }
    const leaf = right.leaf as Leaf;
    this.insertInLeaf(leaf, leaf.items.indexOf(right), item);
  }

  /** Take `item` (a tombstone, so no visible length changes) out of the index. */
  removeDead(item: Item): void {
    const leaf = item.leaf as Leaf;
    const i = leaf.items.indexOf(item);
    if (i >= 0) leaf.items.splice(i, 1);
    item.leaf = null;
    this.version++;
  }

  /** Append `item` at the end (bulk loading). */
  push(item: Item): void {
    let leaf = this.leaves[this.leaves.length - 1] as Leaf;
    if (leaf.items.length >= LEAF_MAX / 2 + LEAF_MAX / 4) {
      leaf = new Leaf(this.owner);
      leaf.index = this.leaves.length;
      this.leaves.push(leaf);
    }
    item.leaf = leaf;
    leaf.items.push(item);
    this.version++;
    if (!item.deleted) {
      leaf.vis += item.len;
      this.length += item.len;
      this.text = null;
    }
  }

  /**
   * Fill an empty index with `items` in document order (snapshot loading): the same leaves
   * {@link push} would build, made in one pass.
   */
  load(items: Item[]): void {
    const per = LEAF_MAX / 2 + LEAF_MAX / 4;
    let leaf = this.leaves[this.leaves.length - 1] as Leaf;
    if (this.leaves.length !== 1 || leaf.items.length !== 0) {
      for (let i = 0; i < items.length; i++) this.push(items[i] as Item);
      return;
    }
    this.text = null;
    this.version++;
    let total = 0;
    for (let from = 0; from < items.length; from += per) {
      if (from > 0) {
        leaf = new Leaf(this.owner);
        leaf.index = this.leaves.length;
        this.leaves.push(leaf);
      }
      const to = Math.min(items.length, from + per);
      const list = items.slice(from, to);
      let vis = 0;
      for (let i = 0; i < list.length; i++) {
        const it = list[i] as Item;
        it.leaf = leaf;
        if (!it.deleted) vis += it.len;
      }
      leaf.items = list;
      leaf.vis = vis;
      total += vis;
    }
    this.length += total;
  }

  private insertInLeaf(leaf: Leaf, idx: number, item: Item): void {
    const grown = this.grown;
    // Another leaf leaves the recently edited ones to make room for this one.
    const evicts = !leaf.spare && grown.length >= GROWN_LEAVES;
    this.churn = churnAfter(this.churn, evicts);
    if (!leaf.spare) {
      if (evicts) {
        const old = grown.shift() as Leaf;
        old.spare = false;
        if (trimsAt(this.churn)) old.items = old.items.slice();
      }
      leaf.spare = true;
      grown.push(leaf);
    }
    item.leaf = leaf;
    leaf.items.splice(idx, 0, item);
    this.version++;
    if (!item.deleted) this.adjust(leaf, item.len);
    if (leaf.items.length > LEAF_MAX) this.splitLeaf(leaf);
  }

  private splitLeaf(leaf: Leaf): void {
    const items = leaf.items;
    const half = items.length >> 1;
    const right = new Leaf(this.owner);
    // Both halves as fresh copies: V8 sizes a copy exactly, where the array that grew past
    // LEAF_MAX keeps its capacity (about twice what a half holds) for as long as the leaf lives,
    // and most leaves behind the editing point never grow again.
    leaf.items = items.slice(0, half);
    right.items = items.slice(half);
    let vis = 0;
    for (const it of right.items) {
      it.leaf = right;
      if (!it.deleted) vis += it.len;
    }
    right.vis = vis;
    leaf.vis -= vis;
    const at = leaf.index + 1;
    this.leaves.splice(at, 0, right);
    for (let i = at; i < this.leaves.length; i++) (this.leaves[i] as Leaf).index = i;
    if (this.cLeaf >= at) this.cLeaf++;
  }

  /** Call `fn` on every item in document order. */
  forEach(fn: (item: Item) => void): void {
    for (const leaf of this.leaves) for (const it of leaf.items) fn(it);
  }
}
