import type { ChangeEvent } from '@accord/core';
import { AccordError, applyUpdate, Doc, type DocMap, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from '../sync/helpers.js';

describe('Doc', () => {
  it('Doc.of gives the document of a root or nested container', () => {
    const doc = makeDoc(1);
    const root = doc.getMap('root');
    const text = root.setList('items').insertText(0);
    expect(Doc.of(root)).toBe(doc);
    expect(Doc.of(text)).toBe(doc);
    expect(text.doc).toBe(doc);
  });

  it('holds nested maps, lists, texts and counters and shows them as JSON', () => {
    const doc = makeDoc(1);
    const root = doc.getMap('root');
    root.set('title', 'hello');
    root.set('n', 3);
    const list = root.setList('items');
    list.push(1, 'two', { three: 3 });
    const t = list.insertText(1);
    t.insert(0, 'hi');
    const c = root.setCounter('likes');
    c.increment(5);
    c.decrement(2);
    expect(doc.toJSON()).toEqual({
      root: { title: 'hello', n: 3, items: [1, 'hi', 'two', { three: 3 }], likes: 3 },
    });
  });

  it('batches a transaction into one update event with its origin', () => {
    const doc = makeDoc(1);
    const seen: unknown[] = [];
    doc.on('update', (_u, origin) => seen.push(origin));
    doc.transact(() => {
      doc.getText('t').insert(0, 'abc');
      doc.getMap('m').set('k', 1);
      doc.getText('t').delete(0, 1);
    }, 'me');
    expect(seen).toEqual(['me']);
    doc.getText('t').insert(0, 'x');
    expect(seen).toEqual(['me', null]);
  });

  it('fires update events for applied updates with exactly what changed', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const updates: Uint8Array[] = [];
    a.on('update', (u) => updates.push(u));
    a.getText('t').insert(0, 'hello');
    a.getText('t').delete(1, 2);
    const relayed: Uint8Array[] = [];
    b.on('update', (u, origin) => {
      expect(origin).toBe('net');
      relayed.push(u);
    });
    for (const u of updates) applyUpdate(b, u, 'net');
    expect(b.getText('t').toString()).toBe('hlo');
    const c = makeDoc(3);
    for (const u of relayed) applyUpdate(c, u);
    expect(c.getText('t').toString()).toBe('hlo');
  });

  it('reports text and list changes in order to observers', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    const events: ChangeEvent[] = [];
    t.observe((e) => events.push(e));
    doc.transact(() => {
      t.insert(0, 'abc');
      t.delete(1, 1);
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.changes).toEqual([
      { index: 0, insert: 'abc' },
      { index: 1, delete: 1 },
    ]);
    const remote = makeDoc(2);
    syncBoth(doc, remote);
    const rEvents: ChangeEvent[] = [];
    remote.getText('t').observe((e) => rEvents.push(e));
    doc.getText('t').insert(1, 'XY');
    doc.getText('t').delete(0, 1);
    syncBoth(doc, remote);
    expect(remote.getText('t').toString()).toBe('XYc');
    let s = 'ac';
    for (const ev of rEvents) {
      expect(ev.local).toBe(false);
      for (const ch of ev.changes) {
        if (ch.insert !== undefined) s = s.slice(0, ch.index) + (ch.insert as string) + s.slice(ch.index);
        if (ch.delete !== undefined) s = s.slice(0, ch.index) + s.slice(ch.index + ch.delete);
      }
    }
    expect(s).toBe('XYc');
  });

  it('reports changed map keys and deep events', () => {
    const doc = makeDoc(1);
    const root = doc.getMap('root');
    const inner = root.setMap('inner');
    const keys: string[][] = [];
    root.observe((e) => keys.push([...e.keysChanged]));
    const deep: number[] = [];
    root.observeDeep((evs) => deep.push(evs.length));
    doc.transact(() => {
      root.set('a', 1);
      inner.set('b', 2);
    });
    expect(keys).toEqual([['a']]);
    expect(deep).toEqual([2]);
  });

  it('never splits a surrogate pair and round-trips emoji, CJK and Hangul', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'a😀b');
    t.insert(2, 'X'); // inside the pair: moves before it
    expect(t.toString()).toBe('aX😀b');
    t.delete(3, 1); // starts inside the pair: widens to it
    expect(t.toString()).toBe('aXb');
    t.insert(1, '漢字한국어👍🏽');
    expect(t.toString()).toBe('a漢字한국어👍🏽Xb');
    t.delete(9, 1); // starts on the low half of 🏽: widens to the pair
    expect(t.toString()).toBe('a漢字한국어👍Xb');
    const copy = new Doc({ clientId: 9 });
    applyUpdate(copy, encodeStateAsUpdate(doc));
    expect(copy.getText('t').toString()).toBe('a漢字한국어👍Xb');
    t.delete(5, 2); // ends inside 👍: widens to the pair
    expect(t.toString()).toBe('a漢字한국Xb');
  });

  it('keeps a surrogate pair whole when its halves sit in two runs', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    // The low half typed first, then the text and high half before it: two runs meet inside 😀.
    t.insert(0, '\uDE00b');
    t.insert(0, 'a\uD83D');
    expect(t.toString()).toBe('a😀b');
    t.insert(2, 'X'); // between the runs, inside the pair: moves before it
    expect(t.toString()).toBe('aX😀b');
    t.delete(3, 1); // starts inside the pair: widens to it
    expect(t.toString()).toBe('aXb');
    t.insert(3, '\uDE00');
    t.insert(3, '\uD83D');
    expect(t.toString()).toBe('aXb😀');
    t.delete(1, 3); // ends inside the pair (its halves again in two runs): widens to it
    expect(t.toString()).toBe('a');
  });

  it('still emits the update when an observer throws, then rethrows the error', () => {
    const doc = makeDoc(1);
    const updates: Uint8Array[] = [];
    doc.getText('t').observe(() => {
      throw new Error('observer bug');
    });
    doc.on('update', (u) => updates.push(u));
    expect(() => doc.getText('t').insert(0, 'x')).toThrow('observer bug');
    expect(updates).toHaveLength(1);
    const copy = makeDoc(2);
    applyUpdate(copy, updates[0] as Uint8Array);
    expect(copy.getText('t').toString()).toBe('x');
  });

  it('rejects bad arguments with AccordError', () => {
    const doc = makeDoc(1);
    expect(() => doc.getText('t').insert(1, 'x')).toThrow(AccordError);
    expect(() => doc.getText('t').delete(0, 1)).toThrow(AccordError);
    expect(() => doc.getMap('m').set('k', () => 1)).toThrow(AccordError);
    expect(() => doc.getMap('m').set('k', Number.NaN)).toThrow(AccordError);
    expect(() => doc.getCounter('c').increment(Number.POSITIVE_INFINITY)).toThrow(AccordError);
    expect(doc.toJSON()).toEqual({ t: '', m: {}, c: 0 });
  });
});

