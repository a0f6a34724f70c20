import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  handoverQuorum,
  prunableUpTo,
  readAcrossWitnesses,
  resolveWitnessQuorum,
} from '../../src/cluster/witness-quorum.js';
import { majorityOf } from '../../src/election/config.js';

/** Every subset of `items` of size `k`. */
function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, k - 1).map((s) => [first, ...s]), ...subsets(rest, k)];
}

describe('resolveWitnessQuorum', () => {
  it('2 full + 1 witness: W = 2 (the witness counts), R = 2 full replicas, pruneAt = 2', () => {
    expect(resolveWitnessQuorum(3, 1)).toEqual({ n: 3, w: 2, r: 2, full: 2, witnesses: 1, pruneAt: 2 });
  });

  it('without witnesses it agrees with the plain rule R = N - W + 1', () => {
    expect(resolveWitnessQuorum(3, 0)).toMatchObject({ n: 3, w: 2, r: 2, full: 3 });
    expect(resolveWitnessQuorum(5, 0, 4)).toMatchObject({ w: 4, r: 2 });
  });

  it('refuses reads that could miss a write, R above the full replicas, and no full replica', () => {
    // W = 2 may be {origin, witness}: one full replica out of 2, so R = 1 can miss it.
    expect(() => resolveWitnessQuorum(3, 1, 2, 1)).toThrow(RangeError);
    expect(() => resolveWitnessQuorum(3, 1, 2, 3)).toThrow(/full replicas only/);
    expect(() => resolveWitnessQuorum(3, 3)).toThrow(RangeError);
    expect(() => resolveWitnessQuorum(3, 1, 4)).toThrow(RangeError);
  });

  it('W = N (every node, the witness included) lets a read of one full replica suffice', () => {
    expect(resolveWitnessQuorum(3, 1, 3)).toMatchObject({ w: 3, r: 1 });
  });

  it('property: every read of R full replicas meets every write quorum on a full replica, and every majority meets pruneAt holders', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            x: fc.integer({ min: 0, max: n - 1 }),
            w: fc.option(fc.integer({ min: 1, max: n }), { nil: undefined }),
          }),
        ),
        ({ n, x, w }) => {
          const q = resolveWitnessQuorum(n, x, w);
          const nodes = Array.from({ length: n }, (_, i) => i);
          const full = nodes.slice(0, n - x);
          const isFull = (v: number) => v < n - x;
          // A write quorum: W nodes with at least one full replica (the origin).
          for (const write of subsets(nodes, q.w).filter((s) => s.some(isFull))) {
            for (const read of subsets(full, q.r)) expect(read.some((v) => write.includes(v))).toBe(true);
          }
          // After a witness drops an update, pruneAt full replicas hold it: every majority has one
          // (unless the full replicas are too few for that: then pruneAt is all of them).
          if (q.pruneAt < n - majorityOf(n) + 1) expect(q.pruneAt).toBe(q.full);
          else
            for (const holders of subsets(full, q.pruneAt))
              for (const majority of subsets(nodes, majorityOf(n)))
                expect(majority.some((v) => holders.includes(v))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('readAcrossWitnesses', () => {
  it('2 full + 1 witness: any 2 nodes make a read quorum, the witness included', () => {
    expect(readAcrossWitnesses(resolveWitnessQuorum(3, 1))).toEqual({ nodes: 2 });
    expect(readAcrossWitnesses(resolveWitnessQuorum(3, 0))).toBeNull(); // no witness: plain R
    // 4 nodes, 1 witness: W = 3 but a witness drops an update once 2 full replicas hold it.
    expect(readAcrossWitnesses(resolveWitnessQuorum(4, 1))).toBeNull();
  });

  it('property: while a witness drops only what pruneAt full replicas hold, every acknowledged update stays on nodes any such read meets', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 7 })
          .chain((n) =>
            fc.record({ n: fc.constant(n), x: fc.integer({ min: 1, max: n - 1 }), seed: fc.nat() }),
          ),
        ({ n, x, seed }) => {
          let q: ReturnType<typeof resolveWitnessQuorum>;
          try {
            q = resolveWitnessQuorum(n, x);
          } catch {
            return; // a shape that refuses itself (no read quorum of full replicas)
          }
          const across = readAcrossWitnesses(q);
          if (across === null) return;
          const nodes = Array.from({ length: n }, (_, i) => i);
          const isFull = (v: number) => v < n - x;
          for (const write of subsets(nodes, q.w).filter((s) => s.some(isFull))) {
            // Later, more full replicas may have caught up (seeded), and then the witnesses may
            // have dropped it: what stays is every full holder, plus the witnesses while fewer
            // than pruneAt full replicas hold it.
            const extra = nodes.filter((v) => isFull(v) && !write.includes(v) && (seed >> v) % 2 === 1);
            const fullHolders = [...write.filter(isFull), ...extra];
            const holders =
              fullHolders.length >= q.pruneAt
                ? fullHolders
                : [...fullHolders, ...write.filter((v) => !isFull(v))];
            for (const read of subsets(nodes, across.nodes))
              expect(read.some((v) => holders.includes(v))).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('prunableUpTo', () => {
  it('is the pruneAt-th highest confirmation, 0 while too few replicas confirmed', () => {
    expect(prunableUpTo([], 2)).toBe(0);
    expect(prunableUpTo([7], 2)).toBe(0);
    expect(prunableUpTo([7, 0], 2)).toBe(0);
    expect(prunableUpTo([7, 4], 2)).toBe(4);
    expect(prunableUpTo([7, 4, 9], 2)).toBe(7);
    expect(prunableUpTo([7, 4, 9], 1)).toBe(9);
    expect(() => prunableUpTo([1], 0)).toThrow(RangeError);
  });

  it('property: never above what pruneAt replicas each confirmed', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 6 }), fc.integer({ min: 1, max: 6 }), (c, k) => {
        const upTo = prunableUpTo(c, k);
        if (upTo > 0) expect(c.filter((v) => v >= upTo).length).toBeGreaterThanOrEqual(k);
        else expect(c.filter((v) => v > 0).length).toBeLessThan(k);
      }),
    );
  });
});

describe('handoverQuorum', () => {
  it('2 full + 1 witness: a full replica alone', () => {
    expect(handoverQuorum(resolveWitnessQuorum(3, 1))).toBe(1);
  });

  it('property: any handoverQuorum full replicas hold every acknowledged write a witness does not offer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 7 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            x: fc.integer({ min: 1, max: n - 1 }),
            w: fc.option(fc.integer({ min: 1, max: n }), { nil: undefined }),
          }),
        ),
        ({ n, x, w }) => {
          const q = resolveWitnessQuorum(n, x, w);
          const h = handoverQuorum(q);
          expect(h).toBeGreaterThanOrEqual(1);
          expect(h).toBeLessThanOrEqual(q.full);
          const nodes = Array.from({ length: n }, (_, i) => i);
          const full = nodes.slice(0, q.full);
          const isFull = (v: number) => v < q.full;
          const offering = q.full; // the witness whose offer is being taken in
          for (const holders of subsets(nodes, q.w)) {
            const fullHolders = holders.filter(isFull);
            if (fullHolders.length === 0) continue; // the origin is a full replica
            // Not in this witness's offer: it never held it, or dropped it once pruneAt full held it.
            if (holders.includes(offering) && fullHolders.length < q.pruneAt) continue;
            for (const answered of subsets(full, h))
              expect(answered.some((v) => fullHolders.includes(v))).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
