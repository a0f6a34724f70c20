/**
 * The batched boundary shift (`boundary-shift.ts`, a sorted list and a Fenwick tree of offsets)
 * gives every boundary the position, and reports the same unsure boundaries, as moving each
 * boundary through each edit in turn (the loop `Text.intervals` ran before).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AFTER_TOMBSTONES,
  boundsAtMost,
  shiftBoundaries,
  shiftBoundary,
} from '../../src/doc/boundary-shift.js';
import { NO_CLIENT } from '../../src/sequence/item.js';

/** Each boundary through each edit, one at a time. */
function bruteForce(
  pos: readonly number[],
  tieClient: readonly number[],
  tieClock: readonly number[],
  pending: readonly number[],
): { pos: number[]; unsure: number[] } {
  const out = [...pos];
  const unsure = new Set<number>();
  for (let i = 0; i < out.length; i++) {
    let f = out[i] as number;
    for (let e = 0; e < pending.length; e += 4) {
      const p = pending[e] as number;
      const n = pending[e + 1] as number;
      if (n > 0) {
        const lc = pending[e + 2] as number;
        if (f > p) f += n;
        else if (f === p) {
          if (lc === AFTER_TOMBSTONES) {
            unsure.add(i);
            f += n;
          } else if (!(tieClient[i] === lc && (lc === NO_CLIENT || tieClock[i] === pending[e + 3]))) f += n;
        }
      } else {
        const end = p - n;
        if (f >= end) f += n;
        else if (f > p) f = p;
      }
    }
    out[i] = f;
  }
  return { pos: out, unsure: [...unsure].sort((a, b) => a - b) };
}

// Few positions and few units, so boundaries often share a place and edits often hit them.
const boundary = fc.record({
  pos: fc.nat(12),
  client: fc.oneof(fc.constant(Number.NaN), fc.constant(NO_CLIENT), fc.nat(2)),
  clock: fc.nat(3),
});
const edit = fc.record({
  p: fc.nat(14),
  n: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -4, max: -1 })),
  lc: fc.oneof(fc.constant(NO_CLIENT), fc.constant(AFTER_TOMBSTONES), fc.nat(2)),
  lk: fc.nat(3),
});

describe('shiftBoundaries (property)', () => {
  it('equals moving each boundary through each edit', () => {
    fc.assert(
      fc.property(fc.array(boundary, { maxLength: 30 }), fc.array(edit, { maxLength: 30 }), (bs, edits) => {
        const pos = bs.map((b) => b.pos);
        const tieClient = bs.map((b) => b.client);
        const tieClock = bs.map((b) => b.clock);
        const pending = edits.flatMap((e) => [e.p, e.n, e.lc, e.lk]);
        const want = bruteForce(pos, tieClient, tieClock, pending);
        const unsure = shiftBoundaries(pos, tieClient, tieClock, pending);
        expect(pos).toEqual(want.pos);
        expect([...new Set(unsure)].sort((a, b) => a - b)).toEqual(want.unsure);
      }),
      { numRuns: 2000 },
    );
  });

  it('shiftBoundary moves one boundary as the batch does (NaN where the batch is unsure)', () => {
    fc.assert(
      fc.property(fc.array(boundary, { maxLength: 10 }), fc.array(edit, { maxLength: 30 }), (bs, edits) => {
        const pos = bs.map((b) => b.pos);
        const tieClient = bs.map((b) => b.client);
        const tieClock = bs.map((b) => b.clock);
        const pending = edits.flatMap((e) => [e.p, e.n, e.lc, e.lk]);
        const want = bruteForce(pos, tieClient, tieClock, pending);
        bs.forEach((b, i) => {
          const got = shiftBoundary(b.pos, b.client, b.clock, pending);
          if (want.unsure.includes(i)) expect(got).toBeNaN();
          else expect(got).toBe(want.pos[i]);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('boundsAtMost splits boundaries into those surely at most q after the edits, those surely above, and few between', () => {
    fc.assert(
      fc.property(
        fc.array(boundary, { maxLength: 20 }),
        fc.array(edit, { maxLength: 30 }),
        fc.nat(20),
        (bs, edits, q) => {
          const pending = edits.flatMap((e) => [e.p, e.n, e.lc, e.lk]);
          const [a, b] = boundsAtMost(q, pending);
          expect(a).toBeLessThanOrEqual(b);
          for (const bd of bs) {
            // Both places a boundary at an insert's place may end at (held back or moved).
            for (const client of [bd.client, Number.NaN]) {
              const got = bruteForce([bd.pos], [client], [bd.clock], pending).pos[0] as number;
              if (bd.pos <= a) expect(got).toBeLessThanOrEqual(q);
              if (bd.pos > b) expect(got).toBeGreaterThan(q);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
