import {
  applyUpdate,
  type Doc,
  decodeStateVector,
  diffUpdate,
  encodeStateAsUpdate,
  encodeStateVector,
  mergeUpdates,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc, viewOf } from './helpers.js';

function recordUpdates(doc: Doc): Uint8Array[] {
  const log: Uint8Array[] = [];
  doc.on('update', (u) => log.push(u));
  return log;
}

function scriptedHistory(doc: Doc, steps: number[]): void {
  const t = doc.getText('t');
  const m = doc.getMap('m');
  const l = doc.getList('l');
  steps.forEach((r, i) => {
    if (r % 4 === 0 && t.length > 0) t.delete(r % t.length, 1);
    else if (r % 4 === 1) m.set(`k${r % 3}`, i);
    else if (r % 4 === 2) l.insert(r % (l.length + 1), i);
    else t.insert(r % (t.length + 1), String.fromCharCode(97 + (r % 26)));
  });
}

describe('sync', () => {
  it('a diff from any earlier state vector brings a replica exactly up to date', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 80 }), fc.nat(), (steps, cut) => {
        const a = makeDoc(1);
        const log = recordUpdates(a);
        scriptedHistory(a, steps);
        const b = makeDoc(2);
        const k = cut % (log.length + 1);
        for (const u of log.slice(0, k)) applyUpdate(b, u);
        applyUpdate(b, encodeStateAsUpdate(a, encodeStateVector(b)));
        expect(viewOf(b)).toEqual(viewOf(a));
        expect(decodeStateVector(encodeStateVector(b))).toEqual(decodeStateVector(encodeStateVector(a)));
        // diffUpdate without a document gives the same result.
        const c = makeDoc(3);
        for (const u of log.slice(0, k)) applyUpdate(c, u);
        applyUpdate(c, diffUpdate(mergeUpdates(log), encodeStateVector(c)));
        expect(viewOf(c)).toEqual(viewOf(a));
      }),
      { numRuns: 100 },
    );
  });

  it('a snapshot plus later updates equals the full history', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 2, maxLength: 80 }), fc.nat(), (steps, cut) => {
        const a = makeDoc(1);
        const k = 1 + (cut % steps.length);
        scriptedHistory(a, steps.slice(0, k));
        const snapshot = encodeStateAsUpdate(a);
        const later = recordUpdates(a);
        scriptedHistory(a, steps.slice(k));
        const b = makeDoc(2);
        applyUpdate(b, snapshot);
        for (const u of later) applyUpdate(b, u);
        expect(viewOf(b)).toEqual(viewOf(a));
        expect(encodeStateVector(b)).toEqual(encodeStateVector(a));
      }),
      { numRuns: 100 },
    );
  });

  it('holds updates whose dependencies are missing until they arrive', () => {
    const a = makeDoc(1);
    const log = recordUpdates(a);
    a.getText('t').insert(0, 'hello');
    a.getText('t').insert(5, ' world');
    a.getText('t').delete(0, 1);
    const b = makeDoc(2);
    applyUpdate(b, log[2] as Uint8Array);
    applyUpdate(b, log[1] as Uint8Array);
    expect(b.getText('t').toString()).toBe('');
    expect(b.pending.length).toBeGreaterThan(0);
    applyUpdate(b, log[0] as Uint8Array);
    expect(b.getText('t').toString()).toBe('ello world');
    expect(b.pending).toHaveLength(0);
  });

  it('releases chains of held updates across replicas, and held deletions, once the root arrives', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const c = makeDoc(3);
    const own = (doc: Doc): Uint8Array[] => {
      const log: Uint8Array[] = [];
      doc.on('update', (u, origin) => origin === null && log.push(u));
      return log;
    };
    const la = own(a);
    const lb = own(b);
    const lc = own(c);
    a.getText('t').insert(0, 'A');
    applyUpdate(b, la[0] as Uint8Array, 'net');
    b.getText('t').insert(1, 'B');
    applyUpdate(c, la[0] as Uint8Array, 'net');
    applyUpdate(c, lb[0] as Uint8Array, 'net');
    c.getText('t').insert(2, 'C');
    c.getText('t').delete(0, 1); // deletes A: held on a replica that lacks A
    const d = makeDoc(4);
    for (const u of lc) applyUpdate(d, u);
    applyUpdate(d, lb[0] as Uint8Array);
    expect(d.getText('t').toString()).toBe('');
    expect(d.pending.length).toBe(2);
    applyUpdate(d, la[0] as Uint8Array);
    expect(d.getText('t').toString()).toBe('BC');
    expect(d.pending).toHaveLength(0);
    expect(viewOf(d)).toEqual(viewOf(c));
  });

  it('is idempotent: applying an update twice changes nothing and emits nothing', () => {
    const a = makeDoc(1);
    a.getText('t').insert(0, 'abc');
    a.getMap('m').set('x', 1);
    a.getCounter('c').increment(2);
    const u = encodeStateAsUpdate(a);
    const b = makeDoc(2);
    applyUpdate(b, u);
    const events: Uint8Array[] = [];
    b.on('update', (x) => events.push(x));
    applyUpdate(b, u);
    expect(events).toHaveLength(0);
    expect(b.toJSON()).toEqual({ t: 'abc', m: { x: 1 }, c: 2 });
  });

  it('mergeUpdates of the whole log equals the document', () => {
    const a = makeDoc(1);
    const log = recordUpdates(a);
    scriptedHistory(a, [3, 7, 11, 1, 2, 6, 0, 4, 15, 19, 8]);
    const b = makeDoc(2);
    applyUpdate(b, mergeUpdates(log.slice().reverse()));
    expect(viewOf(b)).toEqual(viewOf(a));
    expect(mergeUpdates([mergeUpdates(log.slice(0, 4)), mergeUpdates(log.slice(2))]).length).toBeGreaterThan(
      0,
    );
    const c = makeDoc(3);
    applyUpdate(c, mergeUpdates([mergeUpdates(log.slice(0, 4)), mergeUpdates(log.slice(2))]));
    expect(viewOf(c)).toEqual(viewOf(a));
  });
});
