import { compareTimestamps, LWWMap, numberCodec, ORMap, type Timestamp } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccordError, DecodeError } from '../../src/errors.js';
import { histories, orMapHarness, seenOps } from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(orMapHarness);

describe('ORMap semantics', () => {
  it('matches the model: add-wins keys, the greatest timestamp among the surviving writes', () => {
    fc.assert(
      fc.property(histories(orMapHarness, 3, 40), (hist) => {
        hist.states.forEach((s, i) => {
          const seen = seenOps(hist, i);
          // A set survives unless a seen op on the same key (set or delete) came after it.
          const live = seen.filter(
            (w) => w.op.v !== undefined && !seen.some((o) => o.op.k === w.op.k && o.past.has(w.id)),
          );
          const expected = new Map<string, { ts: Timestamp; v: number; all: number }>();
          for (const w of live) {
            const ts = w.info as Timestamp;
            const cur = expected.get(w.op.k);
            if (!cur || compareTimestamps(ts, cur.ts) > 0) {
              expected.set(w.op.k, { ts, v: w.op.v as number, all: (cur?.all ?? 0) + 1 });
            } else {
              cur.all++;
            }
          }
          expect(s.keys()).toEqual([...expected.keys()].sort());
          for (const [k, e] of expected) {
            expect(s.get(k)).toBe(e.v);
            expect(s.timestampOf(k)).toEqual(e.ts);
            expect(s.getAll(k)).toHaveLength(e.all);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('a set survives a concurrent delete (add wins), where LWWMap lets the later write win', () => {
    let t = 1_700_000_000_000;
    const a = new ORMap(1, numberCodec, { now: () => t });
    const b = new ORMap(2, numberCodec, { now: () => t });
    a.set('k', 1);
    b.merge(a);
    t += 10;
    a.set('k', 2); // earlier than b's delete below...
    t += 10;
    b.delete('k'); // ...but b never saw it
    a.merge(b);
    b.merge(a);
    expect(a.get('k')).toBe(2);
    expect(b.get('k')).toBe(2);
    // The same history on an LWW-Map: the later delete wins.
    t = 1_700_000_000_000;
    const la = new LWWMap(1, numberCodec, { now: () => t });
    const lb = new LWWMap(2, numberCodec, { now: () => t });
    la.set('k', 1);
    lb.merge(la);
    t += 10;
    la.set('k', 2);
    t += 10;
    lb.delete('k');
    la.merge(lb);
    expect(la.has('k')).toBe(false);
  });

  it('keeps concurrent sets until a write replaces them; get shows the latest', () => {
    let t = 1_700_000_000_000;
    const a = new ORMap(1, numberCodec, { now: () => t });
    const b = new ORMap(2, numberCodec, { now: () => t - 3_600_000 });
    a.set('k', 1);
    b.set('k', 2);
    a.merge(b);
    expect(a.getAll('k')).toEqual([2, 1]);
    expect(a.get('k')).toBe(1);
    b.merge(a);
    t += 1;
    b.set('k', 3); // b's slow clock, but it saw both: it replaces them
    a.merge(b);
    expect(a.getAll('k')).toEqual([3]);
    expect(() => a.set(1 as unknown as string, 1)).toThrow(AccordError);
  });

  it('is tombstone-free: set/delete cycles do not grow the encoded state', () => {
    const a = new ORMap(1, numberCodec, { now: () => 1_700_000_000_000 });
    const b = new ORMap(2, numberCodec, { now: () => 1_700_000_000_000 });
    let early = 0;
    for (let i = 0; i < 1000; i++) {
      a.set(`k${i}`, i);
      b.merge(a);
      b.delete(`k${i}`);
      a.merge(b);
      if (i === 10) early = a.encode().length;
    }
    expect(a.size).toBe(0);
    expect(a.encode().length).toBeLessThanOrEqual(early + 2);
    const bytes = a.encode();
    expect(() => ORMap.decode(bytes.subarray(0, bytes.length - 1), 1, numberCodec)).toThrow(DecodeError);
  });
});
