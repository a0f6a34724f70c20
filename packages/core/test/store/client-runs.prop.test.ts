import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientRuns, runIndexAt, type Struct } from '../../src/store/struct-store.js';

type Op =
  | { k: 'push'; len: number }
  | { k: 'split'; at: number; off: number }
  | { k: 'merge'; at: number }
  | { k: 'find'; clock: number }
  | { k: 'from'; clock: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('push' as const), len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ k: fc.constant('split' as const), at: fc.nat(), off: fc.nat() }),
  fc.record({ k: fc.constant('merge' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('find' as const), clock: fc.integer({ min: -2, max: 2000 }) }),
  fc.record({ k: fc.constant('from' as const), clock: fc.integer({ min: -2, max: 2000 }) }),
);

/** Structs tiling `0 .. n-1`, `count` of them, lengths from `lens`. */
function tiling(count: number, lens: readonly number[]): Struct[] {
  const out: Struct[] = [];
  let clock = 0;
  for (let i = 0; i < count; i++) {
    const len = lens[i % Math.max(1, lens.length)] ?? 1;
    out.push({ client: 0, clock, len });
    clock += len;
  }
  return out;
}

const flat = (runs: ClientRuns): Struct[] => runs.chunkList.flatMap((c) => [...c]);

describe('ClientRuns against a flat array', () => {
  it('finds, walks and lists the same structs after loads, pushes, splits and merges', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2, 3, 255, 256, 257, 600),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
        fc.array(op, { maxLength: 120 }),
        (loaded, lens, ops) => {
          const model = tiling(loaded, lens);
          const runs = new ClientRuns();
          if (loaded > 0) runs.load(model);
          else for (const s of model) runs.push(s);
          let next = model.reduce((a, s) => a + s.len, 0);
          for (const o of ops) {
            if (o.k === 'push') {
              const s = { client: 0, clock: next, len: o.len };
              runs.push(s);
              model.push(s);
              next += o.len;
            } else if (o.k === 'split' && model.length > 0) {
              const i = o.at % model.length;
              const left = model[i] as Struct;
              if (left.len < 2) continue;
              const cut = 1 + (o.off % (left.len - 1));
              const right = { client: 0, clock: left.clock + cut, len: left.len - cut };
              left.len = cut;
              runs.insertAfter(left, right);
              model.splice(i + 1, 0, right);
            } else if (o.k === 'merge' && model.length > 1) {
              const i = o.at % (model.length - 1);
              const left = model[i] as Struct;
              const right = model[i + 1] as Struct;
              left.len += right.len;
              runs.remove(right);
              model.splice(i + 1, 1);
            } else if (o.k === 'find') {
              const want = model.find((s) => s.clock <= o.clock && o.clock < s.clock + s.len);
              expect(runs.find(o.clock)).toBe(want);
            } else if (o.k === 'from') {
              const seen: Struct[] = [];
              runs.forEachFrom(o.clock, (s) => seen.push(s));
              const want =
                o.clock < 0 || o.clock >= next ? [] : model.filter((s) => s.clock + s.len > o.clock);
              expect(seen).toEqual(want);
              expect(seen.every((s, k) => s === want[k])).toBe(true);
            }
            expect(runs.next).toBe(next);
          }
          expect(runs.size).toBe(model.length);
          const listed = flat(runs);
          expect(listed.length).toBe(model.length);
          expect(listed.every((s, k) => s === model[k])).toBe(true);
          for (const s of model) expect(runs.find(s.clock + s.len - 1)).toBe(s);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('stays exact under splits scattered over many chunks, each split many times (spare slots kept or trimmed)', () => {
    // 4,000 structs load into 16 chunks; splits land all over them, so chunks leave the recently
    // split list, are trimmed (once), and take splits again.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 50, maxLength: 400 }),
        (splits) => {
          const model = tiling(4000, [4, 7, 5]);
          const runs = new ClientRuns();
          runs.load(model);
          for (const [at, off, merge] of splits) {
            const i = at % model.length;
            const left = model[i] as Struct;
            if (merge && i + 1 < model.length) {
              const right = model[i + 1] as Struct;
              left.len += right.len;
              runs.remove(right);
              model.splice(i + 1, 1);
              continue;
            }
            if (left.len < 2) continue;
            const cut = 1 + (off % (left.len - 1));
            const right = { client: 0, clock: left.clock + cut, len: left.len - cut };
            left.len = cut;
            runs.insertAfter(left, right);
            model.splice(i + 1, 0, right);
          }
          const listed = flat(runs);
          expect(listed.length).toBe(model.length);
          expect(listed.every((s, k) => s === model[k])).toBe(true);
          for (const s of model) expect(runs.find(s.clock)).toBe(s);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps a client of one struct in no chunk, and chunks it once a second arrives', () => {
    const runs = new ClientRuns();
    const a = { client: 0, clock: 0, len: 3 };
    runs.push(a);
    expect(runs.size).toBe(1);
    expect(runs.find(2)).toBe(a);
    expect(runs.chunkList).toEqual([[a]]);
    const b = { client: 0, clock: 3, len: 1 };
    runs.push(b);
    expect(flat(runs)).toEqual([a, b]);
    expect(runs.find(3)).toBe(b);
  });
});

describe('runIndexAt', () => {
  it('finds the last run starting at or before a clock, as a full binary search does, gaps or none', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 4 }), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6 }))),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.integer({ min: -5, max: 2000 }), { minLength: 1, maxLength: 60 }),
        (shape, start, clocks) => {
          const runs: Struct[] = [];
          let clock = start;
          for (const [len, gap] of shape) {
            runs.push({ client: 0, clock, len });
            clock += len + gap;
          }
          for (const c of clocks) {
            let want = 0;
            for (let i = 0; i < runs.length; i++) if ((runs[i] as Struct).clock <= c) want = i;
            expect(runIndexAt(runs, c)).toBe(want);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
