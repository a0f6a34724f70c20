import { ORSet, stringCodec } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import {
  type History,
  histories,
  orSetHarness,
  replicaIds,
  runHistory,
  type SetOp,
  steps,
} from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(orSetHarness);

type Hist = History<ORSet<string>, SetOp<string>>;

/**
 * Sequential model of an add-wins OR-Set: an element is present when some add of it that the
 * replica has seen was not in the causal past of any remove of it that the replica has seen.
 */
function model(hist: Hist, replica: number): string[] {
  const seen = hist.ops.filter((o) => (hist.seen[replica] as Set<number>).has(o.id));
  const present = new Set<string>();
  for (const a of seen) {
    if (!a.op.add) continue;
    const cancelled = seen.some((r) => !r.op.add && r.op.v === a.op.v && r.past.has(a.id));
    if (!cancelled) present.add(a.op.v);
  }
  return [...present].sort();
}

function fullSync(states: ORSet<string>[]): void {
  for (let i = 1; i < states.length; i++) (states[0] as ORSet<string>).merge(states[i] as ORSet<string>);
  for (let i = 1; i < states.length; i++) (states[i] as ORSet<string>).merge(states[0] as ORSet<string>);
}

describe('ORSet semantics', () => {
  it('every replica matches the add-wins model of the ops it has seen', () => {
    fc.assert(
      fc.property(histories(orSetHarness, 3, 40), (hist) => {
        hist.states.forEach((s, i) => {
          expect(s.value()).toEqual(model(hist, i));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('add wins over a concurrent remove; a remove that saw every add wins', () => {
    const a = new ORSet(1, stringCodec);
    const b = new ORSet(2, stringCodec);
    a.add('x');
    b.merge(a);
    b.remove('x'); // b removes the add it saw...
    a.add('x'); // ...while a concurrently adds x again
    a.merge(b);
    b.merge(a);
    expect(a.value()).toEqual(['x']);
    expect(b.value()).toEqual(['x']);
    b.remove('x'); // b has now seen both adds
    a.merge(b);
    expect(a.value()).toEqual([]);
    expect(a.equals(b)).toBe(true);
  });

  it('concurrent adds of one element by two replicas survive a remove that saw only one', () => {
    const a = new ORSet(1, stringCodec);
    const b = new ORSet(2, stringCodec);
    const c = new ORSet(3, stringCodec);
    a.add('x');
    b.add('x');
    c.merge(a);
    c.remove('x');
    for (const s of [a, b, c]) for (const t of [a, b, c]) s.merge(t);
    expect([a.value(), b.value(), c.value()]).toEqual([['x'], ['x'], ['x']]);
  });

  it('is tombstone-free: remove/re-add cycles do not grow the encoded state', () => {
    const a = new ORSet(1, stringCodec);
    const b = new ORSet(2 ** 52 + 3, stringCodec);
    const sizes: number[] = [];
    for (let i = 0; i < 2000; i++) {
      a.add('x');
      a.add(`e${i % 4}`);
      b.merge(a);
      b.remove('x');
      b.remove(`e${i % 4}`);
      b.add(`e${(i + 1) % 4}`);
      a.merge(b);
      if (i === 20 || i === 1999) sizes.push(a.encode().length);
    }
    expect(a.equals(b)).toBe(true);
    expect(a.context().cloudSize).toBe(0);
    // 2000 cycles cost at most the longer varints of the two dot counters.
    expect(sizes[1] as number).toBeLessThanOrEqual((sizes[0] as number) + 4);
    expect(sizes[1] as number).toBeLessThan(60);
  });

  it('after long random histories and a full sync the state size is bounded by the live elements', () => {
    fc.assert(
      fc.property(replicaIds(3), steps(orSetHarness.op, 3, 400), (ids, list) => {
        const hist = runHistory(orSetHarness, ids, list);
        fullSync(hist.states);
        const s = hist.states[0] as ORSet<string>;
        expect(s.context().cloudSize).toBe(0);
        // 7 possible elements, at most 3 dots each, 3 replica ids of up to 8 bytes, no tombstones.
        expect(s.encode().length).toBeLessThanOrEqual(1 + 25 + 1 + 7 * (4 + 1 + 3 * 4) + 1 + 3 * 12 + 1);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a dot outside the causal context and a repeated dot', () => {
    const s = new ORSet(1, stringCodec);
    s.add('a');
    const ok = s.encode(); // tag, table [1, 1], 1 entry ['a', 1 dot (0, 1)], ctx vv [1, 1, 1], cloud 0
    expect(ORSet.decode(ok, 1, stringCodec).value()).toEqual(['a']);
    const outside = Uint8Array.from(ok);
    outside[8] = 2; // dot counter 2 is not in the context
    expect(() => ORSet.decode(outside, 1, stringCodec)).toThrow(/outside the causal context/);
    const badIndex = Uint8Array.from(ok);
    badIndex[7] = 1; // replica index 1 in a table of one
    expect(() => ORSet.decode(badIndex, 1, stringCodec)).toThrow(DecodeError);
    const t = new ORSet(1, stringCodec);
    t.add('a');
    t.add('b');
    const two = t.encode(); // b's dot is (0, 2); make it (0, 1) like a's
    const repeated = Uint8Array.from(two);
    repeated[13] = 1;
    expect(() => ORSet.decode(repeated, 1, stringCodec)).toThrow(/repeated dot/);
  });
});
