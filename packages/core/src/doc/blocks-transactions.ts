/**
 * The transactions behind the edit methods of `Blocks`: the structural edits (insert, split,
 * join, move, retype and delete blocks, and delete a flat range, which joins the blocks whose
 * boundaries it deletes), each one transaction of `BlockWriter` steps over the current layout,
 * and formatting over a flat range. The `Blocks` method that calls one checks its arguments and
 * documents what it does under concurrency.
 */

import type { LaidBlock, Layout } from './blocks-laid.js';
import {
  blockIndexAt,
  runIndex,
  runsLength,
  segmentEnd,
  sortRanges,
  unitRanges,
} from './blocks-positions.js';
import { MERGE_KEY, VIRTUAL_ID } from './blocks-units.js';
import type { BlockWriter } from './blocks-write.js';
import type { Text } from './text.js';
import type { AttributesPatch, TextDeltaInsert } from './text-delta.js';

/** What the structural edits read: a `Blocks` (its text and current layout). @internal */
export interface BlocksView {
  /** The text holding the blocks. */
  readonly text: Text;
  /** The current layout of the text. */
  layout(): Layout;
}

/**
 * Index in `l` of block `id` (the implicit first paragraph's id names the block its boundary
 * gave it, once given), or -1 when it no longer shows. @internal
 */
export function blockIndexOf(l: Layout, id: string): number {
  const target = id === VIRTUAL_ID && l.blocks[0]?.id !== VIRTUAL_ID ? l.bySeq[0]?.root.id : id;
  return l.blocks.findIndex((b) => b.id === target);
}

/** `Blocks.insertBlock` after its checks: one transaction; returns the new block's id. @internal */
export function insertBlockAt(
  view: BlocksView,
  w: BlockWriter,
  blockIndex: number,
  type: string,
  attrs: Record<string, unknown>,
  content: TextDeltaInsert[],
): string {
  return view.text.doc.transact(() => {
    // Before the implicit first paragraph: it needs a boundary. After it: the new block goes
    // first of the blocks with boundaries (as after no block, which it follows there).
    if (blockIndex === 0) w.normalize();
    const l = view.layout();
    const prev = blockIndex === 0 ? undefined : (l.blocks[blockIndex - 1] as LaidBlock);
    const anchor = prev === undefined || prev.id === VIRTUAL_ID ? null : prev.id;
    // The boundary goes where it takes no one's characters: at the end of the anchor block's
    // characters in sequence order (before the next boundary), so the anchor block precedes it
    // there too and a join of the two is one deleted unit; a first block goes just before the
    // first boundary (after the slots and the implicit paragraph's characters before it).
    const first = l.bySeq[0];
    let at = l.textLength;
    if (anchor !== null) at = segmentEnd(l, prev as LaidBlock);
    else if (first !== undefined) at = first.marker;
    const id = w.insertBoundary(at);
    let pos = at + 1;
    for (const op of content) {
      if (op.insert.length === 0) continue;
      view.text.insert(pos, op.insert, op.attributes ?? {});
      pos += op.insert.length;
    }
    w.setMarks(id, type, attrs, false);
    w.place(id, anchor, l);
    return id;
  });
}

/** `Blocks.split` after its checks: one transaction; returns the new block's id. @internal */
export function splitAt(
  view: BlocksView,
  w: BlockWriter,
  flatIndex: number,
  type: string | undefined,
  attrs: Record<string, unknown> | undefined,
): string {
  return view.text.doc.transact(() => {
    // The implicit first paragraph gets a boundary only when it would be left empty.
    if (flatIndex === 1) w.normalize();
    const l = view.layout();
    const b = l.blocks[blockIndexAt(l, flatIndex - 1)] as LaidBlock;
    if (b.id === VIRTUAL_ID) {
      // The new boundary goes among the implicit paragraph's characters, and its block shows
      // first of the blocks with boundaries.
      const at = runIndex(b.own, flatIndex - 2) + 1;
      const id = w.insertBoundary(at);
      w.setMarks(id, type ?? b.type, attrs ?? b.attrs, false);
      w.place(id, null);
      return id;
    }
    // The part (own characters, or a block joined into it) where the split falls.
    let u = flatIndex - 1 - b.start;
    let xi = 0;
    for (; xi < b.parts.length - 1; xi++) {
      const len = runsLength((b.parts[xi] as LaidBlock).own);
      if (u <= len) break;
      u -= len;
    }
    const x = b.parts[xi] as LaidBlock;
    const at =
      u > 0 ? runIndex(x.own, u - 1) + 1 : x.own.length > 0 ? (x.own[0] as number) : segmentEnd(l, x);
    const later = b.parts.slice(xi + 1).map((p) => p.id);
    const id = w.insertBoundary(at);
    w.setMarks(id, type ?? b.type, attrs ?? b.attrs, false);
    w.place(id, b.id, l);
    for (const p of later) w.setRegister(p, MERGE_KEY, id);
    return id;
  });
}

/** `Blocks.join` after its checks: one transaction. @internal */
export function joinAt(view: BlocksView, w: BlockWriter, blockIndex: number): void {
  view.text.doc.transact(() => {
    const id = (view.layout().blocks[blockIndex] as LaidBlock).id;
    if (blockIndex === 1) w.normalize();
    const l = view.layout();
    const j = blockIndexOf(l, id);
    if (j > 0) w.joinInto(l.blocks[j] as LaidBlock, l.blocks[j - 1] as LaidBlock);
  });
}

