/**
 * Blocks as laid out (`blocks-layout.ts` computes them, `blocks-shift.ts` moves them through
 * edits): one block's boundary, type, attributes and character runs, the layout of the whole
 * text, and the builders that make and fill them.
 */

import type { Sequence } from '../sequence/sequence.js';
import { lowerBound } from '../sorted.js';
import { DEFAULT_TYPE } from './blocks-units.js';

/** One block as laid out. */
export interface LaidBlock {
  /** `replica:clock` of its boundary, or `VIRTUAL_ID` (`blocks-units.ts`). */
  id: string;
  /** Visible index of its boundary in the text; -1 for the virtual block. */
  marker: number;
  /** Position of its boundary among the boundaries in sequence order (-1 virtual). */
  seqIndex: number;
  type: string;
  attrs: Record<string, unknown>;
  /** Its characters as visible text ranges `[from, to)`, flattened, in order (merged parts included). */
  runs: number[];
  /** The characters of its own segment (without merged parts), as `runs`. */
  own: number[];
  /** Shown blocks: itself, then the blocks joined into it (merged), in order; empty for merged ones. */
  parts: LaidBlock[];
  /** The shown block holding it (itself unless merged). */
  root: LaidBlock;
  /** Number of characters. */
  length: number;
  /** Flat index of its boundary. */
  start: number;
  /**
   * Where the slot it displays at sits (doubled visible index, see `unitKey`), or -1: a sort key
   * while laying out, not kept current when a layout is shifted (`shiftLayout`).
   */
  slot: number;
  /** Order among slots at one place (deleted ones, see `unitKey`); a sort key, as `slot`. */
  slotTie: number;
  /**
   * Position among the boundaries in sequence order (`seqIndex`) of the one whose characters hold
   * the slot it displays at (-1: none, or before every boundary). Kept across `shiftLayout`.
   */
  slotPart: number;
  /** Blocks displaying as its children, in order. */
  kids: LaidBlock[];
}

/** The layout of a text as blocks. */
export interface Layout {
  /** The visible units (read on first use). */
  readonly str: string;
  /** Visible units `from .. to - 1` (read from the text unless `str` was read). */
  textOf(from: number, to: number): string;
  /** Number of visible units. */
  textLength: number;
  /** Visible index of every boundary, in sequence order (`bySeq[i].marker`), ascending. */
  markers: number[];
  /** Blocks in display order. */
  blocks: LaidBlock[];
  /** Blocks in boundary (sequence) order. */
  bySeq: LaidBlock[];
  /** Blocks displaying before every boundary's block (their slot precedes every boundary). */
  front: LaidBlock[];
  /** Flat length: one per block plus its characters. */
  length: number;
  /** Visible indexes of slots, ascending. */
  slots: number[];
}

/** Index of the last element of ascending `arr` below `x`, or -1. */
export function lastBelow(arr: readonly number[], x: number): number {
  return lowerBound(arr, x) - 1;
}

/**
 * The layout of `blocks` (display order, their runs set): flat starts computed, the visible text
 * read from `seq` on first use. @internal
 */
export function finishLayout(
  seq: Sequence,
  textLength: number,
  markers: number[],
  blocks: LaidBlock[],
  bySeq: LaidBlock[],
  front: LaidBlock[],
  slots: number[],
): Layout {
  let flat = 0;
  for (const b of blocks) {
    b.start = flat;
    flat += 1 + b.length;
  }
  let str: string | null = null;
  return {
    get str(): string {
      str ??= seq.toString();
      return str;
    },
    textOf(from: number, to: number): string {
      return str !== null ? str.slice(from, to) : (seq.slice(from, to) as string);
    },
    textLength,
    markers,
    blocks,
    bySeq,
    front,
    length: flat,
    slots,
  };
}

/** A block laid out at boundary `marker`, with no characters yet. @internal */
export function newBlock(
  id: string,
  marker: number,
  seqIndex: number,
  type: unknown,
  attrs: Record<string, unknown>,
): LaidBlock {
  const b: LaidBlock = {
    id,
    marker,
    seqIndex,
    type: typeof type === 'string' && type.length > 0 ? type : DEFAULT_TYPE,
    attrs,
    runs: [],
    own: [],
    length: 0,
    start: 0,
    slot: -1,
    slotTie: 0,
    slotPart: -1,
    kids: [],
    parts: [],
    root: null as unknown as LaidBlock,
  };
  b.own = b.runs;
  b.root = b;
  return b;
}

/** Add to `b` the characters in visible range `[from, to)` (slots skipped). @internal */
export function addRuns(b: LaidBlock, from: number, to: number, slots: readonly number[]): void {
  let a = from;
  for (let k = lastBelow(slots, from) + 1; k < slots.length && (slots[k] as number) < to; k++) {
    const s = slots[k] as number;
    if (s > a) pushRun(b, a, s);
    a = s + 1;
  }
  if (to > a) pushRun(b, a, to);
}

/** Set the runs of a shown block with merged parts: its parts' own runs, in order. @internal */
export function joinParts(root: LaidBlock): void {
  if (root.parts.length < 2) return;
  root.runs = [];
  root.length = 0;
  for (const part of root.parts)
    for (let k = 0; k < part.own.length; k += 2)
      pushRun(root, part.own[k] as number, part.own[k + 1] as number);
}

/** Add visible range `[from, to)` to `b`'s characters (joined with a touching last run). @internal */
export function pushRun(b: LaidBlock, from: number, to: number): void {
  const r = b.runs;
  if (r.length > 0 && r[r.length - 1] === from) r[r.length - 1] = to;
  else r.push(from, to);
  b.length += to - from;
}
