/**
 * Deltas over the flat sequence of a `Blocks` (each block is one boundary unit followed by its
 * characters, as ProseMirror counts positions): what its change events carry
 * (`event.blocksDelta`) and what `Blocks.applyFlatDelta` takes. Also the pure helpers that
 * compute a delta between two `toJSON()` states ({@link diffBlocks}) and apply one to a state
 * ({@link applyBlocksDelta}), so a binding or a test can check `apply(before, delta) = after`.
 */

import { setOwn } from '../own-keys.js';
import { attributesPatch, canonicalJson } from './attribute-values.js';
import type { Attributes, AttributesPatch, TextDeltaInsert } from './text-delta.js';

/** A block's identity, type and attributes. */
export interface BlockSpec {
  /** Stable id (`replica:clock` of its boundary). */
  id: string;
  /** Any non-empty string: `paragraph`, `heading`, `list_item`, `code_block`, `blockquote`, ... */
  type: string;
  /** JSON attributes (`{level: 2}` for a heading, `{indent: 0, kind: 'bullet'}` for a list item). */
  attrs: Record<string, unknown>;
}

/** A block with its content, as `Blocks.toJSON()` lists it. */
export interface BlockJSON extends BlockSpec {
  /** Its rich text, as `Text.toDelta()` gives it. */
  content: TextDeltaInsert[];
}

/** A block as `Blocks.blocks()` lists it: no content, but where it sits. */
export interface BlockInfo extends BlockSpec {
  /** Flat index of its boundary. */
  start: number;
  /** Number of characters (UTF-16 units) of its text. */
  length: number;
}

/** Keep `retain` units; with `attributes`, format the characters among them (`null` removes). */
export interface BlocksRetain {
  retain: number;
  attributes?: AttributesPatch;
}

/** The block boundary at this position (one unit) changed type and/or attributes. */
export interface BlocksRetainBlock {
  retain: 1;
  /** The new type, and the attributes that changed (`null`: removed). */
  block: { type?: string; attrs?: AttributesPatch };
}

/** Characters inserted with exactly `attributes` (none when absent). */
export interface BlocksInsertText {
  insert: string;
  attributes?: Attributes;
}

/** A block boundary inserted (one unit): the characters after it, up to the next one, are its. */
export interface BlocksInsertBlock {
  /** `id` is informative in events and ignored by `applyFlatDelta` (a new block gets a new id). */
  insert: { block: BlockSpec | Omit<BlockSpec, 'id'> };
}

/** `delete` units removed (boundaries and characters). */
export interface BlocksDelete {
  delete: number;
}

/** One operation of a {@link BlocksDelta}. */
export type BlocksDeltaOp =
  | BlocksRetain
  | BlocksRetainBlock
  | BlocksInsertText
  | BlocksInsertBlock
  | BlocksDelete;

/** A delta over the flat sequence, applied left to right from position 0. */
export type BlocksDelta = BlocksDeltaOp[];

/** One flat unit of a state. */
type Unit = { block: BlockSpec } | { ch: string; attrs: Attributes | null };

function flatten(state: readonly BlockJSON[]): Unit[] {
  const out: Unit[] = [];
  for (const b of state) {
    out.push({ block: { id: b.id, type: b.type, attrs: { ...b.attrs } } });
    for (const op of b.content) {
      const attrs = op.attributes === undefined ? null : { ...op.attributes };
      for (let i = 0; i < op.insert.length; i++) out.push({ ch: op.insert[i] as string, attrs });
    }
  }
  return out;
}

function patchAttrs(
  a: Record<string, unknown> | null,
  patch: AttributesPatch,
): Record<string, unknown> | null {
  const out: Record<string, unknown> = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) setOwn(out, k, v);
  }
  return Object.keys(out).length === 0 ? null : out;
}

/**
 * Apply `delta` to `state` (not changed) and return the new state. Characters before the first
 * block boundary (a delta that deletes the first boundary and keeps text after it) join a
 * paragraph with id `''`.
 * @throws {RangeError} when the delta runs past the end of the state.
 */
