import { numberCodec, TwoPSet } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import {
  type History,
  histories,
  type OpRecord,
  type SetOp,
  seenOps,
  twoPSetHarness,
} from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(twoPSetHarness);

type Hist = History<TwoPSet<number>, SetOp<number>>;

/**
 * Sequential model of a 2P-Set over a causal past: present = added and not removed, where a
 * remove counts only if the element was present (by this same model) where and when it ran.
 */
function model(hist: Hist, past: ReadonlySet<number>): Set<number> {
  const ops = hist.ops.filter((o) => past.has(o.id));
  const added = new Set<number>();
  const removed = new Set<number>();
  for (const o of ops) {
    if (o.op.add) added.add(o.op.v);
    else if (model(hist, o.past).has(o.op.v)) removed.add(o.op.v);
  }
  return new Set([...added].filter((v) => !removed.has(v)));
}

describe('TwoPSet semantics', () => {
  it('every replica matches the sequential model of the ops it has seen', () => {
    fc.assert(
      fc.property(histories(twoPSetHarness, 3, 25), (hist) => {
        hist.states.forEach((s, i) => {
          const expected = [...model(hist, hist.seen[i] as Set<number>)].sort((a, b) => a - b);
          expect(s.value()).toEqual(expected);
        });
      }),
    );
  });

  it('remove is final: once a replica has seen an effective remove, the element never returns', () => {
    fc.assert(
      fc.property(histories(twoPSetHarness, 3, 25), (hist) => {
        hist.states.forEach((s, i) => {
          const seen: OpRecord<SetOp<number>>[] = seenOps(hist, i);
          for (const o of seen) {
            if (!o.op.add && model(hist, o.past).has(o.op.v)) {
              expect(s.has(o.op.v)).toBe(false);
              expect(s.isRemoved(o.op.v)).toBe(true);
            }
          }
        });
      }),
    );
  });

  it('re-adding a removed element, locally or concurrently elsewhere, has no effect', () => {
    const a = new TwoPSet(numberCodec);
    const b = new TwoPSet(numberCodec);
    a.add(1);
    b.merge(a);
    expect(a.remove(1)).toBe(true);
    expect(a.add(1)).toBe(false);
    expect(a.has(1)).toBe(false);
    b.add(1); // b still has it; a concurrent re-add is a no-op too
    b.add(2);
    b.merge(a);
    a.merge(b);
    expect(a.value()).toEqual([2]);
    expect(b.value()).toEqual([2]);
    expect(b.add(1)).toBe(false);
    expect(a.remove(5)).toBe(false);
  });

  it('rejects an element both present and removed', () => {
    const s = new TwoPSet(numberCodec);
    s.add(4);
    const bytes = s.encode(); // tag, [1, elem 4], [0]
    const both = Uint8Array.from([...bytes.slice(0, -1), ...bytes.slice(1, -1)]);
    expect(() => TwoPSet.decode(both, numberCodec)).toThrow(DecodeError);
  });
});
