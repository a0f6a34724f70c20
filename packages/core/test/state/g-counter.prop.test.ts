import { GCounter, PNCounter } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccordError, DecodeError } from '../../src/errors.js';
import { gCounterHarness, histories, seenOps } from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(gCounterHarness);

describe('GCounter semantics', () => {
  it('every replica counts exactly the increments it has seen (sequential model: their sum)', () => {
    fc.assert(
      fc.property(histories(gCounterHarness, 3, 40), (hist) => {
        hist.states.forEach((s, i) => {
          const expected = seenOps(hist, i).reduce((sum, o) => sum + o.op, 0);
          expect(s.value()).toBe(expected);
        });
      }),
    );
  });

  it('counts concurrent increments of different replicas once each, however often merged', () => {
    const a = new GCounter(1);
    const b = new GCounter(2);
    a.increment(3);
    b.increment(4);
    a.merge(b);
    a.merge(b);
    b.merge(a);
    expect(a.value()).toBe(7);
    expect(b.value()).toBe(7);
    expect(a.get(2)).toBe(4);
  });

  it('refuses negative, fractional and overflowing increments and stays unchanged', () => {
    const c = new GCounter(1);
    c.increment(2);
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => c.increment(bad)).toThrow(AccordError);
    }
    c.increment(Number.MAX_SAFE_INTEGER - 2);
    expect(() => c.increment(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    expect(c.value()).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => new GCounter(-1)).toThrow(AccordError);
  });

  it('rejects another type, zero entries and unordered replicas with DecodeError', () => {
    const p = new PNCounter(1);
    p.increment(1);
    expect(() => GCounter.decode(p.encode(), 1)).toThrow(expect.objectContaining({ code: 'bad-tag' }));
    const tag = new GCounter(1).encode()[0] as number;
    expect(() => GCounter.decode(Uint8Array.from([tag, 1, 5, 0]), 1)).toThrow(DecodeError);
    expect(() => GCounter.decode(Uint8Array.from([tag, 2, 5, 1, 0, 1]), 1)).toThrow(DecodeError);
    expect(() => GCounter.decode(Uint8Array.from([tag, 1, 5, 1, 9]), 1)).toThrow(
      expect.objectContaining({ code: 'trailing-bytes' }),
    );
    expect(GCounter.decode(Uint8Array.from([tag, 2, 5, 1, 3, 2]), 1).value()).toBe(3);
  });
});