export function applyBlocksDelta(state: readonly BlockJSON[], delta: BlocksDelta): BlockJSON[] {
  const units = flatten(state);
  const out: Unit[] = [];
  let pos = 0;
  const take = (n: number, fn: (u: Unit) => Unit | null): void => {
    if (pos + n > units.length) throw new RangeError('delta past the end');
    for (let i = 0; i < n; i++) {
      const u = fn(units[pos + i] as Unit);
      if (u !== null) out.push(u);
    }
    pos += n;
  };
  for (const op of delta) {
    if ('delete' in op) take(op.delete, () => null);
    else if ('insert' in op) {
      if (typeof op.insert === 'string') {
        const attrs = 'attributes' in op && op.attributes !== undefined ? { ...op.attributes } : null;
        for (let i = 0; i < op.insert.length; i++) out.push({ ch: op.insert[i] as string, attrs });
      } else {
        const b = op.insert.block;
        out.push({ block: { id: 'id' in b ? b.id : '', type: b.type, attrs: { ...b.attrs } } });
      }
    } else if ('block' in op) {
      take(1, (u) => {
        if (!('block' in u)) throw new RangeError('block retain on a character');
        const type = op.block.type ?? u.block.type;
        const attrs =
          op.block.attrs === undefined ? u.block.attrs : (patchAttrs(u.block.attrs, op.block.attrs) ?? {});
        return { block: { id: u.block.id, type, attrs } };
      });
    } else {
      const patch = op.attributes;
      take(op.retain, (u) =>
        'ch' in u && patch !== undefined ? { ch: u.ch, attrs: patchAttrs(u.attrs, patch) } : u,
      );
    }
  }
  take(units.length - pos, (u) => u);
  const result: BlockJSON[] = [];
  let cur: BlockJSON | null = null;
  for (const u of out) {
    if ('block' in u) {
      cur = { ...u.block, content: [] };
      result.push(cur);
      continue;
    }
    if (cur === null) {
      cur = { id: '', type: 'paragraph', attrs: {}, content: [] };
      result.push(cur);
    }
    const last = cur.content[cur.content.length - 1];
    const canon = u.attrs === null ? '' : canonicalJson(u.attrs);
    if (last !== undefined && (last.attributes === undefined ? '' : canonicalJson(last.attributes)) === canon)
      last.insert += u.ch;
    else cur.content.push(u.attrs === null ? { insert: u.ch } : { insert: u.ch, attributes: { ...u.attrs } });
  }
  return result;
}

/** Builds a delta, merging neighbouring plain retains and dropping a trailing one. */
class DeltaBuilder {
  readonly ops: BlocksDeltaOp[] = [];
  retain(n: number, attributes?: AttributesPatch): void {
    if (n <= 0) return;
    const last = this.ops[this.ops.length - 1];
    if (
      attributes === undefined &&
      last !== undefined &&
      'retain' in last &&
      !('attributes' in last) &&
      !('block' in last)
    ) {
      last.retain += n;
      return;
    }
    this.ops.push(attributes === undefined ? { retain: n } : { retain: n, attributes });
  }
  delete(n: number): void {
    if (n <= 0) return;
    const last = this.ops[this.ops.length - 1];
    if (last !== undefined && 'delete' in last) last.delete += n;
    else this.ops.push({ delete: n });
  }
  push(op: BlocksDeltaOp): void {
    this.ops.push(op);
  }
  done(): BlocksDelta {
    const last = this.ops[this.ops.length - 1];
    if (last !== undefined && 'retain' in last && !('attributes' in last) && !('block' in last))
      this.ops.pop();
    return this.ops;
  }
}

function contentLength(c: readonly TextDeltaInsert[]): number {
  let n = 0;
  for (const op of c) n += op.insert.length;
  return n;
}

/**
 * A delta turning `before` into `after` (both `Blocks.toJSON()` states). Blocks are matched by
 * id; those kept in the same relative order (a longest increasing subsequence) are retained and
 * their texts diffed, the others deleted and inserted (a moved block shows as a delete and an
 * insert).
 */
export function diffBlocks(before: readonly BlockJSON[], after: readonly BlockJSON[]): BlocksDelta {
  const d = new DeltaBuilder();
  if (sameIds(before, after)) {
    for (let i = 0; i < before.length; i++) retainBlock(d, before[i] as BlockJSON, after[i] as BlockJSON);
    return d.done();
  }
  const afterIndex = new Map<string, number>();
  for (let i = 0; i < after.length; i++) afterIndex.set((after[i] as BlockJSON).id, i);
  const seqB: number[] = [];
  const seqA: number[] = [];
  before.forEach((b, i) => {
    const j = afterIndex.get(b.id);
    if (j !== undefined) {
      seqB.push(i);
      seqA.push(j);
    }
  });
  const keep = longestIncreasing(seqA);
  const stableB = new Set<number>();
  const stableA = new Set<number>();
  for (const k of keep) {
    stableB.add(seqB[k] as number);
    stableA.add(seqA[k] as number);
  }
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && !stableB.has(i)) {
      d.delete(1 + contentLength((before[i] as BlockJSON).content));
      i++;
    } else if (j < after.length && !stableA.has(j)) {
      const b = after[j] as BlockJSON;
      d.push({ insert: { block: { id: b.id, type: b.type, attrs: { ...b.attrs } } } });
      for (const op of b.content)
        d.push(
          op.attributes === undefined
            ? { insert: op.insert }
            : { insert: op.insert, attributes: { ...op.attributes } },
        );
      j++;
    } else {
      retainBlock(d, before[i] as BlockJSON, after[j] as BlockJSON);
      i++;
      j++;
    }
  }
  return d.done();
}

