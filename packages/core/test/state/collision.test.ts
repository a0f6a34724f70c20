import { MVRegister, numberCodec, ORMap, ORSet, stringCodec } from '@accord/core/crdts';
import { describe, expect, it } from 'vitest';
import { AccordError } from '../../src/errors.js';

/** Expect `fn` to throw `replica-collision` and leave `state` exactly as it was. */
function expectCollision(state: { encode(): Uint8Array }, fn: () => void): void {
  const before = state.encode();
  expect(fn).toThrow(expect.objectContaining({ code: 'replica-collision' }));
  expect(fn).toThrow(AccordError);
  expect(state.encode()).toEqual(before);
}

describe('replica id collisions (two sessions with one id)', () => {
  it('OR-Set: one dot for adds of two different elements is refused, state unchanged', () => {
    const tab1 = new ORSet(42, stringCodec);
    const tab2 = new ORSet(42, stringCodec);
    tab1.add('x');
    tab2.add('y');
    expectCollision(tab1, () => tab1.merge(tab2));
    expectCollision(tab2, () => tab2.merge(tab1));
  });

  it('MV-Register: one dot for two different values is refused, state unchanged', () => {
    const tab1 = new MVRegister(42, stringCodec);
    const tab2 = new MVRegister(42, stringCodec);
    tab1.set('x');
    tab2.set('y');
    expectCollision(tab1, () => tab1.merge(tab2));
  });

  it('OR-Map: one dot under two keys, or for two values of one key, is refused', () => {
    const now = () => 1_700_000_000_000;
    const a = new ORMap(42, numberCodec, { now });
    const b = new ORMap(42, numberCodec, { now });
    a.set('k', 1);
    b.set('j', 1);
    expectCollision(a, () => a.merge(b));
    const c = new ORMap(42, numberCodec, { now });
    const d = new ORMap(42, numberCodec, { now });
    c.set('k', 1);
    d.set('k', 2);
    expectCollision(c, () => c.merge(d));
  });

  it('distinct ids never collide, and identical events from one id merge fine', () => {
    const a = new ORSet(1, stringCodec);
    a.add('x');
    const copy = a.clone();
    copy.merge(a);
    const b = new ORSet(2, stringCodec);
    b.add('y');
    b.merge(a);
    expect(b.value()).toEqual(['x', 'y']);
  });
});
