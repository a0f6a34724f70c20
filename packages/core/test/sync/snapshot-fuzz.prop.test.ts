import {
  applyUpdate,
  DecodeError,
  Doc,
  encodeStateAsUpdate,
  encodeStateVector,
  type Text,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';

function richDoc(): Doc {
  const doc = makeDoc(3);
  const t = doc.getText('t');
  t.insert(0, 'hello 😀 wörld');
  t.delete(3, 4);
  t.insert(2, '漢字');
  const m = doc.getMap('m');
  m.set('a', [1, { b: null }]);
  m.setText('inner').insert(0, 'x');
  const l = m.setList('l');
  l.push(1, 2, 3);
  l.insertCounter(1).increment(2);
  l.delete(0, 1);
  doc.getCounter('c').increment(-4);
  return doc;
}

/**
 * Load `bytes` into an empty document: either DecodeError with the document left empty (null),
 * or a document whose snapshot loads into another one equal to it.
 */
function loadsFullyOrRefuses(bytes: Uint8Array): Doc | null {
  const d = new Doc({ clientId: 8 });
  try {
    applyUpdate(d, bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect(d.store.clients.size).toBe(0);
    expect(d.toJSON()).toEqual({});
    return null;
  }
  const copy = new Doc({ clientId: 9 });
  applyUpdate(copy, encodeStateAsUpdate(d));
  expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(d.toJSON()));
  return d;
}

describe('snapshot loading (fuzz)', () => {
  const snapshot = encodeStateAsUpdate(richDoc());

  it('loads the snapshot into an empty document exactly', () => {
    const d = new Doc({ clientId: 8 });
    applyUpdate(d, snapshot);
    expect(d.toJSON()).toEqual(richDoc().toJSON());
  });

  it('mutated snapshots into an empty document: DecodeError and an empty document, or a usable one', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), (flips) => {
        const bytes = snapshot.slice();
        for (const [at, v] of flips) bytes[at % bytes.length] = v;
        const d = loadsFullyOrRefuses(bytes);
        if (d === null) return;
        // Accepted: the document also works after an edit.
        const t = d.getText('t') as Text;
        t.insert(t.length >> 1, 'ok');
        const copy = new Doc({ clientId: 9 });
        applyUpdate(copy, encodeStateAsUpdate(d));
        expect(copy.getText('t').toString()).toBe(t.toString());
      }),
      { numRuns: 600 },
    );
  });

  it('mutated one-text snapshots (the direct text path) only load fully or throw DecodeError', () => {
    const a = makeDoc(3);
    const b = makeDoc(4);
    const t = a.getText('body');
    t.insert(0, 'The quick brown fox');
    applyUpdate(b, encodeStateAsUpdate(a));
    b.getText('body').insert(4, 'very ');
    t.delete(10, 6);
    applyUpdate(a, encodeStateAsUpdate(b, encodeStateVector(a)));
    t.insert(t.length, ' jumps 😀');
    const text = encodeStateAsUpdate(a);
    const fresh = new Doc({ clientId: 8 });
    applyUpdate(fresh, text);
    expect(fresh.getText('body').toString()).toBe(t.toString());
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }), (flips) => {
        const bytes = text.slice();
        for (const [at, v] of flips) bytes[at % bytes.length] = v;
        const d = loadsFullyOrRefuses(bytes);
        if (d === null) return;
        const body = d.getText('body') as Text;
        body.insert(body.length >> 1, '!');
      }),
      { numRuns: 600 },
    );
  });

  it('mutated packed one-text snapshots (version 3) only load fully or throw DecodeError', () => {
    const a = makeDoc(3);
    const b = makeDoc(4);
    const t = a.getText('body');
    t.insert(0, 'The quick brown fox jumps over the lazy dog, 😀 漢字. '.repeat(12));
    applyUpdate(b, encodeStateAsUpdate(a));
    b.getText('body').insert(40, 'a remote insertion ');
    t.delete(100, 60);
    applyUpdate(a, encodeStateAsUpdate(b, encodeStateVector(a)));
    const packed = encodeStateAsUpdate(a);
    expect(packed[0]).toBe(3);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (flips, nearEnd) => {
          const bytes = packed.slice();
          // Half the runs aim at the packed text (the last bytes), where the codes are.
          for (const [at, v] of flips) bytes[nearEnd ? bytes.length - 1 - (at % 200) : at % bytes.length] = v;
          loadsFullyOrRefuses(bytes);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('round-trips lone surrogates inserted on purpose', () => {
    const a = makeDoc(1);
    const log: Uint8Array[] = [];
    a.on('update', (u) => log.push(u));
    a.getText('t').insert(0, 'a\uD800b');
    a.getText('t').insert(3, '\uDC00');
    const b = makeDoc(2);
    for (const u of log) applyUpdate(b, u);
    expect(b.getText('t').toString()).toBe('a\uD800b\uDC00');
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(a));
    expect(c.getText('t').toString()).toBe('a\uD800b\uDC00');
  });
});