/** `Blocks.move` after its checks (`fromBlock` differs from `toBlock`): one transaction. @internal */
export function moveTo(view: BlocksView, w: BlockWriter, fromBlock: number, toBlock: number): void {
  view.text.doc.transact(() => {
    let l = view.layout();
    const moved = (l.blocks[fromBlock] as LaidBlock).id;
    const to = toBlock === 0 ? null : (l.blocks.filter((x) => x.id !== moved)[toBlock - 1] as LaidBlock).id;
    // The implicit first paragraph shows before the front: it needs a boundary to be moved, to
    // be moved after, or to have a block moved before it.
    if (fromBlock <= 1 || toBlock <= 1) w.normalize();
    l = view.layout();
    const j = blockIndexOf(l, moved);
    if (j < 0) return;
    const b = l.blocks[j] as LaidBlock;
    if (b.kids.length > 0)
      w.rehome(
        b.kids.map((c) => c.id),
        j === 0 ? null : (l.blocks[j - 1] as LaidBlock).id,
      );
    const k = to === null ? -1 : blockIndexOf(view.layout(), to);
    w.place(b.id, k < 0 ? null : (view.layout().blocks[k] as LaidBlock).id);
  });
}

/** `Blocks.setBlock` after its checks: one transaction. @internal */
export function setBlockAt(
  view: BlocksView,
  w: BlockWriter,
  blockIndex: number,
  type: string | undefined,
  attrs: AttributesPatch | undefined,
): void {
  view.text.doc.transact(() => {
    const id = (view.layout().blocks[blockIndex] as LaidBlock).id;
    if (blockIndex === 0) w.normalize();
    const l = view.layout();
    const b = l.blocks[blockIndexOf(l, id)];
    if (b !== undefined) w.setMarks(b.id, type, attrs ?? {}, true);
  });
}

/** `Blocks.deleteBlocks` after its checks (`count` > 0): one transaction. @internal */
export function deleteBlocksAt(view: BlocksView, w: BlockWriter, blockIndex: number, count: number): void {
  view.text.doc.transact(() => {
    const ids = view
      .layout()
      .blocks.slice(blockIndex, blockIndex + count)
      .map((b) => b.id);
    if (blockIndex <= 1) w.normalize();
    const l = view.layout();
    const at = ids.map((id) => blockIndexOf(l, id)).filter((j) => j >= 0);
    if (at.length === 0) return;
    const first = Math.min(...at);
    const gone = at.sort((x, y) => x - y).map((j) => l.blocks[j] as LaidBlock);
    w.removeBlocks(gone, first === 0 ? null : (l.blocks[first - 1] as LaidBlock).id);
  });
}

/**
 * `Blocks.deleteRange` after its checks (`length` > 0) against `l0`, the layout they read: one
 * transaction. @internal
 */
export function deleteFlatRange(
  view: BlocksView,
  w: BlockWriter,
  l0: Layout,
  flatIndex: number,
  length: number,
): void {
  view.text.doc.transact(() => {
    // Deleting every character of the implicit first paragraph, not its place: it needs a
    // boundary to stay, empty.
    const v = l0.blocks[0] as LaidBlock;
    if (v.id === VIRTUAL_ID && flatIndex === 1 && length >= v.length) w.normalize();
    const l = view.layout();
    const end = flatIndex + length;
    const ranges: number[] = [];
    const joined: string[] = [];
    for (const b of l.blocks) {
      if (b.start >= end) break;
      const tEnd = b.start + 1 + b.length;
      if (tEnd <= flatIndex) continue;
      if (b.start >= flatIndex) joined.push(b.id);
      const from = Math.max(flatIndex, b.start + 1) - b.start - 1;
      const to = Math.min(end, tEnd) - b.start - 1;
      if (to > from) ranges.push(...unitRanges(b, from, to - from));
    }
    w.deleteUnits(sortRanges(ranges));
    for (let k = joined.length - 1; k >= 0; k--) {
      const lk = view.layout();
      const i = lk.blocks.findIndex((x) => x.id === joined[k]);
      if (i < 0) continue;
      if (i > 0) {
        if (i === 1) w.normalize();
        const ln = view.layout();
        const j = blockIndexOf(ln, joined[k] as string);
        if (j > 0) w.joinInto(ln.blocks[j] as LaidBlock, ln.blocks[j - 1] as LaidBlock);
      } else if ((lk.blocks[0] as LaidBlock).length === 0) {
        w.removeBlocks([lk.blocks[0] as LaidBlock], null);
      }
    }
  });
}

/**
 * `Blocks.format` after its checks (`length` > 0) against `l`, the layout they read: one
 * transaction of `Text.format` over the characters in the range. @internal
 */
export function formatRanges(
  view: BlocksView,
  l: Layout,
  flatIndex: number,
  length: number,
  attributes: AttributesPatch,
): void {
  const ranges: number[] = [];
  const end = flatIndex + length;
  for (const b of l.blocks) {
    if (b.start >= end) break;
    const from = Math.max(flatIndex, b.start + 1) - b.start - 1;
    const to = Math.min(end, b.start + 1 + b.length) - b.start - 1;
    if (to > from) ranges.push(...unitRanges(b, from, to - from));
  }
  view.text.doc.transact(() => {
    for (let k = 0; k < ranges.length; k += 2) {
      const a = ranges[k] as number;
      view.text.format(a, (ranges[k + 1] as number) - a, attributes);
    }
  });
}
