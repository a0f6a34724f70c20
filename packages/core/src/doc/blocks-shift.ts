/**
 * A layout carried across a text change that leaves the blocks' structure alone: characters typed,
 * deleted or formatted, but no boundary or slot inserted or deleted and no block register, type or
 * attribute changed. Such a change moves positions only: which blocks exist, their types, merges,
 * moves and display order all follow from the boundaries, slots and their marks (and the order of
 * units in the sequence, which typing does not change), so the new layout is the old one with its
 * positions mapped through the change: O(blocks) instead of re-reading the whole text and every
 * mark.
 */

import type { Sequence } from '../sequence/sequence.js';
import { lowerBound } from '../sorted.js';
import {
  addRuns,
  finishLayout,
  isBlockKey,
  joinParts,
  type LaidBlock,
  type Layout,
  MARKER,
  newBlock,
  SLOT,
  VIRTUAL_ID,
} from './blocks-layout.js';
import type { TextDeltaOp } from './text-delta.js';

/** True when `attributes` set or remove a key blocks reserve. */
function touchesBlockKeys(attributes: Record<string, unknown> | undefined): boolean {
  if (attributes === undefined) return false;
  for (const k in attributes) if (isBlockKey(k)) return true;
  return false;
}

/** True when ascending `arr` has a value in `[from, to)`. */
function anyIn(arr: readonly number[], from: number, to: number): boolean {
  const i = lowerBound(arr, from);
  return i < arr.length && (arr[i] as number) < to;
}

/**
 * The layout after a text change `delta` (a text event's delta) from the one `prev` was read from,
 * when the change leaves the structure alone; null when it does not (read the layout again).
 * `seq` is the text's sequence after the change.
 */
export function shiftLayout(prev: Layout, delta: readonly TextDeltaOp[], seq: Sequence): Layout | null {
  // Kept stretches of old units as [oldStart, oldEnd, newStart], ascending.
  const kept: number[] = [];
  let pos = 0;
  let old = 0;
  for (const op of delta) {
    if ('insert' in op) {
      if (op.insert.includes(MARKER) || op.insert.includes(SLOT)) return null;
      if (touchesBlockKeys(op.attributes)) return null;
      pos += op.insert.length;
    } else if ('delete' in op) {
      const end = old + op.delete;
      if (anyIn(prev.markers, old, end) || anyIn(prev.slots, old, end)) return null;
      old = end;
    } else {
      if (touchesBlockKeys(op.attributes)) return null;
      kept.push(old, old + op.retain, pos);
      old += op.retain;
      pos += op.retain;
    }
  }
  const textLength = seq.length;
  if (old > prev.textLength || textLength - pos !== prev.textLength - old) return null;
  kept.push(old, prev.textLength, pos);
  /** The new index of old unit `u` (a unit the change kept). */
  const map = (u: number): number => {
    let lo = 0;
    let hi = kept.length / 3 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((kept[3 * mid] as number) <= u) lo = mid;
      else hi = mid - 1;
    }
    return (kept[3 * lo + 2] as number) + (u - (kept[3 * lo] as number));
  };
  const markers = prev.markers.map(map);
  const slots = prev.slots.map(map);
  const n = markers.length;
  const bySeq = prev.bySeq.map((b, i) => {
    const nb = newBlock(b.id, markers[i] as number, i, b.type, b.attrs);
    nb.slot = b.slot;
    nb.slotTie = b.slotTie;
    addRuns(nb, (markers[i] as number) + 1, i + 1 < n ? (markers[i + 1] as number) : textLength, slots);
    return nb;
  });
  const now = (b: LaidBlock): LaidBlock => bySeq[b.seqIndex] as LaidBlock;
  for (const b of prev.bySeq) {
    const nb = now(b);
    nb.root = now(b.root);
    nb.parts = b.parts.map(now);
    nb.kids = b.kids.map(now);
  }
  for (const b of bySeq) joinParts(b);
  // The implicit first paragraph shows when it has characters: a change that makes it appear or
  // disappear changes the blocks.
  const v = newBlock(VIRTUAL_ID, -1, -1, undefined, {});
  addRuns(v, 0, n === 0 ? textLength : (markers[0] as number), slots);
  const hadVirtual = prev.blocks[0]?.id === VIRTUAL_ID;
  if (hadVirtual !== v.length > 0) return null;
  const blocks = prev.blocks.map((b) => (b.id === VIRTUAL_ID ? v : now(b)));
  return finishLayout(seq, textLength, markers, blocks, bySeq, prev.front.map(now), slots);
}
