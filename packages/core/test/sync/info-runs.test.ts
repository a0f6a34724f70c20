/**
 * Groups whose records repeat one info byte (text typed backwards, collected ids of many
 * replicas) write their info bytes as runs: about one byte per character for prepended text, the
 * same document after reloading, and a hostile record count is refused before anything is
 * allocated for it.
 */
import { applyUpdate, DecodeError, Doc, encodeStateAsUpdate } from '@accord/core';
import { decodeUpdate, encodeUpdate } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

function prepended(n: number, clientId = 1): Doc {
  const doc = new Doc({ clientId });
  const t = doc.getText('t');
  for (let i = 0; i < n; i++) t.insert(0, String.fromCharCode(97 + (i % 26)));
  return doc;
}

describe('info bytes as runs', () => {
  it('text typed backwards costs about one byte per character and reloads unchanged', () => {
    const a = prepended(3000);
    const bytes = encodeStateAsUpdate(a);
    expect(bytes.length).toBeLessThan(3000 + 40);
    const b = new Doc({ clientId: 2 });
    applyUpdate(b, bytes);
    expect(b.getText('t').toString()).toBe(a.getText('t').toString());
    expect(encodeStateAsUpdate(b)).toEqual(bytes);
    // Concurrent edits still merge with it.
    b.getText('t').insert(1500, 'XY');
    a.getText('t').insert(0, '>');
    applyUpdate(a, encodeStateAsUpdate(b));
    applyUpdate(b, encodeStateAsUpdate(a));
    expect(a.getText('t').toString()).toBe(b.getText('t').toString());
  });

  it('deleted backward runs (records with no body) and prepended list numbers round-trip', () => {
    const a = prepended(2000);
    a.getText('t').delete(0, 2000);
    const l = a.getList('l');
    for (let i = 0; i < 500; i++) l.insert(0, i);
    const bytes = encodeStateAsUpdate(a);
    const b = new Doc({ clientId: 2 });
    applyUpdate(b, bytes);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(encodeStateAsUpdate(b)).toEqual(bytes);
  });

  it('refuses a run count that does not fit the bytes left, with DecodeError', () => {
    const bytes = encodeStateAsUpdate(prepended(100));
    const decoded = decodeUpdate(bytes);
    expect(decoded.records.length).toBe(100);
    // version 2, flags 1, one client (id 1), one group: root text "t" with runs, 2^40 records,
    // one run of 2^40 info bytes 0x0c, then nothing.
    const varint = (n: number): number[] => {
      const out: number[] = [];
      while (n >= 0x80) {
        out.push((n % 0x80) | 0x80);
        n = Math.floor(n / 0x80);
      }
      out.push(n);
      return out;
    };
    const hostile = new Uint8Array([
      2,
      1,
      1,
      1,
      1,
      4,
      2,
      1,
      0x74,
      ...varint(2 ** 40),
      1,
      0x0c,
      ...varint(2 ** 40),
      0,
      0,
    ]);
    expect(() => decodeUpdate(hostile)).toThrow(DecodeError);
    const doc = new Doc({ clientId: 3 });
    expect(() => applyUpdate(doc, hostile)).toThrow(DecodeError);
    expect(doc.toJSON()).toEqual({});
  });
});

describe('origins named by distance', () => {
  it('decoding re-encodes to the same bytes and the same records, for random concurrent texts (property)', () => {
    const edit = fc.record({
      replica: fc.nat(2),
      at: fc.nat(),
      del: fc.nat(3),
      ins: fc.string({ minLength: 0, maxLength: 4 }),
      sync: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 60 }), (edits) => {
        const docs = [new Doc({ clientId: 7 }), new Doc({ clientId: 3 }), new Doc({ clientId: 11 })];
        for (const e of edits) {
          const t = (docs[e.replica] as Doc).getText('t');
          const at = t.length === 0 ? 0 : e.at % (t.length + 1);
          const del = Math.min(e.del, t.length - at);
          if (del > 0) t.delete(at, del);
          if (e.ins.length > 0) t.insert(at, e.ins);
          if (e.sync) {
            applyUpdate(docs[0] as Doc, encodeStateAsUpdate(docs[e.replica] as Doc));
            applyUpdate(docs[e.replica] as Doc, encodeStateAsUpdate(docs[0] as Doc));
          }
        }
        for (const d of docs.slice(1)) applyUpdate(docs[0] as Doc, encodeStateAsUpdate(d));
        const bytes = encodeStateAsUpdate(docs[0] as Doc);
        const decoded = decodeUpdate(bytes);
        expect(encodeUpdate(decoded)).toEqual(bytes);
        // Integration from the decoded origins (an observer keeps the snapshot fast paths away)
        // rebuilds the same text as loading in document order.
        const general = new Doc({ clientId: 50 });
        general.getText('t').observe(() => {});
        applyUpdate(general, bytes);
        expect(general.getText('t').toString()).toBe((docs[0] as Doc).getText('t').toString());
      }),
      { numRuns: 120 },
    );
  }, 120_000);
});
