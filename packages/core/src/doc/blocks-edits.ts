/**
 * A text change event's delta read once for the two uses a `Blocks` has for it: carrying the
 * last layout over (`blocks-shift.ts`, old positions to new) and keeping the content of the blocks
 * the change did not meet (`blocks-reuse.ts`, new positions to old, and the places it changed).
 */

import { isBlockKey, MARKER, SLOT } from './blocks-units.js';
import type { TextDeltaOp } from './text-delta.js';

/** What a text delta did. */
export interface EditMap {
  /**
   * Changed places in positions after the change, as closed ranges `[from, to]` (flattened,
   * ascending): inserts, formats, deletes (`[p, p]`).
   */
  touched: number[];
  /**
   * Retained stretches as `[oldStart, newStart, length]` (flattened, ascending in both starts),
   * formatted ones included; the last one, after every op, has length `Infinity`.
   */
  kept: number[];
  /** Deleted ranges in positions before the change, `[from, to)` (flattened, ascending). */
  deleted: number[];
  /** True when an insert holds a boundary or slot unit, or some op's attributes name a block key. */
  structural: boolean;
  /** Units the ops covered before the change (retained and deleted) and after it (retained and inserted). */
  oldCovered: number;
  newCovered: number;
}

/** True when `attributes` set or remove a key blocks reserve. */
function touchesBlockKeys(attributes: Record<string, unknown> | undefined): boolean {
  if (attributes === undefined) return false;
  for (const k in attributes) if (isBlockKey(k)) return true;
  return false;
}

/** The edit map of `delta` (a text change event's delta). */
export function editMap(delta: readonly TextDeltaOp[]): EditMap {
  const touched: number[] = [];
  const kept: number[] = [];
  const deleted: number[] = [];
  let structural = false;
  let pos = 0;
  let old = 0;
  for (const op of delta) {
    if ('insert' in op) {
      if (op.insert.includes(MARKER) || op.insert.includes(SLOT) || touchesBlockKeys(op.attributes))
        structural = true;
      touched.push(pos, pos + op.insert.length);
      pos += op.insert.length;
    } else if ('delete' in op) {
      touched.push(pos, pos);
      deleted.push(old, old + op.delete);
      old += op.delete;
    } else {
      if (op.attributes !== undefined) {
        if (touchesBlockKeys(op.attributes)) structural = true;
        touched.push(pos, pos + op.retain);
      }
      kept.push(old, pos, op.retain);
      pos += op.retain;
      old += op.retain;
    }
  }
  kept.push(old, pos, Number.POSITIVE_INFINITY);
  return { touched, kept, deleted, structural, oldCovered: old, newCovered: pos };
}

/** The edit map of `n` characters (no boundary or slot) inserted at position `at`. */
export function insertMap(at: number, n: number): EditMap {
  return {
    touched: [at, at + n],
    kept: at > 0 ? [0, 0, at, at, at + n, Number.POSITIVE_INFINITY] : [0, n, Number.POSITIVE_INFINITY],
    deleted: [],
    structural: false,
    oldCovered: at,
    newCovered: at + n,
  };
}

/**
 * Index of the kept stretch holding position `p` (`side` 0: before the change, 1: after it), or
 * -1 when `p` is in none (inserted or deleted).
 */
function stretchOf(kept: readonly number[], side: 0 | 1, p: number): number {
  // The last stretch starting at or before `p`.
  let lo = 0;
  let hi = kept.length / 3 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((kept[3 * mid + side] as number) <= p) lo = mid;
    else hi = mid - 1;
  }
  const start = kept[3 * lo + side] as number;
  return start <= p && p < start + (kept[3 * lo + 2] as number) ? lo : -1;
}

/** Where position `p` before the change is after it, or -1 when the change removed it. */
export function newPosition(map: EditMap, p: number): number {
  const s = stretchOf(map.kept, 0, p);
  return s < 0 ? -1 : (map.kept[3 * s + 1] as number) + (p - (map.kept[3 * s] as number));
}

/** Where position `p` after the change was before it, or -1 when the change inserted it. */
export function oldPosition(map: EditMap, p: number): number {
  const s = stretchOf(map.kept, 1, p);
  return s < 0 ? -1 : (map.kept[3 * s] as number) + (p - (map.kept[3 * s + 1] as number));
}

/** True when closed range `[a, z]` (positions after the change) meets a place the change touched. */
export function meetsChange(map: EditMap, a: number, z: number): boolean {
  const touched = map.touched;
  // First touched range ending at or after `a` (ranges are ascending in both ends).
  let lo = 0;
  let hi = touched.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((touched[2 * mid + 1] as number) < a) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo < touched.length && (touched[2 * lo] as number) <= z;
}
