import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { edgeHops, RunEdges, scanHops } from '../../src/format/run-edges.js';
import { SeqColumns } from '../../src/format/seq-columns.js';

interface Run {
  client: number;
  clock: number;
  len: number;
}

/**
 * A group's records: each replica's runs laid out in clock order (one unit each, longer, or with
 * gaps wide enough to make its clocks too sparse for a table), then put in any order, sometimes
 * with a record repeated (two records sharing an edge unit).
 */
const groupArb = fc
  .record({
    replicas: fc.array(
      fc.record({
        client: fc.constantFrom(1, 2, 7, 2 ** 32 - 1),
        lens: fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 })), {
          minLength: 40,
          maxLength: 200,
        }),
        gap: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.constant(5000)),
        start: fc.integer({ min: 0, max: 1000 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    order: fc.array(fc.nat(), { minLength: 1, maxLength: 600 }),
    repeat: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ replicas, order, repeat }) => {
    const seen = new Set<number>();
    const runs: Run[] = [];
    for (const r of replicas) {
      if (seen.has(r.client)) continue;
      seen.add(r.client);
      let clock = r.start;
      for (const len of r.lens) {
        runs.push({ client: r.client, clock, len });
        clock += len + r.gap;
      }
    }
    // A permutation of the runs, driven by `order`.
    for (let i = runs.length - 1; i > 0; i--) {
      const j = (order[i % order.length] as number) % (i + 1);
      [runs[i], runs[j]] = [runs[j] as Run, runs[i] as Run];
    }
    if (repeat !== undefined)
      runs.splice(repeat % runs.length, 0, { ...(runs[repeat % runs.length] as Run) });
    return runs;
  });

function columnsOf(runs: readonly Run[]): SeqColumns {
  const cols = new SeqColumns(runs.length);
  for (const r of runs) cols.push(r.client, r.clock, r.len, -1, 0, -1, 0, null);
  return cols;
}

describe('RunEdges', () => {
  it('answers every origin reference as the scan of the neighbours does', () => {
    let tableHits = 0;
    let largeGroups = 0;
    fc.assert(
      fc.property(
        groupArb,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: -70, max: 70 }),
            fc.boolean(),
            fc.integer({ min: -3, max: 3 }),
          ),
          { minLength: 100, maxLength: 400 },
        ),
        (runs, queries) => {
          const cols = columnsOf(runs);
          const edges = new RunEdges(cols);
          if (runs.length > 128) largeGroups++;
          for (const [a, off, right, shift] of queries) {
            const i = a % runs.length;
            const target = runs[Math.min(runs.length - 1, Math.max(0, i + off))] as Run;
            const dir = right ? 1 : -1;
            // Mostly a record's own edge unit (a hit when near), sometimes a unit beside it.
            const clock =
              (right ? target.clock : target.clock + target.len - 1) +
              (shift === 0 || shift === 3 ? 0 : shift);
            const want = scanHops(cols, i, dir, target.client, clock);
            expect(edgeHops(edges, cols, i, dir, target.client, clock)).toBe(want);
            if (want > 0) tableHits++;
            expect(edgeHops(edges, cols, i, dir, 99, clock)).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Large groups (which build tables) were drawn, and many queries found a record by distance.
    expect(largeGroups).toBeGreaterThan(50);
    expect(tableHits).toBeGreaterThan(2000);
  });

  it('finds records up to 63 away and no farther, in the direction asked', () => {
    const runs: Run[] = [];
    for (let k = 0; k < 400; k++) runs.push({ client: 5, clock: (k * 37) % 400, len: 1 });
    const cols = columnsOf(runs);
    const edges = new RunEdges(cols);
    // Scans that find nothing, until they have cost enough for the tables.
    expect(edges.fromTables(200, -1, 5, 0)).toBe(-1);
    for (let q = 0; q < 80; q++) expect(edgeHops(edges, cols, 200, -1, 5, 100_000 + q)).toBe(0);
    expect(edges.fromTables(200, -1, 5, (runs[199] as Run).clock)).toBe(1);
    const at = (k: number) => (runs[k] as Run).clock;
    expect(edgeHops(edges, cols, 200, -1, 5, at(137))).toBe(63);
    expect(edgeHops(edges, cols, 200, -1, 5, at(136))).toBe(0);
    expect(edgeHops(edges, cols, 200, 1, 5, at(263))).toBe(63);
    expect(edgeHops(edges, cols, 200, 1, 5, at(264))).toBe(0);
    expect(edgeHops(edges, cols, 200, 1, 5, at(150))).toBe(0);
    expect(edgeHops(edges, cols, 200, -1, 5, at(201))).toBe(0);
    expect(edgeHops(edges, cols, 200, -1, 5, at(200))).toBe(0);
    expect(edgeHops(edges, cols, 200, -1, 5, at(199))).toBe(1);
  });
});

describe('origin references written from the tables', () => {
  it('round-trip: a transaction of scattered edits applies to a replica as it was made', () => {
    const fromTables = vi.spyOn(RunEdges.prototype, 'fromTables');
    try {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 2 ** 31 }),
          fc.integer({ min: 300, max: 1500 }),
          (seed, edits) => {
            const a = new Doc({ clientId: 7 });
            const b = new Doc({ clientId: 8 });
            const updates: Uint8Array[] = [];
            a.on('update', (u) => updates.push(u));
            a.getText('t').insert(0, 'x'.repeat(50));
            a.getList('l').insert(0, [0, 1, 2]);
            let r = seed;
            const next = (n: number) => {
              r = (Math.imul(r, 1103515245) + 12345) >>> 0;
              return r % n;
            };
            // One transaction: characters and values at scattered places, some deleted again.
            a.transact(() => {
              const t = a.getText('t');
              const l = a.getList('l');
              for (let k = 0; k < edits; k++) {
                if (next(5) === 0 && t.length > 1) t.delete(next(t.length), 1);
                else t.insert(next(t.length + 1), String.fromCharCode(97 + next(26)));
                l.insert(next(l.length + 1), [k]);
              }
            });
            for (const u of updates) applyUpdate(b, u);
            expect(b.getText('t').toString()).toBe(a.getText('t').toString());
            expect(b.getList('l').toArray()).toEqual(a.getList('l').toArray());
            const c = new Doc({ clientId: 9 });
            applyUpdate(c, encodeStateAsUpdate(a));
            expect(c.getText('t').toString()).toBe(a.getText('t').toString());
          },
        ),
        { numRuns: 20 },
      );
      // The updates were written with tables: some references were answered from them.
      expect(fromTables.mock.results.filter((x) => (x.value as number) > 0).length).toBeGreaterThan(1000);
    } finally {
      fromTables.mockRestore();
    }
  });
});
