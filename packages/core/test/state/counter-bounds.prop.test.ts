/**
 * State-based counters hold safe integers only: fractional, non-finite and unsafe
 * amounts are refused, a local change that would take an entry or the total out of ±(2^53 - 1) is
 * refused with the counter unchanged, and replicas that saw the same changes in any order hold
 * the same value, bit for bit, also past 2^53 - 1 (reachable only by concurrent changes).
 */
import { AccordError, GCounter, PNCounter } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const MAX = Number.MAX_SAFE_INTEGER;
const BAD = [0.1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 60)];

/** A change: mostly small, sometimes close to the bounds. */
const amount = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.integer({ min: 2 ** 51, max: MAX }),
  fc.integer({ min: -MAX, max: -(2 ** 51) }),
);

/** Apply `fn`; an `out-of-range` refusal must leave `encode()` as it was. Returns true when applied. */
function tryChange(state: { encode(): Uint8Array }, fn: () => void): boolean {
  const before = state.encode();
  try {
    fn();
    return true;
  } catch (e) {
    expect(e).toMatchObject({ code: 'out-of-range' });
    expect(state.encode()).toEqual(before);
    return false;
  }
}

describe('state-based counters: bounds', () => {
  it('refuse fractional, non-finite and unsafe amounts and stay unchanged', () => {
    const g = new GCounter(1);
    const p = new PNCounter(1);
    g.increment(3);
    p.increment(3);
    for (const bad of BAD) {
      expect(() => g.increment(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
      expect(() => p.increment(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
      expect(() => p.decrement(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    expect([g.value(), p.value()]).toEqual([3, 3]);
  });

  it('refuse a change that takes the local entry or the total past 2^53 - 1', () => {
    const a = new GCounter(1);
    const b = new GCounter(2);
    a.increment(MAX - 10);
    b.increment(20);
    a.merge(b);
    // a's entry could take 10 more, but the total cannot.
    expect(() => a.increment(11)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    const p = new PNCounter(1);
    const q = new PNCounter(2);
    p.increment(MAX);
    expect(() => p.increment(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    q.decrement(MAX);
    p.merge(q);
    expect(p.value()).toBe(0);
    // The value is 0, but p's own increments are at the bound.
    expect(() => p.increment(1)).toThrow(AccordError);
    p.decrement(MAX);
    expect(p.value()).toBe(-MAX);
    expect(() => p.decrement(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
  });

  it('merge never refuses: concurrent entries past 2^53 - 1 are summed exactly, and decode', () => {
    const a = new GCounter(1);
    const b = new GCounter(2);
    a.increment(MAX);
    b.increment(MAX);
    a.merge(b);
    expect(a.value()).toBe(Number(2n * BigInt(MAX)));
    expect(() => a.increment(0)).not.toThrow();
    expect(() => a.increment(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    const back = GCounter.decode(a.encode(), 3);
    expect(back.equals(a)).toBe(true);
    expect(back.value()).toBe(a.value());
  });

  it('replicas that merged the same states in any order hold the same value, bit for bit', () => {
    for (const make of [(id: number) => new GCounter(id), (id: number) => new PNCounter(id)]) {
      fc.assert(
        fc.property(
          fc.array(fc.array(amount, { maxLength: 5 }), { minLength: 4, maxLength: 4 }),
          fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { maxLength: 12 }),
          (changes, gossip) => {
            const states = [make(1), make(2), make(3), make(4)];
            let exact = 0n;
            states.forEach((s, i) => {
              for (const x of changes[i] as number[]) {
                const n = s instanceof GCounter ? Math.abs(x) : x;
                if (tryChange(s, () => s.increment(n))) exact += BigInt(n);
              }
            });
            // Random pairwise merges, then everyone merges everyone in a replica-specific order.
            for (const [from, to] of gossip) {
              const target = states[to] as GCounter & PNCounter;
              target.merge(states[from] as GCounter & PNCounter);
            }
            const snapshot = states.map((s) => s.clone());
            states.forEach((s, i) => {
              for (let k = 0; k < snapshot.length; k++) {
                const other = snapshot[(i + k) % snapshot.length] as GCounter & PNCounter;
                (s as GCounter & PNCounter).merge(other);
              }
            });
            for (const s of states) {
              expect(Object.is(s.value(), Number(exact))).toBe(true);
              expect(s.encode()).toEqual((states[0] as GCounter | PNCounter).encode());
            }
          },
        ),
        { numRuns: 150 },
      );
    }
  });
});
