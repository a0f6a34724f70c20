/**
 * The rich-text delta of one transaction's changes to a text, for its change event
 * (`ChangeEvent.textDelta`): retains, deletes, inserts with the attributes the new text has, and
 * retains with the attributes that changed (`null`: removed) where marks changed the formatting.
 *
 * Built at commit from the visible changes in order and the marks: a mark's coverage of a unit
 * depends only on where its anchors sit in the sequence, which inserts and deletes elsewhere do
 * not move, so the formatting a kept unit had before the transaction is the formatting under the
 * marks that existed then (the text's marks list only grows), computed on the current sequence.
 */

import type { Sequence } from '../sequence/sequence.js';
import { attributesPatch, canonicalJson } from './attribute-values.js';
import type { ChangeEvent, SequenceChange } from './container.js';
import {
  type FormatSpan,
  type MarkInterval,
  type MarkOp,
  markIntervals,
  mergeRanges,
  spansBetween,
} from './marks.js';
import type { TextDeltaOp } from './text-delta.js';

/** A run of the text as the transaction left it: kept units, deleted units, or inserted text. */
type Run = { keep: number } | { del: number } | { ins: string };

/** Width of a run in the current text. */
function width(r: Run): number {
  return 'keep' in r ? r.keep : 'ins' in r ? r.ins.length : 0;
}

/** Cut `runs` after `at` units of width (zero-width runs at the cut stay on the left). */
function cutAt(runs: readonly Run[], at: number): [Run[], Run[]] {
  const left: Run[] = [];
  const right: Run[] = [];
  let pos = 0;
  for (const r of runs) {
    const w = width(r);
    if (right.length > 0) right.push(r);
    else if (pos + w <= at) {
      left.push(r);
      pos += w;
    } else {
      const [a, b] = split(r, at - pos);
      if (a !== null) left.push(a);
      if (b !== null) right.push(b);
      pos = at;
    }
  }
  return [left, right];
}

/**
 * Compose sequential changes over a text that had `oldLength` units into runs. Runs before the
 * last change are kept apart (`done`), so changes in ascending order (typing forwards, a remote
 * update integrated in document order) cost one cut of a short tail each.
 */
function compose(oldLength: number, changes: readonly SequenceChange[]): Run[] {
  let done: Run[] = [];
  let doneWidth = 0;
  let tail: Run[] = oldLength > 0 ? [{ keep: oldLength }] : [];
  for (const ch of changes) {
    if (ch.index < doneWidth) {
      tail = done.concat(tail);
      done = [];
      doneWidth = 0;
    }
    const [left, rest] = cutAt(tail, ch.index - doneWidth);
    for (const r of left) done.push(r);
    doneWidth = ch.index;
    if (ch.insert !== undefined) {
      done.push({ ins: ch.insert as string });
      doneWidth += ch.insert.length;
      tail = rest;
      continue;
    }
    const [mid, right] = cutAt(rest, ch.delete ?? 0);
    for (const r of mid) if (!('ins' in r)) done.push('keep' in r ? { del: r.keep } : r);
    tail = right;
  }
  return done.concat(tail);
}

/** Split run `r` after `n` units of width (null for an empty side). */
function split(r: Run, n: number): [Run | null, Run | null] {
  if ('del' in r) return [r, null];
  if ('keep' in r) return [n > 0 ? { keep: n } : null, r.keep - n > 0 ? { keep: r.keep - n } : null];
  return [n > 0 ? { ins: r.ins.slice(0, n) } : null, n < r.ins.length ? { ins: r.ins.slice(n) } : null];
}

/** The spans of `spans` overlapping `from .. to - 1`, clipped. */
function clip(spans: readonly FormatSpan[], from: number, to: number): FormatSpan[] {
  const out: FormatSpan[] = [];
  for (const s of spans) {
    if (s.to <= from || s.from >= to) continue;
    out.push({ from: Math.max(from, s.from), to: Math.min(to, s.to), attributes: s.attributes });
  }
  return out;
}

/** Append `op`, joining it with the previous op of the same shape. */
function push(ops: TextDeltaOp[], op: TextDeltaOp): void {
  const last = ops[ops.length - 1];
  if (last !== undefined) {
    if ('delete' in op && 'delete' in last) {
      last.delete += op.delete;
      return;
    }
    if (
      'retain' in op &&
      'retain' in last &&
      canonicalJson(op.attributes) === canonicalJson(last.attributes)
    ) {
      last.retain += op.retain;
      return;
    }
    if (
      'insert' in op &&
      'insert' in last &&
      canonicalJson(op.attributes) === canonicalJson(last.attributes)
    ) {
      last.insert += op.insert;
      return;
    }
  }
  ops.push(op);
}

/**
 * The delta of a transaction on a text without marks, now `length` units long: the changes
 * alone decide it.
 */
