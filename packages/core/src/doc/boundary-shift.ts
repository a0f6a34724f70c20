/**
 * Moving resolved mark boundaries over a batch of local edits (see `Text.intervals`).
 *
 * A boundary is a visible position; each local edit moves it as follows. An insert of `n` units
 * at `p` after the unit (`lc`, `lk`) moves every boundary above `p` by `n`, and one at `p` too
 * unless its anchor sits after that very unit (it then stays before the new text). A delete of
 * `n` units at `p` moves boundaries at or past the deleted range back by `n` and those inside it
 * to `p`. Both are non-decreasing functions of the position, so a sorted list of boundaries stays
 * sorted (among equal ones, those held back go first): each edit then moves a suffix of the list,
 * which a Fenwick tree over the gaps between neighbours does in O(log b). A batch of k edits over b
 * boundaries costs O(b log b + k log b + boundaries touched inside a deleted range or at an
 * insert's place) instead of O(b k) for moving each boundary through each edit.
 */

import { NO_CLIENT } from '../sequence/item.js';

/**
 * In place of the unit before an insert: the text went after tombstones (`insertAfterDead`), so
 * whether a boundary at its place moves past it depends on where among them its anchor sits. Such
 * boundaries move past it and are reported, for the caller to resolve from their anchors.
 */
export const AFTER_TOMBSTONES = -2;

/**
 * Apply local edits (`pending`: 4 numbers each, position, units inserted (> 0) or deleted (< 0),
 * and for an insert the unit before it as client index and clock, `NO_CLIENT` at 0) in order to
 * the boundaries `pos` (changed in place). Boundary `i` is anchored after the unit
 * (`tieClient[i]`, `tieClock[i]`); `NaN` as the client when its anchor is not after a unit.
 * Every `pos[i]` must be a number (not `NaN`). Returns the boundaries that were at the place of
 * an insert after tombstones ({@link AFTER_TOMBSTONES}), maybe repeated: their positions are
 * guesses.
 */
export function shiftBoundaries(
  pos: number[],
  tieClient: readonly number[],
  tieClock: readonly number[],
  pending: readonly number[],
): number[] {
  const unsure: number[] = [];
  const b = pos.length;
  if (b === 0 || pending.length === 0) return unsure;
  const order = sortedOrder(pos);
  // Slot i holds the i-th boundary in position order; its value is the sum of the gaps of slots
  // 0 .. i (a Fenwick tree over the gaps, and the gaps themselves for O(1) reads). Values stay
  // non-decreasing, so gaps stay >= 0 and the first slot at or past a position is found by one
  // descent of the tree: O(log b).
  const gap = new Float64Array(b);
  const tree = new Float64Array(b + 1);
  let prev = 0;
  for (let i = 0; i < b; i++) {
    const v = pos[order[i] as number] as number;
    gap[i] = v - prev;
    prev = v;
    tree[i + 1] = gap[i] as number;
  }
  for (let x = 1; x <= b; x++) {
    const up = x + (x & -x);
    if (up <= b) tree[up] = (tree[up] as number) + (tree[x] as number);
  }
  let top = 1;
  while (top * 2 <= b) top *= 2;
  const add = (i: number, d: number): void => {
    gap[i] = (gap[i] as number) + d;
    for (let x = i + 1; x <= b; x += x & -x) tree[x] = (tree[x] as number) + d;
  };
  // The first slot whose value is >= p (b when none), and that slot's value (in `found`).
  let found = 0;
  const lowerBound = (p: number): number => {
    let at = 0;
    let sum = 0;
    for (let step = top; step > 0; step >>= 1) {
      const x = at + step;
      if (x <= b && sum + (tree[x] as number) < p) {
        at = x;
        sum += tree[x] as number;
      }
    }
    found = at < b ? sum + (gap[at] as number) : sum;
    return at;
  };
  for (let e = 0; e < pending.length; e += 4) {
    const p = pending[e] as number;
    const n = pending[e + 1] as number;
    const first = lowerBound(p);
    if (first >= b) continue;
    if (n > 0) {
      const lc = pending[e + 2] as number;
      const lk = pending[e + 3] as number;
      // Boundaries at p: those anchored after the unit before the insert stay, moved to the front
      // of the group (all slots of the group hold p, so only the order changes).
      let held = first;
      if (found === p) {
        for (let i = first; i < b && (i === first || gap[i] === 0); i++) {
          const id = order[i] as number;
          if (lc === AFTER_TOMBSTONES) unsure.push(id);
          else if (tieClient[id] === lc && (lc === NO_CLIENT || tieClock[id] === lk)) {
            order[i] = order[held] as number;
            order[held] = id;
            held++;
          }
        }
      }
      if (held < b) add(held, n);
    } else {
      const end = p - n;
      let i = first;
      let v = found;
      while (i < b && v < end) {
        const next = i + 1 < b ? (gap[i + 1] as number) : 0;
        if (v > p) {
          // Inside the deleted range: to p (a point change, undone for the slot after).
          add(i, p - v);
          if (i + 1 < b) add(i + 1, v - p);
        }
        i++;
        v += next;
      }
      if (i < b) add(i, n);
    }
  }
  let sum = 0;
  for (let i = 0; i < b; i++) {
    sum += gap[i] as number;
    pos[order[i] as number] = sum;
  }
  return unsure;
}

