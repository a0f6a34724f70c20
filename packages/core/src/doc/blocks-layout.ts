/**
 * How a `Blocks` reads its text: which units are block boundaries, which block each character
 * belongs to, and in what order the blocks display. Pure functions of the text's visible units and
 * marks, so every replica holding the same updates computes the same layout.
 *
 * The text holds three kinds of units:
 * - a boundary ({@link MARKER}, U+FDD0): one per block; its id (`replica:clock`) is the block's
 *   id, and never-growing marks on it hold the block's type, attributes and move register;
 * - a slot ({@link SLOT}, U+FDD1): a place a block was moved to (or split off at); zero width;
 * - anything else: the blocks' characters.
 *
 * A block's characters are those after its boundary up to the next boundary in sequence order
 * (slots skipped). Characters before the first boundary (typed into an empty text, or left by a
 * concurrent deletion of the first block while someone typed in it) are the implicit first
 * paragraph (id {@link VIRTUAL_ID}, no unit of its own), displayed before every other block, so
 * replicas typing into an empty text at once type into one paragraph. A block whose move
 * register names a visible slot displays as a child of the block whose characters hold that slot
 * (or first of all, for a slot before every boundary); other blocks display at their boundary.
 * Children display right after their parent's characters, in the slots' sequence order, each
 * followed by its own children (pre-order). Concurrent moves can make a cycle of parents; in each
 * cycle the oldest move (hybrid logical clock, then replica id) is ignored, so the display order
 * is a tree on every replica.
 *
 * A block whose merge register names another block (a join where the block before on screen is
 * not the one before in the text) does not display: its characters (and those merged into it)
 * follow that block's, merges in the order they were written; cycles of merges drop the oldest
 * as moves do. A register (move or merge) naming a unit that is gone resolves at its tombstone:
 * a merge into the block that now holds that place, a move after it; so units that undo and redo
 * bring back as new units (just before their tombstones) keep the layout.
 */

import { setOwn } from '../own-keys.js';
import { Item } from '../sequence/item.js';
import type { Sequence } from '../sequence/sequence.js';
import {
  addRuns,
  finishLayout,
  joinParts,
  type LaidBlock,
  type Layout,
  lastBelow,
  newBlock,
} from './blocks-laid.js';
import { ATTR_PREFIX, MARKER, MERGE_KEY, MOVE_KEY, SLOT, TYPE_KEY, VIRTUAL_ID } from './blocks-units.js';
import type { FormatSpan } from './marks.js';
import type { Attributes } from './text-delta.js';

/** No parent: the block displays at its boundary. */
const TOP = -1;
/** Parent "the front": the block displays before every boundary's block. */
const FRONT = -2;

interface Move {
  slot: string;
  wall: number;
  logical: number;
}

/** The move register value, when well formed. */
function readMove(v: unknown): Move | null {
  if (!Array.isArray(v) || v.length !== 3) return null;
  const [slot, wall, logical] = v as unknown[];
  if (typeof slot !== 'string' || typeof wall !== 'number' || typeof logical !== 'number') return null;
  return { slot, wall, logical };
}

/** True when move `a` is older than move `b` (timestamp, then the slot's replica and clock). */
function older(a: Move, b: Move): boolean {
  if (a.wall !== b.wall) return a.wall < b.wall;
  if (a.logical !== b.logical) return a.logical < b.logical;
  return a.slot < b.slot;
}

/**
 * The attributes of a boundary (only its block keys are read): unit `(client, clock)` at visible
 * index `at`; null when it has none.
 */
export type BoundaryAttributes = (client: number, clock: number, at: number) => Attributes | null;

/** {@link BoundaryAttributes} read from the text's formatting `spans`. */
export function attributesFromSpans(spans: readonly FormatSpan[]): BoundaryAttributes {
  return (_client, _clock, at) => attrsAt(spans, at);
}

/** The attributes of visible unit `i` under `spans` (null: none). */
function attrsAt(spans: readonly FormatSpan[], i: number): Attributes | null {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid] as FormatSpan).to > i) hi = mid;
    else lo = mid + 1;
  }
  return spans[lo]?.attributes ?? null;
}

/**
 * The layout of `seq` (a text's sequence) whose boundaries have `attributes`; `ids` maps client
 * indexes to replica ids.
 */
