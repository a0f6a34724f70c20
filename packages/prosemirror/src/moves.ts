/**
 * Block moves: a transaction whose changed blocks are the same blocks in a rotated order (a
 * block, or a run of blocks, dragged up or down past others) is sent as `Blocks.move` of each
 * dragged block, not as deleting and re-inserting its text, so what another user types into that
 * block meanwhile moves with it instead of being left behind or lost.
 */
import type { Node } from 'prosemirror-model';
import type { BlockMapping } from './convert.js';
import { canonical } from './flat.js';
import { type BlockRange, changedBlocks } from './local.js';

/** One `Blocks.move(from, to)`, in order. */
export type BlockMove = readonly [from: number, to: number];

/**
 * The moves that turn `oldDoc`'s blocks into `newDoc`'s when the change is exactly some whole
 * blocks taken out and put back elsewhere in the same order (the smaller group is taken as the
 * dragged one); undefined otherwise. `range`: their {@link changedBlocks}, when the caller has it.
 */
export function blockMoves(
  mapping: BlockMapping,
  oldDoc: Node,
  newDoc: Node,
  range: BlockRange | undefined = changedBlocks(mapping, oldDoc, newDoc),
): BlockMove[] | undefined {
  if (range === undefined || range.oldTo !== range.newTo) return undefined;
  const { from, oldTo: to } = range;
  const m = to - from;
  if (m < 2) return undefined;
  const key = (doc: Node, i: number): string => {
    const b = mapping.layout(doc).blocks[i];
    return b === undefined ? '' : canonical({ ...b.info, content: mapping.content(b.node) });
  };
  const before: string[] = [];
  const after: string[] = [];
  for (let i = from; i < to; i++) {
    before.push(key(oldDoc, i));
    after.push(key(newDoc, i));
  }
  for (let k = 1; k <= Math.max(1, m >> 1); k++) {
    // The first k blocks went to the end (dragged down) ...
    if (rotated(before, after, k)) return Array.from({ length: k }, () => [from, to - 1] as const);
    // ... or the last k blocks went to the start (dragged up).
    if (rotated(before, after, m - k))
      return Array.from({ length: k }, (_, i) => [from + m - k + i, from + i] as const);
  }
  return undefined;
}

/** Whether `after` is `before` with its first `k` entries moved to the end. */
function rotated(before: readonly string[], after: readonly string[], k: number): boolean {
  const m = before.length;
  for (let i = 0; i < m; i++) if (after[i] !== before[(i + k) % m]) return false;
  return true;
}
