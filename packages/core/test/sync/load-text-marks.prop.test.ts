/**
 * The one-text fast snapshot load with marks: a formatted text written by several replicas loads
 * through the fast path (checked directly) into exactly what the general path builds, and both
 * keep formatting alike afterwards.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tryLoadTextSnapshot } from '../../src/sync/load-text.js';
import { richEdit, richEditArgs } from '../arbitraries/rich-text.js';
import { makeDoc } from './helpers.js';

const STRINGS = ['a', 'bc', 'xyz', '😀'];

describe('fast snapshot load of formatted text (property)', () => {
  it('loads what the general path loads, and formats alike afterwards', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), richEditArgs), { minLength: 1, maxLength: 30 }), (steps) => {
        const docs = [makeDoc(1), makeDoc(2)];
        for (const [sel, args] of steps) {
          const d = docs[sel % 2] as Doc;
          if (sel < 3) richEdit(d.getText('t'), args, STRINGS);
          else applyUpdate(docs[(sel + 1) % 2] as Doc, encodeStateAsUpdate(d));
        }
        applyUpdate(docs[0] as Doc, encodeStateAsUpdate(docs[1] as Doc));
        if ((docs[0] as Doc).store.clients.size === 0) return; // nothing written: not a text snapshot
        const bytes = encodeStateAsUpdate(docs[0] as Doc);
        const fast = new Doc({ clientId: 50 });
        expect(tryLoadTextSnapshot(fast, bytes, null)).toBe(true);
        const general = new Doc({ clientId: 50 });
        general.getText('t').observe(() => {});
        applyUpdate(general, bytes);
        expect(fast.getText('t').toDelta()).toEqual(general.getText('t').toDelta());
        expect(fast.getText('t').toDelta()).toEqual((docs[0] as Doc).getText('t').toDelta());
        expect(encodeStateVector(fast)).toEqual(encodeStateVector(general));
        expect(encodeStateAsUpdate(fast)).toEqual(bytes);
        // The clock folded in the latest mark time (once, on the fast path; per mark, generally).
        expect(fast.hlc.peek()).toEqual(general.hlc.peek());
        for (const d of [fast, general]) {
          const t = d.getText('t');
          if (t.length > 0) t.format(0, t.length, { italic: true });
          t.insert(t.length, 'z');
        }
        expect(fast.getText('t').toDelta()).toEqual(general.getText('t').toDelta());
      }),
      { numRuns: 200 },
    );
  });

  it('takes no snapshot whose mark anchors a mark (not a unit); the general path holds that mark', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    t.insert(0, 'abc');
    t.format(0, 2, { bold: true });
    const bytes = encodeStateAsUpdate(a);
    // The mark's start anchor names unit (1, 0): point it at the mark's own clock (3) instead.
    const forged = bytes.slice();
    const i = forged.lastIndexOf(0x74); // the root name "t" of the marks group
    // Layout after the name: count 1, info, id (client index, clock 3), start anchor on the mark's
    // own replica (clock delta -3 from the mark's, a signed varint: 0x43).
    expect(forged[i + 1]).toBe(1);
    expect(forged[i + 4]).toBe(3);
    expect(forged[i + 5]).toBe(0x43);
    forged[i + 5] = 0;
    const d = new Doc({ clientId: 9 });
    expect(tryLoadTextSnapshot(d, forged, null)).toBe(false);
    expect(d.store.clients.size).toBe(0);
    // The general path holds the mark (it waits for its own id, which never comes as a unit, as
    // a run whose origin is its own id does) and formats nothing.
    applyUpdate(d, forged);
    expect(d.pending).toHaveLength(1);
    expect(d.getText('t').toDelta()).toEqual([{ insert: 'abc' }]);
  });
});
