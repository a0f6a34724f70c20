/**
 * The blocks' state after a text change, recomputing only the blocks the change can have touched.
 * A `Blocks` keeps its last `toJSON()` state to diff against on every text event; rebuilding every
 * block's content per keystroke costs the whole document (tens of milliseconds at 100,000
 * characters). The text event's delta says which text positions changed: a block none of whose
 * character runs meets a changed position, and whose runs are the same text units as before (the
 * same ranges once mapped back through the delta), has the same content, so its previous content
 * array is reused as is (and `diffBlocks` then skips it by identity).
 */

import type { BlockJSON } from './blocks-delta.js';
import { type EditMap, meetsChange, oldPosition } from './blocks-edits.js';
import type { LaidBlock, Layout } from './blocks-laid.js';
import { blockContent } from './blocks-positions.js';
import type { FormatSpan } from './marks.js';

/** True when `b`'s runs are `before`'s, untouched by the change and only shifted. */
function sameUnits(map: EditMap, b: LaidBlock, before: LaidBlock): boolean {
  const r = b.runs;
  const q = before.runs;
  if (r.length !== q.length) return false;
  for (let k = 0; k < r.length; k += 2) {
    const a = r[k] as number;
    const z = r[k + 1] as number;
    if (z - a !== (q[k + 1] as number) - (q[k] as number)) return false;
    if (meetsChange(map, a, z)) return false;
    if (oldPosition(map, a) !== q[k]) return false;
  }
  return true;
}

/** Block `b`'s content, reading the formatting of the range its characters span only. */
function readBlock(
  layout: Layout,
  spansIn: (from: number, to: number) => readonly FormatSpan[],
  b: LaidBlock,
): BlockJSON['content'] {
  const r = b.runs;
  if (r.length === 0) return [];
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (let k = 0; k < r.length; k += 2) {
    from = Math.min(from, r[k] as number);
    to = Math.max(to, r[k + 1] as number);
  }
  return blockContent(layout, spansIn(from, to), b);
}

/**
 * The `toJSON()` state of `layout`, given the state `prev` of `prevLayout` (block for block) and
 * the edit map of the text change between the two: unchanged blocks keep their content arrays; the others are read
 * with the formatting of the range their characters span (`spansIn`).
 */
export function nextState(
  prevLayout: Layout,
  prev: readonly BlockJSON[],
  layout: Layout,
  spansIn: (from: number, to: number) => readonly FormatSpan[],
  map: EditMap,
): BlockJSON[] {
  const prevIndex = new Map<string, number>();
  for (let i = 0; i < prevLayout.blocks.length; i++) prevIndex.set((prevLayout.blocks[i] as LaidBlock).id, i);
  return layout.blocks.map((b) => {
    const i = prevIndex.get(b.id);
    const before = i === undefined ? undefined : prevLayout.blocks[i];
    const content =
      before !== undefined && sameUnits(map, b, before)
        ? (prev[i as number] as BlockJSON).content
        : readBlock(layout, spansIn, b);
    return { id: b.id, type: b.type, attrs: { ...b.attrs }, content };
  });
}