/**
 * One boundary through the local edits `pending` (as {@link shiftBoundaries} moves each), its
 * anchor after the unit (`tieClient`, `tieClock`) or `tieClient` `NaN`: O(edits), for the
 * few boundaries a caller needs now. `NaN` when it was at the place of an insert after tombstones
 * (its position is then a guess: resolve it from its anchor).
 */
export function shiftBoundary(
  pos: number,
  tieClient: number,
  tieClock: number,
  pending: readonly number[],
): number {
  let f = pos;
  for (let e = 0; e < pending.length; e += 4) {
    const p = pending[e] as number;
    const n = pending[e + 1] as number;
    if (n > 0) {
      if (f > p) f += n;
      else if (f === p) {
        const lc = pending[e + 2] as number;
        if (lc === AFTER_TOMBSTONES) return Number.NaN;
        if (!(tieClient === lc && (lc === NO_CLIENT || tieClock === pending[e + 3]))) f += n;
      }
    } else if (f >= p - n) f += n;
    else if (f > p) f = p;
  }
  return f;
}

/**
 * Which boundaries the local edits `pending` (as {@link shiftBoundaries} applies them) bring to
 * at most `q`, read back from `q` through the edits in O(edits): `[a, b]` such that every
 * boundary at a position `<= a` before the edits is at `<= q` after them, and every one `> b`
 * before is `> q` after (whatever its anchor). Those in between (few: only where an insert meets
 * the limit) must go through {@link shiftBoundary}.
 */
export function boundsAtMost(q: number, pending: readonly number[]): [number, number] {
  let a = q;
  let b = q;
  for (let e = pending.length - 4; e >= 0; e -= 4) {
    const p = pending[e] as number;
    const n = pending[e + 1] as number;
    if (n > 0) {
      // Below p nothing moves; above, everything moves up n; at p, either.
      if (a >= p + n) a -= n;
      else if (a >= p) a = p - 1;
      if (b >= p + n) b -= n;
      else if (b >= p) b = p;
    } else {
      // Positions past p: those inside the deleted range go to p, those after it down -n.
      if (a >= p) a -= n;
      if (b >= p) b -= n;
    }
  }
  return [a, b];
}

/** Below this many boundaries and positions, {@link sortedOrder} packs (position, index) into one double. */
const PACK_INDEX = 2 ** 22;
const PACK_POS = 2 ** 30;

/**
 * The indexes of `pos` in ascending order of position, equal positions by index (as a stable
 * sort of the indexes gives). Non-negative integer positions and indexes small enough are packed
 * as `position * 2^22 + index`, exact in a double, and sorted as numbers: no comparator calls.
 */
function sortedOrder(pos: readonly number[]): Int32Array | number[] {
  const b = pos.length;
  let packable = b < PACK_INDEX;
  for (let i = 0; packable && i < b; i++) {
    const p = pos[i] as number;
    packable = p >= 0 && p < PACK_POS && Number.isInteger(p);
  }
  if (!packable) {
    const order: number[] = new Array<number>(b);
    for (let i = 0; i < b; i++) order[i] = i;
    return order.sort((x, y) => (pos[x] as number) - (pos[y] as number));
  }
  const packed = new Float64Array(b);
  for (let i = 0; i < b; i++) packed[i] = (pos[i] as number) * PACK_INDEX + i;
  packed.sort();
  const order = new Int32Array(b);
  for (let i = 0; i < b; i++) order[i] = (packed[i] as number) % PACK_INDEX;
  return order;
}
