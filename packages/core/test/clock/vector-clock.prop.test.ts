import { VectorClock } from '@accord/core/crdts';
import { AccordError, DecodeError, Encoder } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotArb, replicaIdArb, vectorClockArb } from '../arbitraries/index.js';

const merged = (a: VectorClock, b: VectorClock): VectorClock => a.clone().merge(b);

describe('VectorClock', () => {
  it('merge is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(vectorClockArb, vectorClockArb, vectorClockArb, (a, b, c) => {
        expect(merged(a, b).equals(merged(b, a))).toBe(true);
        expect(merged(merged(a, b), c).equals(merged(a, merged(b, c)))).toBe(true);
        expect(merged(a, a).equals(a)).toBe(true);
      }),
    );
  });

  it('merge is the least upper bound (pointwise max) and inflates both sides', () => {
    fc.assert(
      fc.property(vectorClockArb, vectorClockArb, replicaIdArb, (a, b, r) => {
        const m = merged(a, b);
        expect(m.get(r)).toBe(Math.max(a.get(r), b.get(r)));
        expect(m.dominates(a) && m.dominates(b)).toBe(true);
        expect(['after', 'equal']).toContain(m.compare(a));
      }),
    );
  });

  it('compare is consistent with merge and antisymmetric', () => {
    fc.assert(
      fc.property(vectorClockArb, vectorClockArb, (a, b) => {
        const ab = a.compare(b);
        const ba = b.compare(a);
        const mirror = {
          before: 'after',
          after: 'before',
          equal: 'equal',
          concurrent: 'concurrent',
        } as const;
        expect(ba).toBe(mirror[ab]);
        // a <= b  iff  merge(a, b) == b
        expect(ab === 'before' || ab === 'equal').toBe(merged(a, b).equals(b));
        expect(ab === 'equal').toBe(a.equals(b));
        expect(ab === 'concurrent').toBe(!a.dominates(b) && !b.dominates(a));
      }),
    );
  });

  it('increment returns the next dot and orders after the old clock', () => {
    fc.assert(
      fc.property(vectorClockArb, replicaIdArb, (a, r) => {
        const before = a.clone();
        const dot = a.increment(r);
        expect(dot).toEqual({ replica: r, counter: before.get(r) + 1 });
        expect(a.includes(dot)).toBe(true);
        expect(before.includes(dot)).toBe(false);
        expect(a.compare(before)).toBe('after');
      }),
    );
  });

  it('includes(dot) matches the entry', () => {
    fc.assert(
      fc.property(vectorClockArb, dotArb, (a, d) => {
        expect(a.includes(d)).toBe(d.counter <= a.get(d.replica));
      }),
    );
  });

  it('clone is independent', () => {
    const a = new VectorClock([[1, 2]]);
    const b = a.clone();
    b.increment(1);
    expect(a.get(1)).toBe(2);
    expect(b.get(1)).toBe(3);
  });

  it('rejects invalid replica ids and counters with AccordError', () => {
    expect(() => new VectorClock().increment(-1)).toThrow(AccordError);
    expect(() => new VectorClock().increment(1.5)).toThrow(AccordError);
    expect(() => new VectorClock([[1, -1]])).toThrow(AccordError);
  });

  it('encodes canonically and round-trips', () => {
    fc.assert(
      fc.property(vectorClockArb, (a) => {
        const bytes = a.toBytes();
        const back = VectorClock.fromBytes(bytes);
        expect(back.equals(a)).toBe(true);
        // Canonical: same clock built in another order encodes identically.
        const shuffled = new VectorClock([...a].reverse());
        expect(shuffled.toBytes()).toEqual(bytes);
      }),
    );
  });

  it('decodes random and mutated bytes only to a clock or a DecodeError', () => {
    const mutated = fc
      .tuple(vectorClockArb, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }))
      .map(([c, muts]) => {
        const b = c.toBytes();
        for (const [i, v] of muts) if (b.length > 0) b[i % b.length] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 48 }), mutated), (bytes) => {
        try {
          const c = VectorClock.fromBytes(bytes);
          // Whatever decodes is a valid clock (no zero entries) that round-trips.
          for (const [, n] of c) expect(n).toBeGreaterThan(0);
          expect(VectorClock.fromBytes(c.toBytes()).equals(c)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects hostile counts and non-canonical entries with specific codes', () => {
    const e = new Encoder();
    e.writeVarUint(1_000_000);
    expect(() => VectorClock.fromBytes(e.toBytes())).toThrow(DecodeError);
    const zero = new Uint8Array([1, 5, 0]);
    expect(() => VectorClock.fromBytes(zero)).toThrowError(expect.objectContaining({ code: 'invalid' }));
    const dup = new Uint8Array([2, 5, 1, 0, 1]);
    expect(() => VectorClock.fromBytes(dup)).toThrowError(expect.objectContaining({ code: 'invalid' }));
  });
});
