import {
  AccordError,
  OpCounter,
  OpLWWRegister,
  OpMVRegister,
  OpORSet,
  OpReplica,
  stringCodec,
  VectorClock,
} from '@accord/core/crdts';
import { describe, expect, it } from 'vitest';

/** Deliver every message in `msgs` to every replica in `to`. */
function deliver<M>(to: { receive(m: M): number }[], ...msgs: M[]): void {
  for (const r of to) for (const m of msgs) r.receive(m);
}

describe('op-based semantics (sequential scenarios)', () => {
  it('OpORSet: add wins over a concurrent remove; an observed add is removed', () => {
    const a = new OpReplica(new OpORSet(1, stringCodec));
    const b = new OpReplica(new OpORSet(2, stringCodec));
    const add1 = a.apply(a.crdt.prepareAdd('x'));
    deliver([b], add1);
    expect(b.crdt.has('x')).toBe(true);
    // Concurrently: b removes x (it observed add1), a adds x again.
    const rm = b.apply(b.crdt.prepareRemove('x'));
    const add2 = a.apply(a.crdt.prepareAdd('x'));
    expect(rm.payload).toMatchObject({
      kind: 'remove',
      dots: [add1.payload.kind === 'add' ? add1.payload.dot : null],
    });
    deliver([a], rm);
    deliver([b], add2);
    expect(a.crdt.value()).toEqual(['x']);
    expect(b.crdt.value()).toEqual(['x']);
    // A remove that observed both adds removes x for good.
    const rm2 = a.apply(a.crdt.prepareRemove('x'));
    deliver([b], rm2);
    expect(a.crdt.value()).toEqual([]);
    expect(b.crdt.value()).toEqual([]);
  });

  it('OpORSet: effects are idempotent and tolerate an add arriving after its remove', () => {
    const s = new OpORSet(1, stringCodec);
    const add = { kind: 'add' as const, value: 'y', dot: { replica: 9, counter: 4 } };
    const rm = { kind: 'remove' as const, value: 'y', dots: [add.dot] };
    s.effect(rm);
    s.effect(add);
    expect(s.has('y')).toBe(false);
    const add2 = { kind: 'add' as const, value: 'y', dot: { replica: 9, counter: 5 } };
    s.effect(add2);
    s.effect(add2);
    expect(s.dotsOf('y')).toEqual([add2.dot]);
    expect(() => s.effect({ kind: 'add', value: 'z', dot: { replica: 1, counter: 0 } })).toThrow(AccordError);
    expect(s.value()).toEqual(['y']);
  });

  it('OpMVRegister: keeps exactly the concurrent values, and a later write replaces them', () => {
    const a = new OpReplica(new OpMVRegister(1, stringCodec));
    const b = new OpReplica(new OpMVRegister(2, stringCodec));
    const c = new OpReplica(new OpMVRegister(3, stringCodec));
    const w0 = a.apply(a.crdt.prepareSet('base'));
    deliver([b, c], w0);
    const wa = a.apply(a.crdt.prepareSet('from-a'));
    const wb = b.apply(b.crdt.prepareSet('from-b'));
    deliver([a, c], wb);
    deliver([b, c], wa);
    for (const r of [a, b, c]) expect(r.crdt.value()).toEqual(['from-a', 'from-b']);
    const wc = c.apply(c.crdt.prepareSet('resolved'));
    deliver([a, b], wc);
    for (const r of [a, b, c]) expect(r.crdt.value()).toEqual(['resolved']);
    // A stale write (dominated) changes nothing.
    c.crdt.effect({ clock: new VectorClock([[1, 1]]), value: 'stale' });
    expect(c.crdt.value()).toEqual(['resolved']);
  });

  it('OpLWWRegister: a replica whose wall clock lags an hour still wins after observing', () => {
    let t = 10_000_000;
    const fast = new OpReplica(new OpLWWRegister(1, stringCodec, { now: () => t }));
    const slow = new OpReplica(new OpLWWRegister(2, stringCodec, { now: () => t - 3_600_000 }));
    const w1 = fast.apply(fast.crdt.prepareSet('first'));
    deliver([slow], w1);
    t += 1;
    const w2 = slow.apply(slow.crdt.prepareSet('second'));
    deliver([fast], w2);
    expect(fast.crdt.value()).toBe('second');
    expect(slow.crdt.value()).toBe('second');
    // Truly concurrent writes: the greater timestamp wins on both sides (fast's wall clock is ahead).
    const c1 = fast.apply(fast.crdt.prepareSet('c-fast'));
    const c2 = slow.apply(slow.crdt.prepareSet('c-slow'));
    deliver([slow], c1);
    deliver([fast], c2);
    expect(fast.crdt.value()).toBe('c-fast');
    expect(slow.crdt.value()).toBe('c-fast');
  });

  it('OpLWWRegister: equal wall and logical time is broken by replica id', () => {
    const a = new OpLWWRegister(5, stringCodec, { now: () => 100 });
    const b = new OpLWWRegister(6, stringCodec, { now: () => 100 });
    const wa = a.prepareSet('five');
    const wb = b.prepareSet('six');
    for (const r of [a, b]) {
      r.effect(wb);
      r.effect(wa);
    }
    expect(a.value()).toBe('six');
    expect(b.value()).toBe('six');
  });

  it('OpCounter: prepare does not change the value; subtract and add', () => {
    const r = new OpReplica(new OpCounter(1));
    const op = r.crdt.prepareAdd(10);
    expect(r.crdt.value()).toBe(0);
    r.apply(op);
    r.apply(r.crdt.prepareSubtract(3));
    expect(r.crdt.value()).toBe(7);
    expect(() => r.crdt.prepareAdd(0.5)).toThrow(AccordError);
    expect(() => r.apply({ amount: Number.NaN })).toThrow(AccordError);
    expect(r.delivered.get(1)).toBe(2); // the refused op did not consume a dot
  });

  it('OpReplica: reports missing dots and holds ops until they arrive', () => {
    const a = new OpReplica(new OpCounter(1));
    const b = new OpReplica(new OpCounter(2));
    const m1 = a.apply(a.crdt.prepareAdd(1));
    const m2 = a.apply(a.crdt.prepareAdd(2));
    expect(b.receive(m2)).toBe(0);
    expect(b.missing()).toEqual([{ replica: 1, from: 1, to: 1 }]);
    expect(b.crdt.value()).toBe(0);
    expect(b.receive(m1)).toBe(2);
    expect(b.crdt.value()).toBe(3);
    expect(b.receive(m1)).toBe(0);
    expect(b.crdt.value()).toBe(3);
  });

  it('OpReplica: buffer overflow is a typed error and changes nothing', () => {
    const a = new OpReplica(new OpCounter(1));
    const b = new OpReplica(new OpCounter(2), { maxPending: 1 });
    const msgs = [1, 2, 3].map((n) => a.apply(a.crdt.prepareAdd(n)));
    b.receive(msgs[1] as (typeof msgs)[number]);
    expect(() => b.receive(msgs[2] as (typeof msgs)[number])).toThrowError(
      expect.objectContaining({ code: 'buffer-overflow' }),
    );
    expect(b.pendingCount).toBe(1);
    expect(b.receive(msgs[0] as (typeof msgs)[number])).toBe(2);
    expect(b.crdt.value()).toBe(3);
  });

  it('OpReplica: a malformed op is refused before it is buffered', () => {
    const b = new OpReplica(new OpMVRegister(2, stringCodec));
    const bad = {
      dot: { replica: 1, counter: 1 },
      deps: new VectorClock(),
      payload: { clock: new VectorClock(), value: 'v' },
    };
    expect(() => b.receive(bad)).toThrow(AccordError);
    expect(b.delivered.isEmpty).toBe(true);
    expect(b.pendingCount).toBe(0);
    const good = { ...bad, payload: { clock: new VectorClock([[1, 1]]), value: 'v' } };
    expect(b.receive(good)).toBe(1);
    expect(b.crdt.value()).toEqual(['v']);
  });

  it('OpReplica with retained history answers missing() and messagesSince()', () => {
    const a = new OpReplica(new OpORSet(1, stringCodec), { retainHistory: true });
    const b = new OpReplica(new OpORSet(2, stringCodec), { retainHistory: true });
    const c = new OpReplica(new OpORSet(3, stringCodec));
    const m1 = a.apply(a.crdt.prepareAdd('p'));
    b.receive(m1);
    const m2 = b.apply(b.crdt.prepareAdd('q'));
    const m3 = a.apply(a.crdt.prepareRemove('p'));
    // c gets only b's op, which depends on a's first op.
    expect(c.receive(m2)).toBe(0);
    const missing = c.missing();
    expect(missing).toEqual([{ replica: 1, from: 1, to: 1 }]);
    for (const range of missing)
      for (let k = range.from; k <= range.to; k++) {
        const m = a.message({ replica: range.replica, counter: k });
        expect(m).toBe(m1);
        c.receive(m as typeof m1);
      }
    expect(c.crdt.value()).toEqual(['p', 'q']);
    // Catch-up: a sends what c's clock lacks, in causal order.
    expect(a.messagesSince(c.delivered)).toEqual([m3]);
    expect(b.messagesSince(new VectorClock())).toEqual([m1, m2]);
    for (const m of a.messagesSince(c.delivered)) c.receive(m);
    expect(c.crdt.value()).toEqual(['q']);
    expect(a.message({ replica: 2, counter: 1 })).toBeUndefined();
    expect(() => c.messagesSince(new VectorClock())).toThrow(AccordError);
  });

  it('OpORSet: a remove that observed many concurrent adds cancels exactly those', () => {
    const s = new OpORSet(100, stringCodec);
    const adds = Array.from({ length: 12 }, (_, i) => new OpORSet(i + 1, stringCodec).prepareAdd('m'));
    for (const a of adds) s.effect(a);
    expect(s.dotsOf('m')).toHaveLength(12);
    const rm = s.prepareRemove('m');
    expect(rm.dots).toHaveLength(12);
    const late = new OpORSet(50, stringCodec).prepareAdd('m');
    s.effect(late);
    s.effect(rm);
    expect(s.dotsOf('m')).toEqual([late.dot]);
    s.effect(s.prepareRemove('m'));
    expect(s.has('m')).toBe(false);
  });

  it('OpReplica detects another session using its replica id', () => {
    const mine = new OpReplica(new OpCounter(7));
    const impostor = new OpReplica(new OpCounter(7));
    mine.apply(mine.crdt.prepareAdd(1));
    const own = impostor.apply(impostor.crdt.prepareAdd(5)); // dot 7:1, same as mine's
    const next = impostor.apply(impostor.crdt.prepareAdd(5)); // dot 7:2, mine never made it
    expect(mine.receive(own)).toBe(0); // indistinguishable from a duplicate of its own op
    expect(() => mine.receive(next)).toThrowError(expect.objectContaining({ code: 'replica-collision' }));
    expect(mine.crdt.value()).toBe(1);
    expect(mine.delivered.get(7)).toBe(1);
  });

  it('OpReplica with history detects a second op under an effected dot', () => {
    const a = new OpReplica(new OpCounter(1));
    const twin = new OpReplica(new OpCounter(1)); // another session with the same id
    const other = new OpReplica(new OpCounter(2));
    const observer = new OpReplica(new OpCounter(3), { retainHistory: true });
    const m = a.apply(a.crdt.prepareAdd(1)); // 1:1, depends on nothing
    const o = other.apply(other.crdt.prepareAdd(10)); // 2:1
    twin.receive(o);
    const clash = twin.apply(twin.crdt.prepareAdd(100)); // 1:1 again, depends on 2:1
    expect(clash.dot).toEqual(m.dot);
    observer.receive(m);
    expect(observer.receive(m)).toBe(0); // a true duplicate is fine
    observer.receive(o);
    expect(() => observer.receive(clash)).toThrowError(
      expect.objectContaining({ code: 'replica-collision' }),
    );
    expect(observer.crdt.value()).toBe(11);
  });
});
