import { applyUpdate, type Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth, viewOf } from './helpers.js';

/**
 * Loading a snapshot into an empty document takes a fast path; its `'update'` event carries a copy
 * of the snapshot instead of re-encoding the same state. These tests hold that event to what any
 * `'update'` event promises: applied elsewhere, it gives the same document.
 */

/** Two replicas that edited `t`, `m` and `l` concurrently and merged; `textOnly` edits the text alone. */
function history(ops: [number, number, string][], textOnly: boolean): Doc {
  const a = makeDoc(1);
  const b = makeDoc(2);
  ops.forEach(([who, at, s], i) => {
    const d = who % 2 === 0 ? a : b;
    const t = d.getText('t');
    if (s === '' && t.length > 0) {
      const from = at % t.length;
      t.delete(from, Math.min(1 + (at % 3), t.length - from));
    } else t.insert(at % (t.length + 1), s || 'x');
    if (!textOnly) {
      d.getMap('m').set(`k${at % 4}`, i);
      if (i % 3 === 0) d.getList('l').insert(0, [s]);
    }
    if (i % 4 === 3) syncBoth(a, b);
  });
  syncBoth(a, b);
  return a;
}

const opsArb = fc.array(fc.tuple(fc.nat(3), fc.nat(1000), fc.string({ maxLength: 6 })), {
  minLength: 1,
  maxLength: 40,
});

/** Load `bytes` into a fresh document with an update listener; returns it and the events' bytes. */
function loadWithListener(bytes: Uint8Array): { doc: Doc; events: Uint8Array[] } {
  const doc = makeDoc(9);
  const events: Uint8Array[] = [];
  doc.on('update', (u) => events.push(u));
  applyUpdate(doc, bytes, 'load');
  return { doc, events };
}

/** A fresh document that took the general path (an observer keeps the fast paths away). */
function applyGeneral(updates: Uint8Array[]): Doc {
  const d = makeDoc(10);
  d.getText('t').observe(() => {});
  for (const u of updates) applyUpdate(d, u);
  return d;
}

describe("a snapshot loaded into an empty document: the 'update' event", () => {
  for (const textOnly of [true, false]) {
    it(`gives the same document when applied elsewhere (${textOnly ? 'one text' : 'text, map and list'})`, () => {
      fc.assert(
        fc.property(opsArb, (ops) => {
          const source = history(ops, textOnly);
          const snapshot = encodeStateAsUpdate(source);
          const { doc, events } = loadWithListener(snapshot);
          expect(events).toHaveLength(1);
          const replica = applyGeneral(events);
          expect(viewOf(replica)).toEqual(viewOf(source));
          expect(encodeStateVector(replica)).toEqual(encodeStateVector(source));
          expect(viewOf(doc)).toEqual(viewOf(source));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('is a copy: changing the caller’s buffer afterwards does not change it', () => {
    const source = history(
      [
        [0, 0, 'hello'],
        [1, 3, 'world'],
        [0, 2, ''],
      ],
      true,
    );
    const snapshot = encodeStateAsUpdate(source);
    const original = snapshot.slice();
    const { events } = loadWithListener(snapshot);
    snapshot.fill(0);
    expect(events[0]).toEqual(original);
    expect(applyGeneral(events).getText('t').toString()).toBe(source.getText('t').toString());
  });

  it('also carries the local edits of an enclosing transaction', () => {
    const source = history(
      [
        [0, 0, 'abc'],
        [1, 1, 'de'],
      ],
      true,
    );
    const snapshot = encodeStateAsUpdate(source);
    const doc = makeDoc(9);
    const events: Uint8Array[] = [];
    doc.on('update', (u) => events.push(u));
    doc.transact(() => {
      applyUpdate(doc, snapshot, 'load');
      doc.getText('t').insert(0, 'Z');
    });
    expect(events).toHaveLength(1);
    const replica = applyGeneral(events);
    expect(replica.getText('t').toString()).toBe(`Z${source.getText('t').toString()}`);
    expect(replica.getText('t').toString()).toBe(doc.getText('t').toString());
  });
});
