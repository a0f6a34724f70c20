/**
 * The parts of a document made only when first needed (observer lists, changed-key sets, held
 * sets): an unobserved container shares one empty listener list, so observing one container must
 * never reach another; each event owns its changed keys; held structs and deletions still wait
 * and are released.
 */
import type { ChangeEvent } from '@accord/core';
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../sync/helpers.js';

/** Every update `doc` emits from now on. */
function updatesOf(doc: Doc): Uint8Array[] {
  const out: Uint8Array[] = [];
  doc.on('update', (u) => out.push(u));
  return out;
}

describe('parts made on first use', () => {
  it('an observer of one container never hears another, before and after it leaves', () => {
    const doc = makeDoc(1);
    const a = doc.getMap('a');
    const b = doc.getMap('b');
    const t = doc.getText('t');
    const heardA: string[][] = [];
    const heardDeepB: number[] = [];
    const stopA = a.observe((e) => heardA.push([...e.keysChanged]));
    b.set('x', 1);
    t.insert(0, 'hi');
    expect(heardA).toEqual([]);
    a.set('k', 1);
    expect(heardA).toEqual([['k']]);
    const stopB = b.observeDeep((evs) => heardDeepB.push(evs.length));
    a.set('k', 2);
    expect(heardDeepB).toEqual([]);
    b.set('y', 2);
    expect(heardDeepB).toEqual([1]);
    stopA();
    stopB();
    a.set('k', 3);
    b.set('y', 3);
    expect(heardA).toEqual([['k'], ['k']]);
    expect(heardDeepB).toEqual([1]);
    // Observed again after every observer left: heard again, once per observer.
    let again = 0;
    const stop1 = a.observe(() => again++);
    const stop2 = a.observe(() => again++);
    a.set('k', 4);
    expect(again).toBe(2);
    stop1();
    a.set('k', 5);
    expect(again).toBe(3);
    stop2();
    a.set('k', 6);
    expect(again).toBe(3);
  });

  it('each event owns its changed keys: a later transaction never adds to an earlier set', () => {
    const doc = makeDoc(1);
    const m = doc.getMap('m');
    const events: ChangeEvent[] = [];
    m.observe((e) => events.push(e));
    doc.transact(() => {
      m.set('a', 1);
      m.set('b', 2);
    });
    m.set('c', 3);
    m.delete('a');
    expect(events.map((e) => [...e.keysChanged].sort())).toEqual([['a', 'b'], ['c'], ['a']]);
    // A text's events have an empty set of their own.
    const t = doc.getText('t');
    const textEvents: ChangeEvent[] = [];
    t.observe((e) => textEvents.push(e));
    t.insert(0, 'x');
    t.insert(1, 'y');
    expect(textEvents).toHaveLength(2);
    const [e1, e2] = textEvents as [ChangeEvent, ChangeEvent];
    expect(e1.keysChanged.size).toBe(0);
    expect(e1.keysChanged).not.toBe(e2.keysChanged);
    expect(e1.changes).toEqual([{ index: 0, insert: 'x' }]);
    expect(e2.changes).toEqual([{ index: 1, insert: 'y' }]);
  });

  it('structs and deletions that arrive early wait in sets made for them, and are released', () => {
    const src = makeDoc(1);
    const t = src.getText('t');
    const ups = updatesOf(src);
    t.insert(0, 'abc');
    t.insert(3, 'def');
    t.delete(1, 3);
    expect(ups).toHaveLength(3);
    const dst = makeDoc(2);
    // The delete and the second insert first: both wait for the first insert.
    applyUpdate(dst, ups[2] as Uint8Array);
    applyUpdate(dst, ups[1] as Uint8Array);
    expect(dst.getText('t').toString()).toBe('');
    expect(dst.pendingCount).toBeGreaterThan(0);
    applyUpdate(dst, ups[0] as Uint8Array);
    expect(dst.pendingCount).toBe(0);
    expect(dst.getText('t').toString()).toBe('aef');
    expect(encodeStateAsUpdate(dst)).toEqual(encodeStateAsUpdate(src));
    // A fresh document that never held anything encodes and loads as before.
    const fresh = new Doc({ clientId: 3 });
    applyUpdate(fresh, encodeStateAsUpdate(src));
    expect(fresh.getText('t').toString()).toBe('aef');
    expect(fresh.pendingCount).toBe(0);
  });
});