export function computeLayout(seq: Sequence, attributes: BoundaryAttributes, ids: readonly number[]): Layout {
  const textLength = seq.length;
  const bySeq: LaidBlock[] = [];
  const slots: number[] = [];
  const moves: (Move | null)[] = [];
  const merges: (Move | null)[] = [];
  /** Visible slots by id (`replica:clock`): most moves name one, found without a lookup. */
  const slotAt = new Map<string, number>();
  /** Replica ids as text, converted once (ids are `replica:clock`). */
  const idText = ids.map(String);
  let pos = 0;
  for (const leaf of seq.index.leaves) {
    for (const it of leaf.items) {
      if (it.deleted) continue;
      const c = it.content as string;
      for (let k = c.indexOf(MARKER); k >= 0; k = c.indexOf(MARKER, k + 1)) {
        const at = pos + k;
        const a = attributes(it.client, it.clock + k, at);
        const t = a?.[TYPE_KEY];
        const attrs: Record<string, unknown> = {};
        if (a !== null)
          for (const key of Object.keys(a).sort())
            if (key[0] === ATTR_PREFIX) setOwn(attrs, key.slice(1), a[key]);
        moves.push(readMove(a?.[MOVE_KEY]));
        merges.push(readMove(a?.[MERGE_KEY]));
        bySeq.push(newBlock(`${idText[it.client]}:${it.clock + k}`, at, bySeq.length, t, attrs));
      }
      for (let k = c.indexOf(SLOT); k >= 0; k = c.indexOf(SLOT, k + 1)) {
        slots.push(pos + k);
        slotAt.set(`${idText[it.client]}:${it.clock + k}`, pos + k);
      }
      pos += c.length;
    }
  }
  slots.sort((a, b) => a - b);
  const n = bySeq.length;
  const markerPos = bySeq.map((b) => b.marker);
  for (let i = 0; i < n; i++) {
    const b = bySeq[i] as LaidBlock;
    addRuns(b, b.marker + 1, i + 1 < n ? (markerPos[i + 1] as number) : textLength, slots);
  }
  /** Blocks by id, made only when some block was joined into another. */
  let seqOf: Map<string, number> | null = null;
  const clientOf = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) clientOf.set(ids[i] as number, i);
  const markerKeys = markerPos.map((p) => 2 * p);
  // Merges: a block joined into another (not in place) shows its characters at the end of it. A
  // target boundary that is gone stands for the block now holding its place (the one undo brought
  // back just before it, or the one its characters joined).
  const into = new Int32Array(n).fill(TOP);
  for (let i = 0; i < n; i++) {
    const m = merges[i];
    if (m === null || m === undefined) continue;
    if (seqOf === null) {
      seqOf = new Map();
      for (let j = 0; j < n; j++) seqOf.set((bySeq[j] as LaidBlock).id, j);
    }
    let t = seqOf.get(m.slot);
    if (t === undefined) {
      const key = unitKey(seq, clientOf, m.slot);
      if (key >= 0) t = lastBelow(markerKeys, key + 1);
    }
    if (t !== undefined && t >= 0 && t !== i) into[i] = t;
  }
  breakCycles(into, merges);
  const mergedKids: number[][] = bySeq.map(() => []);
  for (let i = 0; i < n; i++)
    if ((into[i] as number) >= 0) (mergedKids[into[i] as number] as number[]).push(i);
  for (const list of mergedKids)
    if (list.length > 1) list.sort((x, y) => (older(merges[x] as Move, merges[y] as Move) ? -1 : 1));
  const rootOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if ((into[i] as number) !== TOP) continue;
    const root = bySeq[i] as LaidBlock;
    const stack = [i];
    while (stack.length > 0) {
      const j = stack.pop() as number;
      rootOf[j] = i;
      const part = bySeq[j] as LaidBlock;
      part.root = root;
      root.parts.push(part);
      const kids = mergedKids[j] as number[];
      for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k] as number);
    }
    joinParts(root);
  }
  // Moves, between blocks shown (roots).
  const parent = new Int32Array(n).fill(TOP);
  for (let i = 0; i < n; i++) {
    const m = moves[i];
    if ((into[i] as number) !== TOP || m === null || m === undefined) continue;
    const out = { tie: 0 };
    const visible = slotAt.get(m.slot);
    const s = visible === undefined ? unitKey(seq, clientOf, m.slot, out) : 2 * visible;
    if (s < 0) continue;
    (bySeq[i] as LaidBlock).slot = s;
    (bySeq[i] as LaidBlock).slotTie = out.tie;
    const owner = lastBelow(markerKeys, s);
    (bySeq[i] as LaidBlock).slotPart = owner;
    parent[i] = owner < 0 ? FRONT : (rootOf[owner] as number);
  }
  breakCycles(parent, moves);
  const front: LaidBlock[] = [];
  const top: LaidBlock[] = [];
  for (let i = 0; i < n; i++) {
    if ((into[i] as number) !== TOP) continue;
    const p = parent[i] as number;
    const b = bySeq[i] as LaidBlock;
    if (p === TOP) {
      b.slot = -1;
      top.push(b);
    } else (p === FRONT ? front : (bySeq[p] as LaidBlock).kids).push(b);
  }
  const bySlot = (a: LaidBlock, b: LaidBlock): number =>
    a.slot - b.slot || a.slotTie - b.slotTie || a.seqIndex - b.seqIndex;
  front.sort(bySlot);
  for (const b of bySeq) if (b.kids.length > 1) b.kids.sort(bySlot);
  const blocks: LaidBlock[] = [];
  // Characters before the first boundary (or with no boundary at all) are the implicit first
  // paragraph: no unit to create, so replicas typing into an empty text concurrently type into
  // one paragraph, and text typed into a first block deleted concurrently stays a paragraph.
  const v = newBlock(VIRTUAL_ID, -1, -1, undefined, {});
  addRuns(v, 0, n === 0 ? textLength : (markerPos[0] as number), slots);
  if (v.length > 0) blocks.push(v);
  if (n > 0) {
    const stack: LaidBlock[] = [];
    for (let k = top.length - 1; k >= 0; k--) stack.push(top[k] as LaidBlock);
    for (let k = front.length - 1; k >= 0; k--) stack.push(front[k] as LaidBlock);
    while (stack.length > 0) {
      const b = stack.pop() as LaidBlock;
      blocks.push(b);
      for (let k = b.kids.length - 1; k >= 0; k--) stack.push(b.kids[k] as LaidBlock);
    }
  }
  return finishLayout(seq, textLength, markerPos, blocks, bySeq, front, slots);
}

