import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newColumns } from '../../src/sync/order-columns.js';
import { sparseFromSorted, sparseRuns } from '../../src/sync/order-integrate.js';

describe('sparseFromSorted', () => {
  it("gives what sparseRuns sorts, from the loader's per-replica clock order", () => {
    fc.assert(
      fc.property(
        // Per replica: how many runs, whether it has a dense table, and its id (one id per replica,
        // as a document's client table has; two replicas with one id have no order between them).
        fc.uniqueArray(
          fc.record({ runs: fc.nat(30), dense: fc.boolean(), id: fc.integer({ min: 1, max: 2 ** 32 - 1 }) }),
          {
            minLength: 1,
            maxLength: 6,
            selector: (r) => r.id,
          },
        ),
        fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
        fc.nat(5),
        (replicas, shuffle, extra) => {
          // Each replica's runs tile its clocks; the runs are then stored in any order.
          const runs: { c: number; clock: number }[] = [];
          replicas.forEach((r, c) => {
            for (let k = 0; k < r.runs; k++) runs.push({ c, clock: 3 * k });
          });
          for (let i = runs.length - 1; i > 0; i--) {
            const j = (shuffle[i % shuffle.length] as number) % (i + 1);
            [runs[i], runs[j]] = [
              runs[j] as { c: number; clock: number },
              runs[i] as { c: number; clock: number },
            ];
          }
          const cols = newColumns(runs.length);
          runs.forEach((r, i) => {
            cols.client[i] = r.c;
            cols.clock[i] = r.clock;
            cols.len[i] = 3;
          });
          const tables = replicas.map((r) => (r.dense ? new Int32Array(3 * r.runs) : null));
          const idOf = (c: number) => (replicas[c] as { id: number }).id;
          // The loader's sort: a replica's structs by clock, marks (indexes past the runs) among them.
          const sorted = replicas.map((r, c) => {
            if (r.dense || r.runs === 0) return null;
            const mine = runs.flatMap((x, i) => (x.c === c ? [i] : []));
            mine.sort((a, b) => (runs[a] as { clock: number }).clock - (runs[b] as { clock: number }).clock);
            for (let k = 0; k < extra; k++) mine.splice(k % (mine.length + 1), 0, runs.length + k);
            return Int32Array.from(mine);
          });
          const want = sparseRuns(cols, tables, idOf);
          const got = sparseFromSorted(sorted, runs.length, idOf);
          expect([...got.order]).toEqual([...want.order]);
          expect(new Map(got.spans)).toEqual(new Map(want.spans));
        },
      ),
      { numRuns: 300 },
    );
  });
});
