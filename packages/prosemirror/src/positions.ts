/**
 * Positions on both sides: a flat index (Accord) and a ProseMirror position, through a layout.
 */
import type { LaidOutBlock, Layout } from './convert.js';

/** Index of the last block whose marker is at or before flat index `flat` (0 when none). */
export function blockAtFlat(layout: Layout, flat: number): number {
  let lo = 0;
  let hi = layout.blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((layout.blocks[mid] as LaidOutBlock).flatStart <= flat) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The ProseMirror position of a text position `flat` (a place between characters, flat index of
 * the unit after it): inside the block the unit before it belongs to, so a position right before
 * a marker is the end of the previous block's text. Flat 0 (before the first marker) is the start
 * of the first block.
 */
export function flatToPos(layout: Layout, flat: number): number {
  const first = layout.blocks[0];
  if (first === undefined) return 0;
  if (flat <= 0) return first.pos + 1;
  const b = layout.blocks[blockAtFlat(layout, flat - 1)] as LaidOutBlock;
  const offset = Math.min(Math.max(0, flat - b.flatStart - 1), b.node.content.size);
  return b.pos + 1 + offset;
}

/** The flat text position of ProseMirror position `pos` (outside text: the nearest block start). */
export function posToFlat(layout: Layout, pos: number): number {
  const blocks = layout.blocks;
  if (blocks.length === 0) return 0;
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((blocks[mid] as LaidOutBlock).pos < pos) lo = mid;
    else hi = mid - 1;
  }
  const b = blocks[lo] as LaidOutBlock;
  const offset = Math.min(Math.max(0, pos - b.pos - 1), b.node.content.size);
  return b.flatStart + 1 + offset;
}