/**
 * Where unit `id` (`replica:clock`) of `seq` sits, doubled: `2 * index` for a visible unit, `2 *
 * index - 1` for a deleted one (between the visible units around its tombstone), so a slot that
 * undo or redo brought back as a new unit just before its tombstone still places its block; -1
 * when `id` names no unit of `seq`. `out.tie` orders tombstones at one place (0 for a visible unit).
 */
function unitKey(seq: Sequence, clientOf: ReadonlyMap<number, number>, id: string, out = { tie: 0 }): number {
  out.tie = 0;
  const m = /^(\d{1,16}):(\d{1,16})$/.exec(id);
  if (m === null) return -1;
  const client = clientOf.get(Number(m[1]));
  if (client === undefined) return -1;
  const clock = Number(m[2]);
  const s = seq.env.store.find(client, clock);
  if (!(s instanceof Item) || s.leaf === null || s.leaf.owner !== seq) return -1;
  const base = seq.index.visibleIndexOf(s);
  if (!s.deleted) return 2 * (base + clock - s.clock);
  // Tombstones at one place order as in the sequence.
  out.tie = seq.index.orderKey(s) * 2 ** 20 + (clock - s.clock);
  return 2 * base - 1;
}

/**
 * Make the parent relation a forest: in every cycle, the member whose move is oldest displays at
 * its boundary instead.
 */
function breakCycles(parent: Int32Array, moves: readonly (Move | null)[]): void {
  const n = parent.length;
  const state = new Uint8Array(n);
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    if (state[i] !== 0) continue;
    path.length = 0;
    let j = i;
    while (j >= 0 && state[j] === 0) {
      state[j] = 1;
      path.push(j);
      j = parent[j] as number;
    }
    if (j >= 0 && state[j] === 1) {
      let oldest = j;
      for (let k = path.indexOf(j); k < path.length; k++) {
        const c = path[k] as number;
        if (older(moves[c] as Move, moves[oldest] as Move)) oldest = c;
      }
      parent[oldest] = TOP;
    }
    for (const c of path) state[c] = 2;
  }
}
