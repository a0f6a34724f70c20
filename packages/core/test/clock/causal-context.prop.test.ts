import { AccordError, CausalContext, DecodeError, type Dot, dotKey } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causalContextArb, dotArb, replicaIdArb } from '../arbitraries/index.js';

const merged = (a: CausalContext, b: CausalContext): CausalContext => a.clone().merge(b);

/** The plain-set model of a context, over the counters the arbitraries can produce. */
function asSet(ctx: CausalContext, replicas: readonly number[], maxCounter = 40): Set<string> {
  const out = new Set<string>();
  for (const r of replicas)
    for (let c = 1; c <= maxCounter; c++) if (ctx.includes({ replica: r, counter: c })) out.add(`${r}:${c}`);
  return out;
}
const POOL = [0, 1, 2, 7, 1000, 2 ** 40 + 3, 2 ** 53 - 1];

describe('CausalContext', () => {
  it('behaves as a set of dots (model: Set of keys)', () => {
    fc.assert(
      fc.property(
        fc.array(dotArb, { maxLength: 40 }),
        fc.array(dotArb, { maxLength: 10 }),
        (added, probes) => {
          const ctx = new CausalContext();
          const model = new Set<string>();
          for (const d of added) {
            ctx.add(d);
            model.add(dotKey(d));
          }
          for (const d of [...added, ...probes]) expect(ctx.includes(d)).toBe(model.has(dotKey(d)));
          expect(asSet(ctx, POOL)).toEqual(model);
        },
      ),
    );
  });

  it('stays compact: no cloud dot is contiguous with the version vector', () => {
    fc.assert(
      fc.property(fc.array(dotArb, { maxLength: 40 }), (added) => {
        const ctx = new CausalContext();
        for (const d of added) ctx.add(d);
        for (const d of ctx.cloudDots()) expect(d.counter).toBeGreaterThan(ctx.get(d.replica) + 1);
        // Adding every dot 1..n of one replica, in any order, leaves an empty cloud.
        const full = new CausalContext();
        const ds: Dot[] = added.map((d) => ({ replica: 5, counter: d.counter }));
        const n = Math.max(0, ...ds.map((d) => d.counter));
        for (let c = n; c >= 1; c--) full.add({ replica: 5, counter: c });
        expect(full.cloudSize).toBe(0);
        expect(full.get(5)).toBe(n);
      }),
    );
  });

  it('merge is union: commutative, associative, idempotent, inflationary', () => {
    fc.assert(
      fc.property(causalContextArb, causalContextArb, causalContextArb, (a, b, c) => {
        expect(merged(a, b).equals(merged(b, a))).toBe(true);
        expect(merged(merged(a, b), c).equals(merged(a, merged(b, c)))).toBe(true);
        expect(merged(a, a).equals(a)).toBe(true);
        const m = merged(a, b);
        expect(m.includesAll(a) && m.includesAll(b)).toBe(true);
        const union = new Set([...asSet(a, POOL), ...asSet(b, POOL)]);
        expect(asSet(m, POOL)).toEqual(union);
      }),
    );
  });

  it('includesAll agrees with the set model', () => {
    fc.assert(
      fc.property(causalContextArb, causalContextArb, (a, b) => {
        const sa = asSet(a, POOL);
        const sb = asSet(b, POOL);
        expect(a.includesAll(b)).toBe([...sb].every((k) => sa.has(k)));
      }),
    );
  });

  it('next allocates a fresh dot above every known dot of the replica and records it', () => {
    fc.assert(
      fc.property(causalContextArb, replicaIdArb, (ctx, r) => {
        const max = ctx.max(r);
        const d = ctx.next(r);
        expect(d).toEqual({ replica: r, counter: max + 1 });
        expect(ctx.includes(d)).toBe(true);
        expect(ctx.next(r).counter).toBe(max + 2);
      }),
    );
  });

  it('rejects invalid dots with AccordError and stays unchanged', () => {
    const ctx = new CausalContext();
    ctx.add({ replica: 1, counter: 1 });
    expect(() => ctx.add({ replica: 1, counter: 0 })).toThrow(AccordError);
    expect(() => ctx.add({ replica: -3, counter: 2 })).toThrow(AccordError);
    expect(ctx.get(1)).toBe(1);
    expect(ctx.cloudSize).toBe(0);
  });

  it('round-trips through its canonical encoding', () => {
    fc.assert(
      fc.property(causalContextArb, (a) => {
        const bytes = a.toBytes();
        const back = CausalContext.fromBytes(bytes);
        expect(back.equals(a)).toBe(true);
        expect(back.toBytes()).toEqual(bytes);
      }),
    );
  });

  it('decodes random and mutated bytes only to a context or a DecodeError', () => {
    const mutated = fc
      .tuple(
        causalContextArb,
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([c, muts]) => {
        const b = c.toBytes();
        for (const [i, v] of muts) b[i % b.length] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
        try {
          const ctx = CausalContext.fromBytes(bytes);
          expect(CausalContext.fromBytes(ctx.toBytes()).equals(ctx)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