/** True when both states list the same block ids in the same order. */
function sameIds(before: readonly BlockJSON[], after: readonly BlockJSON[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++)
    if ((before[i] as BlockJSON).id !== (after[i] as BlockJSON).id) return false;
  return true;
}

/** Ops turning block `x` into `y` (the same block, kept in place): its type, attributes and text. */
function retainBlock(d: DeltaBuilder, x: BlockJSON, y: BlockJSON): void {
  const change: { type?: string; attrs?: AttributesPatch } = {};
  if (x.type !== y.type) change.type = y.type;
  const patch = attrsPatch(x.attrs, y.attrs);
  if (patch !== null) change.attrs = patch;
  if (change.type !== undefined || change.attrs !== undefined) d.push({ retain: 1, block: change });
  else d.retain(1);
  diffContent(d, x.content, y.content);
}

/**
 * The patch turning attributes `a` into `b`, or null when they are equal: {@link attributesPatch}
 * with each group's names in the attributes' own order (`Object.keys`), not sorted, the order
 * block and run patches of {@link diffBlocks} (and so `event.blocksDelta`) come in.
 */
function attrsPatch(a: Attributes | null, b: Attributes | null): AttributesPatch | null {
  return attributesPatch(a, b, Object.keys);
}

/** Per-unit attribute runs of a content between `from` and `to`: `[length, attributes]` pairs. */
function runsOf(c: readonly TextDeltaInsert[], from: number, to: number): [number, Attributes | null][] {
  const out: [number, Attributes | null][] = [];
  let pos = 0;
  for (const op of c) {
    const a = Math.max(pos, from);
    const z = Math.min(pos + op.insert.length, to);
    if (a < z) out.push([z - a, op.attributes ?? null]);
    pos += op.insert.length;
  }
  return out;
}

/** Retains over two equal-text regions, with attribute patches where the formatting differs. */
function diffRegion(
  d: DeltaBuilder,
  x: [number, Attributes | null][],
  y: [number, Attributes | null][],
): void {
  let i = 0;
  let j = 0;
  let xl = x[0]?.[0] ?? 0;
  let yl = y[0]?.[0] ?? 0;
  while (i < x.length && j < y.length) {
    const n = Math.min(xl, yl);
    const patch = attrsPatch(
      (x[i] as [number, Attributes | null])[1],
      (y[j] as [number, Attributes | null])[1],
    );
    d.retain(n, patch ?? undefined);
    xl -= n;
    yl -= n;
    if (xl === 0) xl = x[++i]?.[0] ?? 0;
    if (yl === 0) yl = y[++j]?.[0] ?? 0;
  }
}

/** Ops turning content `x` into `y`: common prefix and suffix retained, the middle replaced. */
function diffContent(d: DeltaBuilder, x: readonly TextDeltaInsert[], y: readonly TextDeltaInsert[]): void {
  if (x === y || canonicalJson(x) === canonicalJson(y)) {
    d.retain(contentLength(x));
    return;
  }
  const sx = x.map((op) => op.insert).join('');
  const sy = y.map((op) => op.insert).join('');
  let p = 0;
  const max = Math.min(sx.length, sy.length);
  while (p < max && sx.charCodeAt(p) === sy.charCodeAt(p)) p++;
  let q = 0;
  while (q < max - p && sx.charCodeAt(sx.length - 1 - q) === sy.charCodeAt(sy.length - 1 - q)) q++;
  diffRegion(d, runsOf(x, 0, p), runsOf(y, 0, p));
  d.delete(sx.length - p - q);
  let pos = 0;
  for (const op of y) {
    const a = Math.max(pos, p);
    const z = Math.min(pos + op.insert.length, sy.length - q);
    if (a < z) {
      const insert = sy.slice(a, z);
      d.push(op.attributes === undefined ? { insert } : { insert, attributes: { ...op.attributes } });
    }
    pos += op.insert.length;
  }
  diffRegion(d, runsOf(x, sx.length - q, sx.length), runsOf(y, sy.length - q, sy.length));
}

/** Indexes (into `a`) of a longest strictly increasing subsequence of `a`. */
function longestIncreasing(a: readonly number[]): number[] {
  const tails: number[] = [];
  const prev = new Int32Array(a.length).fill(-1);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((a[tails[mid] as number] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] as number;
    tails[lo] = i;
  }
  const out: number[] = [];
  for (let k = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; k >= 0; k = prev[k] as number)
    out.push(k);
  return out.reverse();
}
