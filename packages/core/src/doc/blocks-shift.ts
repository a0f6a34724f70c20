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
import { type EditMap, newPosition } from './blocks-edits.js';
import { addRuns, finishLayout, joinParts, type LaidBlock, type Layout, newBlock } from './blocks-laid.js';
import { VIRTUAL_ID } from './blocks-units.js';

/** True when ascending `arr` has a value in `[from, to)`. */
function anyIn(arr: readonly number[], from: number, to: number): boolean {
  const i = lowerBound(arr, from);
  return i < arr.length && (arr[i] as number) < to;
}

/**
 * The layout after a text change (`edits`, the edit map of a text event's delta) from the one
 * `prev` was read from, when the change leaves the structure alone; null when it does not (read
 * the layout again). `seq` is the text's sequence after the change.
 */
export function shiftLayout(prev: Layout, edits: EditMap, seq: Sequence): Layout | null {
  if (edits.structural) return null;
  const gone = edits.deleted;
  for (let k = 0; k < gone.length; k += 2) {
    const a = gone[k] as number;
    const z = gone[k + 1] as number;
    if (anyIn(prev.markers, a, z) || anyIn(prev.slots, a, z)) return null;
  }
  const textLength = seq.length;
  if (
    edits.oldCovered > prev.textLength ||
    textLength - edits.newCovered !== prev.textLength - edits.oldCovered
  )
    return null;
  /** The new index of old unit `u` (a boundary or slot: the change kept it). */
  const map = (u: number): number => newPosition(edits, u);
  const markers = prev.markers.map(map);
  const slots = prev.slots.map(map);
  const n = markers.length;
  const bySeq = prev.bySeq.map((b, i) => {
    const nb = newBlock(b.id, markers[i] as number, i, b.type, b.attrs);
    nb.slot = b.slot;
    nb.slotTie = b.slotTie;
    nb.slotPart = b.slotPart;
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
