/**
 * The op-based counter holds safe integers only: fractional, non-finite and unsafe amounts are
 * refused, preparing an op that would take the total out of ±(2^53 - 1) is refused, and replicas
 * that effected the same ops in any order hold the same value, bit for bit, also past 2^53 - 1
 * (reachable only by concurrent ops).
 */
import { type CausalMessage, OpCounter, type OpCounterOp, OpReplica } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const MAX = Number.MAX_SAFE_INTEGER;
const BAD = [0.1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 60)];

/** An amount: mostly small, sometimes close to the bounds. */
const amount = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.integer({ min: 2 ** 51, max: MAX }),
  fc.integer({ min: -MAX, max: -(2 ** 51) }),
);

describe('OpCounter: bounds', () => {
  it('refuses fractional, non-finite and unsafe amounts, and a total past ±(2^53 - 1)', () => {
    const c = new OpCounter(1);
    for (const bad of BAD) {
      expect(() => c.prepareAdd(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
      expect(() => c.prepareSubtract(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
      expect(() => c.effect({ amount: bad })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    c.effect(c.prepareAdd(MAX));
    expect(() => c.prepareAdd(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    expect(c.value()).toBe(MAX);
    c.effect(c.prepareSubtract(MAX));
    c.effect(c.prepareSubtract(MAX));
    expect(() => c.prepareSubtract(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    expect(c.value()).toBe(-MAX);
  });

  it('replicas that effected the same ops in any order hold the same value, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(amount, { maxLength: 5 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.array(fc.nat(), { minLength: 15, maxLength: 15 }), { minLength: 3, maxLength: 3 }),
        (changes, orders) => {
          const reps = [1, 2, 3].map((id) => new OpReplica(new OpCounter(id)));
          const messages: CausalMessage<OpCounterOp>[] = [];
          let exact = 0n;
          reps.forEach((r, i) => {
            for (const x of changes[i] as number[]) {
              let op: OpCounterOp;
              try {
                op = r.crdt.prepareAdd(x);
              } catch (e) {
                expect(e).toMatchObject({ code: 'out-of-range' });
                continue;
              }
              messages.push(r.apply(op));
              exact += BigInt(x);
            }
          });
          reps.forEach((r, i) => {
            const keys = orders[i] as number[];
            const shuffled = messages
              .map((m, k) => ({ m, key: keys[k % keys.length] as number, k }))
              .sort((x, y) => x.key - y.key || x.k - y.k);
            for (const { m } of shuffled) r.receiveBytes(r.encode(m));
            expect(r.pendingCount).toBe(0);
            expect(Object.is(r.crdt.value(), Number(exact))).toBe(true);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