export function plainEventDelta(length: number, changes: readonly SequenceChange[]): TextDeltaOp[] {
  let oldLength = length;
  for (const ch of changes) oldLength += (ch.delete ?? 0) - (ch.insert?.length ?? 0);
  const ops: TextDeltaOp[] = [];
  for (const r of compose(oldLength, changes)) {
    if ('del' in r) push(ops, { delete: r.del });
    else if ('ins' in r) push(ops, { insert: r.ins });
    else push(ops, { retain: r.keep });
  }
  const last = ops[ops.length - 1];
  if (last !== undefined && 'retain' in last) ops.pop();
  return ops;
}

/** The marks a text keeps resolved to visible positions (see `mark-index.ts`). */
export interface ResolvedMarks {
  /** Every mark covering something, in the order they were added. */
  all(): readonly MarkInterval[];
  /** Those covering some of positions `from .. to - 1`, in the same order. */
  inRange(from: number, to: number): readonly MarkInterval[];
}

/**
 * The delta of a transaction: `changes` (visible changes in order), `marks` the text's marks now,
 * `marksBefore` how many of them existed before the transaction; `resolved`, when given, the
 * marks resolved to visible positions now (else they are resolved here). When the transaction
 * added no mark, only the marks over inserted text are read (`resolved.inRange`), not all of them.
 */
export function eventDelta(
  seq: Sequence,
  marks: readonly MarkOp[] | null,
  marksBefore: number,
  changes: readonly SequenceChange[],
  ids: readonly number[],
  resolved?: ResolvedMarks,
): TextDeltaOp[] {
  let oldLength = seq.length;
  for (const ch of changes) oldLength += (ch.delete ?? 0) - (ch.insert?.length ?? 0);
  const runs = compose(oldLength, changes);
  // Marks resolved once (or given resolved: the text keeps them current); formatting is then
  // computed only where the event needs it: over inserted text, and over kept text that the
  // transaction's own marks cover.
  const fresh = new Set(marks === null ? [] : marks.slice(marksBefore));
  const narrow = fresh.size === 0 && resolved !== undefined;
  const all = marks === null || narrow ? [] : (resolved?.all() ?? markIntervals(seq, marks));
  /** The marks over positions `from .. to - 1` (a superset will do). */
  const over = (from: number, to: number): readonly MarkInterval[] =>
    narrow ? (resolved as ResolvedMarks).inRange(from, to) : all;
  const old = fresh.size === 0 ? all : all.filter((iv) => !fresh.has(iv.op));
  const touched =
    fresh.size === 0
      ? []
      : mergeRanges(all.filter((iv) => fresh.has(iv.op)).map((iv) => [iv.from, iv.to] as const));
  const ops: TextDeltaOp[] = [];
  let pos = 0;
  for (const r of runs) {
    if ('del' in r) {
      push(ops, { delete: r.del });
      continue;
    }
    const n = width(r);
    if ('ins' in r) {
      for (const sp of spansBetween(over(pos, pos + n), ids, pos, pos + n)) {
        const insert = r.ins.slice(sp.from - pos, sp.to - pos);
        push(ops, sp.attributes === null ? { insert } : { insert, attributes: { ...sp.attributes } });
      }
    } else {
      // Kept units: where the formatting changed, a retain with what changed.
      let at = pos;
      for (const [a0, b0] of touched) {
        const a = Math.max(a0, pos);
        const b = Math.min(b0, pos + n);
        if (a >= b) continue;
        if (a > at) push(ops, { retain: a - at });
        const before = spansBetween(old, ids, a, b);
        const after = spansBetween(all, ids, a, b);
        const points = new Set<number>([a, b]);
        for (const sp of [...before, ...after]) points.add(sp.from).add(sp.to);
        const sorted = [...points].sort((x, y) => x - y);
        for (let i = 0; i + 1 < sorted.length; i++) {
          const from = sorted[i] as number;
          const to = sorted[i + 1] as number;
          const p = attributesPatch(
            clip(before, from, to)[0]?.attributes ?? null,
            clip(after, from, to)[0]?.attributes ?? null,
          );
          push(ops, p === null ? { retain: to - from } : { retain: to - from, attributes: p });
        }
        at = b;
      }
      if (pos + n > at) push(ops, { retain: pos + n - at });
    }
    pos += n;
  }
  const last = ops[ops.length - 1];
  if (last !== undefined && 'retain' in last && last.attributes === undefined) ops.pop();
  return ops;
}

/**
 * Give `ev`, the event of a transaction on a text without marks (now `length` units long), its
 * `textDelta`, built from `changes` only if someone reads it.
 */
export function withLazyPlainDelta(
  ev: ChangeEvent,
  length: number,
  changes: readonly SequenceChange[],
): ChangeEvent {
  let cached: TextDeltaOp[] | undefined;
  Object.defineProperty(ev, 'textDelta', {
    enumerable: true,
    get: () => {
      cached ??= plainEventDelta(length, changes);
      return cached;
    },
  });
  return ev;
}
