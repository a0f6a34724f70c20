import {
  applyUpdate,
  Counter,
  DecodeError,
  Doc,
  DocMap,
  encodeStateAsUpdate,
  List,
  mergeUpdates,
  Text,
} from '@accord/core';
import { encodeUpdate } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from '../sync/helpers.js';

describe('List', () => {
  it('inserts, reads and deletes elements', () => {
    const doc = makeDoc(1);
    const l = doc.getList('l');
    l.push(1, 2, 3);
    l.insert(1, 'a', 'b');
    expect(l.toJSON()).toEqual([1, 'a', 'b', 2, 3]);
    expect(l.get(2)).toBe('b');
    expect(l.get(9)).toBeUndefined();
    l.delete(1, 3);
    expect(l.toJSON()).toEqual([1, 3]);
    expect(l.length).toBe(2);
  });

  it('keeps concurrent runs of elements together', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getList('l').push('start', 'end');
    syncBoth(a, b);
    for (let i = 0; i < 4; i++) a.getList('l').insert(1 + i, `a${i}`);
    for (let i = 0; i < 4; i++) b.getList('l').insert(1, `b${3 - i}`);
    syncBoth(a, b);
    const out = a.getList('l').toJSON() as string[];
    expect(b.getList('l').toJSON()).toEqual(out);
    const joined = out.join(',');
    expect(joined.includes('a0,a1,a2,a3')).toBe(true);
    expect(joined.includes('b0,b1,b2,b3')).toBe(true);
  });

  it('hides a nested container whose element was deleted concurrently with edits inside it', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const m = a.getList('l').insertMap(0);
    m.set('x', 1);
    syncBoth(a, b);
    a.getList('l').delete(0, 1);
    const bm = b.getList('l').get(0) as DocMap;
    expect(bm).toBeInstanceOf(DocMap);
    bm.set('y', 2);
    bm.setText('t').insert(0, 'inside');
    syncBoth(a, b);
    expect(a.toJSON()).toEqual({ l: [] });
    expect(b.toJSON()).toEqual({ l: [] });
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(a));
    expect(c.toJSON()).toEqual({ l: [] });
  });

  it('nests every container kind', () => {
    const doc = makeDoc(1);
    const l = doc.getList('l');
    expect(l.insertList(0)).toBeInstanceOf(List);
    expect(l.insertText(1)).toBeInstanceOf(Text);
    expect(l.insertCounter(2)).toBeInstanceOf(Counter);
    (l.get(2) as Counter).increment(3);
    (l.get(0) as List).push(true);
    const copy = new Doc({ clientId: 5 });
    applyUpdate(copy, encodeStateAsUpdate(doc));
    expect(copy.toJSON()).toEqual({ l: [[true], '', 3] });
  });
});

describe('Counter', () => {
  it('sums concurrent increments exactly once, whatever the delivery', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const log: Uint8Array[] = [];
    a.on('update', (u) => log.push(u));
    b.on('update', (u) => log.push(u));
    a.getCounter('c').increment(5);
    b.getCounter('c').increment(-2);
    b.getCounter('c').increment(7);
    for (const u of [...log, ...log]) {
      applyUpdate(a, u);
      applyUpdate(b, u);
    }
    expect(a.getCounter('c').value).toBe(10);
    expect(b.getCounter('c').value).toBe(10);
  });
});

describe('applyUpdate limits and validation', () => {
  it('refuses to hold more runs than maxPending and changes nothing', () => {
    const a = makeDoc(1);
    const log: Uint8Array[] = [];
    a.on('update', (u) => log.push(u));
    a.getText('t').insert(0, 'a');
    a.getText('t').insert(1, 'b');
    a.getText('t').insert(0, 'c');
    const b = new Doc({ clientId: 2, maxPending: 1 });
    applyUpdate(b, log[1] as Uint8Array);
    expect(b.pending).toHaveLength(1);
    expect(() => applyUpdate(b, log[2] as Uint8Array)).toThrow(DecodeError);
    expect(b.pending).toHaveLength(1);
    applyUpdate(b, log[0] as Uint8Array);
    expect(b.getText('t').toString()).toBe('ab');
  });

  it('refuses to hold more deleted ranges than maxPending, changes nothing, and counts only ranges it would hold', () => {
    const deletesOf = (client: number, from: number, n: number) =>
      encodeUpdate({
        records: [],
        deletes: new Map([[client, Array.from({ length: n }, (_, i) => [from + 2 * i, 1]).flat()]]),
      });
    const b = new Doc({ clientId: 2, maxPending: 10 });
    b.getText('t').insert(0, 'x');
    const before = encodeStateAsUpdate(b);
    // Deletions of ids nobody has sent yet are held: 8 fit, 8 more would not.
    applyUpdate(b, deletesOf(77, 0, 8));
    expect(() => applyUpdate(b, deletesOf(77, 100, 8))).toThrow(DecodeError);
    expect(() => applyUpdate(b, deletesOf(78, 0, 11))).toThrow(/deleted ranges/);
    expect(encodeStateAsUpdate(b)).toEqual(before);
    // Deletions of a replica's own content in the same update are not held, however many.
    const a = makeDoc(5);
    const log: Uint8Array[] = [];
    a.on('update', (u) => log.push(u));
    a.getText('t').insert(0, 'ab'.repeat(50));
    for (let i = 0; i < 40; i++) a.getText('t').delete(i, 1);
    const c = new Doc({ clientId: 3, maxPending: 10 });
    applyUpdate(c, mergeUpdates(log));
    expect(c.getText('t').toString()).toBe(a.getText('t').toString());
    // Once the held ranges' content arrives they apply and free the room.
    const seventySeven = new Doc({ clientId: 77 });
    seventySeven.getText('t').insert(0, 'q'.repeat(20));
    applyUpdate(b, encodeStateAsUpdate(seventySeven));
    applyUpdate(b, deletesOf(78, 0, 10));
    expect(b.getText('t').toString().split('q').length - 1).toBe(12); // 8 of 20 deleted
    expect(b.getText('t').toString()).toContain('x');
  });

  it('rejects runs whose content does not fit their container, leaving the document unchanged', () => {
    const doc = makeDoc(1);
    doc.getMap('m').set('k', 1);
    const before = encodeStateAsUpdate(doc);
    const listInText = encodeUpdate({
      records: [
        {
          t: 0,
          client: 9,
          clock: 0,
          len: 1,
          parent: { name: 't', kind: 'list', client: -1, clock: 0 },
          olClient: 1,
          olClock: 0,
          orClient: -1,
          orClock: 0,
          content: [1],
        },
      ],
      deletes: new Map(),
    });
    expect(() => applyUpdate(doc, listInText)).toThrow(DecodeError);
    expect(encodeStateAsUpdate(doc)).toEqual(before);
  });
});
