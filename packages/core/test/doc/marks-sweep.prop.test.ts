/**
 * The formatting sweep (`spansBetween`) gives exactly what the first, straightforward sweep gave
 * (kept here as the reference): same spans, same boundaries, same attribute values (for runs
 * joined across marks with equal but differently written values, the first segment's), on random
 * marks of a few keys with values and removals, over random ranges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Container } from '../../src/doc/container.js';
import { type FormatSpan, type MarkInterval, MarkOp, markWins, spansBetween } from '../../src/doc/marks.js';
import type { Attributes } from '../../src/doc/text-delta.js';

/** The sweep as first written: re-sorts all active marks and compares signature strings. */
function reference(
  all: readonly MarkInterval[],
  ids: readonly number[],
  from: number,
  to: number,
): FormatSpan[] {
  if (from >= to) return [];
  const intervals = all.filter((iv) => iv.from < to && iv.to > from);
  if (intervals.length === 0) return [{ from, to, attributes: null }];
  const wins = (a: MarkInterval, b: MarkInterval): number => (markWins(a.op, b.op, ids) ? -1 : 1);
  const starts = intervals.slice().sort((a, b) => a.from - b.from);
  const points = new Set<number>([from, to]);
  for (const iv of intervals) {
    if (iv.from > from) points.add(iv.from);
    if (iv.to < to) points.add(iv.to);
  }
  const sorted = [...points].sort((a, b) => a - b);
  let active: MarkInterval[] = [];
  let next = 0;
  const out: FormatSpan[] = [];
  let prevSig = '';
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i] as number;
    const b = sorted[i + 1] as number;
    if (active.some((iv) => iv.to <= a)) active = active.filter((iv) => iv.to > a);
    let added = false;
    while (next < starts.length && (starts[next] as MarkInterval).from <= a) {
      active.push(starts[next] as MarkInterval);
      next++;
      added = true;
    }
    if (added) active.sort(wins);
    const winners = new Map<string, MarkOp>();
    for (const iv of active) if (!winners.has(iv.op.key)) winners.set(iv.op.key, iv.op);
    const keys = [...winners.keys()].filter((k) => (winners.get(k) as MarkOp).value !== null).sort();
    const sig = keys.map((k) => (winners.get(k) as MarkOp).keyValue).join(',');
    const last = out[out.length - 1];
    if (last !== undefined && sig === prevSig) {
      last.to = b;
      continue;
    }
    let attributes: Attributes | null = null;
    if (keys.length > 0) {
      attributes = {};
      for (const k of keys) attributes[k] = (winners.get(k) as MarkOp).value;
    }
    out.push({ from: a, to: b, attributes });
    prevSig = sig;
  }
  return out;
}

const KEYS = ['bold', 'italic', 'link', 'comment:1', 'b'];
/** Values, with two equal objects written in different key orders. */
const VALUES: unknown[] = [true, null, 'a', { x: 1, y: 2 }, { y: 2, x: 1 }, [1, ','], 0];
const parent = {} as Container;

const markArb = fc.record({
  from: fc.nat(30),
  len: fc.integer({ min: 1, max: 12 }),
  key: fc.nat(KEYS.length - 1),
  value: fc.nat(VALUES.length - 1),
  client: fc.nat(2),
  wall: fc.nat(5),
  logical: fc.nat(2),
});

describe('formatting sweep (property)', () => {
  it('equals the reference sweep', () => {
    fc.assert(
      fc.property(fc.array(markArb, { maxLength: 30 }), fc.nat(35), fc.nat(45), (marks, x, y) => {
        const ids = [30, 10, 20];
        const intervals: MarkInterval[] = marks.map((m, i) => ({
          from: m.from,
          to: m.from + m.len,
          op: new MarkOp(
            m.client,
            i,
            parent,
            0,
            0,
            false,
            0,
            0,
            false,
            KEYS[m.key] as string,
            VALUES[m.value],
            m.wall,
            m.logical,
          ),
        }));
        const from = Math.min(x, y);
        const to = Math.max(x, y);
        const got = spansBetween(intervals, ids, from, to);
        const want = reference(intervals, ids, from, to);
        expect(got.map((s) => [s.from, s.to])).toEqual(want.map((s) => [s.from, s.to]));
        // Identical values, not only equal ones (the same mark's value is picked).
        for (let i = 0; i < want.length; i++) {
          const w = (want[i] as FormatSpan).attributes;
          const g = (got[i] as FormatSpan).attributes;
          expect(g === null ? null : Object.keys(g)).toEqual(w === null ? null : Object.keys(w));
          for (const k of Object.keys(w ?? {})) expect((g as Attributes)[k]).toBe((w as Attributes)[k]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
