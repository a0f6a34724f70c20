import { type JsonValue, jsonCodec, MVRegister, stringCodec } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histories, mvRegisterHarness, seenOps } from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(mvRegisterHarness);

const keyOf = (v: JsonValue): string => jsonCodec.key(v) as string;

describe('MVRegister semantics', () => {
  it('keeps exactly the values of the seen writes that no other seen write has seen', () => {
    fc.assert(
      fc.property(histories(mvRegisterHarness, 3, 40), (hist) => {
        hist.states.forEach((s, i) => {
          const seen = seenOps(hist, i);
          const latest = seen.filter((w) => !seen.some((o) => o.past.has(w.id)));
          const expected = [...new Set(latest.map((w) => keyOf(w.op)))].sort();
          expect(s.value().map(keyOf)).toEqual(expected);
          expect(s.size).toBe(latest.length);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('keeps concurrent writes side by side until a write that saw them replaces them', () => {
    const a = new MVRegister(1, stringCodec);
    const b = new MVRegister(2, stringCodec);
    const c = new MVRegister(3, stringCodec);
    expect(a.value()).toEqual([]);
    a.set('x');
    b.set('y');
    c.set('y');
    a.merge(b);
    a.merge(c);
    expect(a.value()).toEqual(['x', 'y']);
    expect(a.size).toBe(3);
    b.merge(a);
    b.set('z');
    a.merge(b);
    c.merge(a);
    expect(a.value()).toEqual(['z']);
    expect(c.value()).toEqual(['z']);
    // An old state arriving late cannot bring overwritten values back.
    const stale = new MVRegister(4, stringCodec);
    stale.set('old');
    const late = stale.clone();
    a.merge(stale);
    expect(a.value()).toEqual(['old', 'z']);
    a.set('w');
    a.merge(late);
    expect(a.value()).toEqual(['w']);
  });
});
