/**
 * Positions and contents in a blocks layout: where a block's `t`-th character sits in the text,
 * which text ranges a span of characters covers, where typed text goes, and a block's characters
 * as a delta.
 */

import { setOwn } from '../own-keys.js';
import { canonicalJson } from './attribute-values.js';
import type { LaidBlock, Layout } from './blocks-laid.js';
import { isBlockKey } from './blocks-units.js';
import type { FormatSpan } from './marks.js';
import type { Attributes, TextDeltaInsert } from './text-delta.js';

/** Visible index of the `t`-th character of `b` (0 <= t < length). */
export function unitIndex(b: LaidBlock, t: number): number {
  return runIndex(b.runs, t);
}

/** Number of characters in runs `r`. */
export function runsLength(r: readonly number[]): number {
  let n = 0;
  for (let k = 0; k < r.length; k += 2) n += (r[k + 1] as number) - (r[k] as number);
  return n;
}

/** Visible index of the `t`-th character of runs `r`. */
export function runIndex(r: readonly number[], t: number): number {
  for (let k = 0; k < r.length; k += 2) {
    const len = (r[k + 1] as number) - (r[k] as number);
    if (t < len) return (r[k] as number) + t;
    t -= len;
  }
  throw new RangeError('offset past the block');
}

/**
 * The visible ranges `[from, to)` (flattened) of characters `t .. t + len - 1` of `b`.
 */
export function unitRanges(b: LaidBlock, t: number, len: number): number[] {
  const out: number[] = [];
  const r = b.runs;
  for (let k = 0; k < r.length && len > 0; k += 2) {
    const a = r[k] as number;
    const runLen = (r[k + 1] as number) - a;
    if (t >= runLen) {
      t -= runLen;
      continue;
    }
    const take = Math.min(runLen - t, len);
    out.push(a + t, a + t + take);
    len -= take;
    t = 0;
  }
  return out;
}

/** The characters of `b` as a delta (block keys dropped, neighbours with equal attributes merged). */
export function blockContent(layout: Layout, spans: readonly FormatSpan[], b: LaidBlock): TextDeltaInsert[] {
  const out: TextDeltaInsert[] = [];
  let lastCanon = '';
  const r = b.runs;
  for (let k = 0; k < r.length; k += 2) {
    const from = r[k] as number;
    const to = r[k + 1] as number;
    let lo = 0;
    let hi = spans.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((spans[mid] as FormatSpan).to > from) hi = mid;
      else lo = mid + 1;
    }
    for (let s = lo; s < spans.length; s++) {
      const span = spans[s] as FormatSpan;
      if (span.from >= to) break;
      const a = Math.max(from, span.from);
      const z = Math.min(to, span.to);
      if (a >= z) continue;
      const attrs = inlineAttrs(span.attributes);
      const canon = attrs === null ? '' : canonicalJson(attrs);
      const insert = layout.textOf(a, z);
      const last = out[out.length - 1];
      if (last !== undefined && canon === lastCanon) last.insert += insert;
      else out.push(attrs === null ? { insert } : { insert, attributes: attrs });
      lastCanon = canon;
    }
  }
  return out;
}

/** Attributes without block keys; null when none are left. */
function inlineAttrs(a: Attributes | null): Attributes | null {
  if (a === null) return null;
  let out: Attributes | null = null;
  for (const k of Object.keys(a)) {
    if (isBlockKey(k)) continue;
    out ??= {};
    setOwn(out, k, a[k]);
  }
  return out;
}

/** Ranges `[from, to)` (flattened) sorted and with touching ones merged. */
export function sortRanges(r: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < r.length; k += 2) pairs.push([r[k] as number, r[k + 1] as number]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    if (out.length > 0 && out[out.length - 1] === a) out[out.length - 1] = b;
    else out.push(a, b);
  }
  return out;
}

/** Units `from .. to - 1` of a content delta. */
export function sliceDelta(c: readonly TextDeltaInsert[], from: number, to: number): TextDeltaInsert[] {
  const out: TextDeltaInsert[] = [];
  let pos = 0;
  for (const op of c) {
    const a = Math.max(pos, from);
    const z = Math.min(pos + op.insert.length, to);
    if (a < z) {
      const insert = op.insert.slice(a - pos, z - pos);
      out.push(op.attributes === undefined ? { insert } : { insert, attributes: op.attributes });
    }
    pos += op.insert.length;
  }
  return out;
}

/** Index of the block holding flat unit `f` (0 <= f < length). */
export function blockIndexAt(l: Layout, f: number): number {
  let lo = 0;
  let hi = l.blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((l.blocks[mid] as LaidBlock).start <= f) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Visible index just after the last unit of `b`'s segment (before the next boundary). */
export function segmentEnd(l: Layout, b: LaidBlock): number {
  return l.bySeq[b.seqIndex + 1]?.marker ?? l.textLength;
}

/** The visible index where text typed at character offset `t` of `b` goes. */
export function textPoint(l: Layout, b: LaidBlock, t: number): number {
  if (t > 0) return unitIndex(b, t - 1) + 1;
  if (b.runs.length > 0) return b.runs[0] as number;
  return segmentEnd(l, b);
}

/**
 * The flat position of text position `i` (0 <= i <= text length): the place between characters
 * that text position is at. A position inside or at the end of a run of a block's characters maps
 * there; a position at a boundary or slot maps to the start of the characters that follow it (of
 * the block whose boundary it is, or the next run in the text); past every character, to the end
 * of the document.
 */
export function flatOfTextIndex(l: Layout, i: number): number {
  // Entries: [text position, flat position, length, 1 when every position in it maps to the
  // flat position (the units after a boundary, before its first character)], by text position.
  const entries: [number, number, number, number][] = [];
  for (const b of l.blocks) {
    let offset = b.start + 1;
    for (const part of b.parts.length > 0 ? b.parts : [b]) {
      const r = part.own;
      if (part.marker >= 0) {
        let first = segmentEnd(l, part);
        for (let k = 0; k < r.length; k += 2)
          if ((r[k] as number) > part.marker) {
            first = r[k] as number;
            break;
          }
        entries.push([part.marker + 1, offset, first - part.marker - 1, 1]);
      }
      for (let k = 0; k < r.length; k += 2) {
        const len = (r[k + 1] as number) - (r[k] as number);
        entries.push([r[k] as number, offset, len, 0]);
        offset += len;
      }
    }
  }
  entries.sort((x, y) => x[0] - y[0]);
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((entries[mid] as [number, number, number, number])[0] <= i) lo = mid + 1;
    else hi = mid;
  }
  const before = entries[lo - 1];
  if (before !== undefined && i <= before[0] + before[2])
    return before[3] === 1 ? before[1] : before[1] + (i - before[0]);
  const after = entries[lo];
  return after === undefined ? l.length : after[1];
}
