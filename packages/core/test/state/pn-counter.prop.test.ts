import { PNCounter } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccordError } from '../../src/errors.js';
import { histories, pnCounterHarness, seenOps } from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(pnCounterHarness);

describe('PNCounter semantics', () => {
  it('every replica shows increments minus decrements it has seen (sequential model: their sum)', () => {
    fc.assert(
      fc.property(histories(pnCounterHarness, 3, 40), (hist) => {
        hist.states.forEach((s, i) => {
          expect(s.value()).toBe(seenOps(hist, i).reduce((sum, o) => sum + o.op, 0));
        });
      }),
    );
  });

  it('applies concurrent increments and decrements exactly once', () => {
    const a = new PNCounter(1);
    const b = new PNCounter(2);
    a.increment(5);
    b.decrement(7);
    a.decrement(1);
    b.merge(a);
    a.merge(b);
    a.merge(b);
    expect(a.value()).toBe(-3);
    expect(b.value()).toBe(-3);
    expect(a.equals(b)).toBe(true);
  });

  it('refuses fractional amounts and stays unchanged', () => {
    const c = new PNCounter(3);
    c.increment(2);
    expect(() => c.decrement(0.5)).toThrow(AccordError);
    expect(() => c.increment(Number.POSITIVE_INFINITY)).toThrow(AccordError);
    expect(c.value()).toBe(2);
  });
});