describe('map concurrency', () => {
  it('resolves concurrent sets by HLC timestamp and keeps only the winner', () => {
    const a = new Doc({ clientId: 1, now: () => 1000 });
    const b = new Doc({ clientId: 2, now: () => 2000 });
    a.getMap('m').set('k', 'from a');
    b.getMap('m').set('k', 'from b');
    syncBoth(a, b);
    expect(a.getMap('m').get('k')).toBe('from b');
    expect(b.getMap('m').get('k')).toBe('from b');
    expect(a.getMap('m').getAll('k')).toEqual(['from b']);
  });

  it('keeps the concurrent values visible in a map created with { concurrent: true }', () => {
    const a = new Doc({ clientId: 1, now: () => 1000 });
    const b = new Doc({ clientId: 2, now: () => 2000 });
    a.getMap('root').setMap('m', { concurrent: true });
    syncBoth(a, b);
    (a.getMap('root').get('m') as DocMap).set('k', 'from a');
    (b.getMap('root').get('m') as DocMap).set('k', 'from b');
    syncBoth(a, b);
    const am = a.getMap('root').get('m') as DocMap;
    expect(am.concurrent).toBe(true);
    expect(am.get('k')).toBe('from b');
    expect(am.getAll('k')).toEqual(['from b', 'from a']);
    const c = new Doc({ clientId: 3 });
    applyUpdate(c, encodeStateAsUpdate(a));
    expect((c.getMap('root').get('m') as DocMap).getAll('k')).toEqual(['from b', 'from a']);
    am.set('k', 'resolved');
    syncBoth(a, b);
    expect((b.getMap('root').get('m') as DocMap).getAll('k')).toEqual(['resolved']);
  });

  it('lets a write survive a concurrent delete (add wins)', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getMap('m').set('k', 1);
    syncBoth(a, b);
    a.getMap('m').delete('k');
    b.getMap('m').set('k', 2);
    syncBoth(a, b);
    expect(a.getMap('m').get('k')).toBe(2);
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('hides edits made inside a container deleted concurrently, on every replica', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const t = a.getMap('m').setText('doc');
    t.insert(0, 'base');
    syncBoth(a, b);
    a.getMap('m').delete('doc');
    const bt = b.getMap('m').get('doc') as { insert(i: number, s: string): void };
    bt.insert(4, ' more');
    b.getMap('m').set('other', true);
    syncBoth(a, b);
    expect(a.toJSON()).toEqual({ m: { other: true } });
    expect(b.toJSON()).toEqual(a.toJSON());
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(b));
    expect(c.toJSON()).toEqual(a.toJSON());
  });
});
