/**
 * The sorted list of a mark index (`mark-index.ts`): boundaries (mark `j` owns `2j`, its start,
 * and `2j + 1`, its end) in slots sorted by visible position, with a Fenwick tree over the gaps
 * between neighbouring slots, so that finding the first slot at a position, reading a slot's
 * position and moving every slot from one on are O(log b); and the merge of new boundaries into it
 * from the back, which moves only the slots from the first new one's place.
 */

import { sortByKey } from '../sorted.js';

/** Boundaries sorted by position, with a Fenwick tree over their gaps. */
export class BoundarySlots {
  /** Boundaries in the list. */
  b = 0;
  /** Slot -> boundary. */
  order = new Int32Array(0);
  /** Slot i's position minus slot i - 1's (slot 0: its position). */
  gap = new Float64Array(0);
  /** Fenwick tree over {@link BoundarySlots.gap} (1-based). */
  private tree = new Float64Array(1);
  /** Highest power of two <= b (0 when empty). */
  private top = 0;
  /** Per boundary: its slot, or -1 while it is not in the list. */
  readonly slotOf: number[] = [];
  /** The position of the slot the last {@link BoundarySlots.lowerBound} found. */
  found = 0;

  /**
   * Merge boundaries `ids` (not in the list) at positions `pos` into the list, in place from the
   * back: only the slots from the first new boundary's place on move, and only their part of the
   * tree is rebuilt. Ties: listed boundaries first.
   */
  mergeIn(ids: readonly number[], pos: readonly number[]): void {
    const k = ids.length;
    const bySide = sortedOrder(pos);
    const b = this.b;
    const total = b + k;
    if (total > this.order.length) this.grow(total);
    const { order, gap, tree, slotOf } = this;
    // Backwards: each listed boundary after the side ones at or above it (ties: listed first), its
    // position in place of its gap for now.
    let i = b - 1;
    let v = this.prefix(b);
    let o = total - 1;
    for (let s = k - 1; s >= 0; s--) {
      const t = bySide[s] as number;
      const at = pos[t] as number;
      while (i >= 0 && v > at) {
        const g = gap[i] as number;
        order[o] = order[i] as number;
        gap[o--] = v;
        v -= g;
        i--;
      }
      order[o] = ids[t] as number;
      gap[o--] = at;
    }
    // Slots 0 .. o (= i) did not move; from `first` on, positions back to gaps.
    const first = o + 1;
    let prev = first > 0 ? v : 0;
    for (let x = first; x < total; x++) {
      const val = gap[x] as number;
      gap[x] = val - prev;
      tree[x + 1] = val - prev;
      prev = val;
      slotOf[order[x] as number] = x;
    }
    // The tree above `first`: the unchanged nodes covering slots up to `first` add into their
    // parents past it, then every new node into its parent (as a full build does).
    for (let x = first; x > 0; x -= x & -x) {
      const up = x + (x & -x);
      if (up <= total) tree[up] = (tree[up] as number) + (tree[x] as number);
    }
    for (let x = first + 1; x <= total; x++) {
      const up = x + (x & -x);
      if (up <= total) tree[up] = (tree[up] as number) + (tree[x] as number);
    }
    this.b = total;
    this.setTop();
  }

  /** Every listed boundary's position, indexed by boundary (`count` entries). */
  positions(count: number): Float64Array {
    const pos = new Float64Array(count);
    let sum = 0;
    for (let i = 0; i < this.b; i++) {
      sum += this.gap[i] as number;
      pos[this.order[i] as number] = sum;
    }
    return pos;
  }

  /** The position of slot `i` (a prefix sum of the gaps). */
  positionOf(i: number): number {
    const tree = this.tree;
    let sum = 0;
    for (let x = i + 1; x > 0; x -= x & -x) sum += tree[x] as number;
    return sum;
  }

  /** Exchange the boundaries of slots `i` and `j`. */
  swap(i: number, j: number): void {
    const order = this.order;
    const a = order[i] as number;
    const z = order[j] as number;
    order[i] = z;
    order[j] = a;
    this.slotOf[z] = i;
    this.slotOf[a] = j;
  }

  /** The first slot whose position is >= p (b when none); its position goes to `found`. */
  lowerBound(p: number): number {
    const tree = this.tree;
    const b = this.b;
    let at = 0;
    let sum = 0;
    for (let step = this.top; step > 0; step >>= 1) {
      const x = at + step;
      if (x <= b && sum + (tree[x] as number) < p) {
        at = x;
        sum += tree[x] as number;
      }
    }
    this.found = at < b ? sum + (this.gap[at] as number) : sum;
    return at;
  }

  /** Move slots `i ..` by `d`. */
  addAt(i: number, d: number): void {
    const tree = this.tree;
    const b = this.b;
    this.gap[i] = (this.gap[i] as number) + d;
    for (let x = i + 1; x <= b; x += x & -x) tree[x] = (tree[x] as number) + d;
  }

  /** The position of slot `n - 1` (0 when n is 0). */
  private prefix(n: number): number {
    let sum = 0;
    for (let x = n; x > 0; x -= x & -x) sum += this.tree[x] as number;
    return sum;
  }

  /** Room for at least `n` slots (the listed ones kept). */
  private grow(n: number): void {
    const cap = Math.max(n, 2 * this.order.length, 64);
    const order = new Int32Array(cap);
    order.set(this.order.subarray(0, this.b));
    const gap = new Float64Array(cap);
    gap.set(this.gap.subarray(0, this.b));
    const tree = new Float64Array(cap + 1);
    tree.set(this.tree.subarray(0, this.b + 1));
    this.order = order;
    this.gap = gap;
    this.tree = tree;
  }

  /** {@link BoundarySlots.top} for the current count. */
  private setTop(): void {
    let top = this.b === 0 ? 0 : 1;
    while (top > 0 && top * 2 <= this.b) top *= 2;
    this.top = top;
  }

  /** Make the sorted list slots `order` (boundaries) at positions `values` (non-decreasing). */
  build(order: Int32Array<ArrayBuffer>, values: Float64Array<ArrayBuffer>): void {
    const b = order.length;
    const slotOf = this.slotOf;
    // The gaps in place of the positions; the tree from them.
    const gap = values;
    const tree = new Float64Array(b + 1);
    let prev = 0;
    for (let i = 0; i < b; i++) {
      const v = values[i] as number;
      const g = v - prev;
      prev = v;
      gap[i] = g;
      tree[i + 1] = g;
      slotOf[order[i] as number] = i;
    }
    for (let x = 1; x <= b; x++) {
      const up = x + (x & -x);
      if (up <= b) tree[up] = (tree[up] as number) + (tree[x] as number);
    }
    this.b = b;
    this.order = order;
    this.gap = gap;
    this.tree = tree;
    this.setTop();
  }
}

/** The indexes of `pos` (non-negative positions) in ascending order of position, ties by index. */
export function sortedOrder(pos: readonly number[]): Int32Array<ArrayBuffer> {
  const ids = new Int32Array(pos.length);
  for (let i = 0; i < ids.length; i++) ids[i] = i;
  return sortByKey(ids, (i) => pos[i] as number) as Int32Array<ArrayBuffer>;
}
