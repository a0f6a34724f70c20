import {
  AccordError,
  applyUpdate,
  type Doc,
  encodeStateAsUpdate,
  encodeStateVector,
  mergeUpdates,
  splitUpdate,
} from '@accord/core';
import { decodeUpdate } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docFrom, makeDoc, viewOf } from './helpers.js';

const PIECES = ['a', 'hello ', '😀', '漢字', 'x😀y', '\n', 'long run of text '.repeat(8)];

/** Random edits on text `t`, list `l` and map `m`, driven by `ops`. */
function edit(doc: Doc, ops: readonly (readonly [number, number, number])[]): void {
  const t = doc.getText('t');
  const l = doc.getList('l');
  const m = doc.getMap('m');
  for (const [kind, a, b] of ops) {
    const s = PIECES[a % PIECES.length] as string;
    switch (kind % 6) {
      case 0:
      case 1:
        t.insert(b % (t.length + 1), s.repeat(1 + (a % 5)));
        break;
      case 2:
        if (t.length > 0) {
          const at = b % t.length;
          t.delete(at, Math.min(t.length - at, 1 + (a % 7)));
        }
        break;
      case 3:
        l.insert(b % (l.length + 1), s, a, { n: b });
        break;
      case 4:
        if (l.length > 0) l.delete(b % l.length, 1);
        break;
      default:
        m.set(`k${a % 5}`, s);
    }
  }
}

describe('splitUpdate', () => {
  it('parts fit the limit and, in order or reversed, rebuild the same document (property)', () => {
    const op = fc.tuple(fc.nat(11), fc.nat(1000), fc.nat(100_000));
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 60 }),
        fc.array(op, { maxLength: 30 }),
        fc.integer({ min: 256, max: 3000 }),
        (opsA, opsB, maxBytes) => {
          const a = makeDoc(1);
          const b = makeDoc(2);
          const log: Uint8Array[] = [];
          for (const d of [a, b]) d.on('update', (u, origin) => origin === null && log.push(u));
          edit(a, opsA);
          applyUpdate(b, encodeStateAsUpdate(a, encodeStateVector(b)), 'net');
          edit(b, opsB);
          applyUpdate(a, encodeStateAsUpdate(b, encodeStateVector(a)), 'net');
          const want = JSON.stringify(viewOf(a));
          // A merged log (history with deletions), a snapshot and a diff: each form splits.
          for (const whole of [
            mergeUpdates(log),
            encodeStateAsUpdate(a),
            encodeStateAsUpdate(b, new Uint8Array([0])),
          ]) {
            const parts = splitUpdate(whole, maxBytes);
            for (const p of parts) expect(p.length).toBeLessThanOrEqual(maxBytes);
            const inOrder = docFrom(parts);
            expect(JSON.stringify(viewOf(inOrder))).toBe(want);
            const reversed = docFrom([...parts].reverse());
            expect(JSON.stringify(viewOf(reversed))).toBe(want);
            expect(reversed.pending).toHaveLength(0);
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('cuts a large paste into runs that never split a surrogate pair', () => {
    const doc = makeDoc(7);
    const text = '😀a漢'.repeat(40_000); // 160,000 code units, mostly surrogate pairs and CJK
    let update: Uint8Array | null = null;
    doc.on('update', (u) => {
      update = u;
    });
    doc.getText('t').insert(0, text);
    const whole = update as unknown as Uint8Array;
    expect(whole.length).toBeGreaterThan(64 * 1024);
    const parts = splitUpdate(whole, 64 * 1024);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(64 * 1024);
      for (const r of decodeUpdate(p).records) {
        if (r.t !== 0 || typeof r.content !== 'string') continue;
        const first = r.content.charCodeAt(0);
        expect(first >= 0xdc00 && first <= 0xdfff).toBe(false);
      }
    }
    expect(docFrom(parts).getText('t').toString()).toBe(text);
  });

  it('returns an update within the limit as it is', () => {
    const doc = makeDoc(3);
    doc.getText('t').insert(0, 'small');
    const u = encodeStateAsUpdate(doc);
    const parts = splitUpdate(u, 1024);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toBe(u);
  });

  it('splits a large delete set into delete-only parts', () => {
    const doc = makeDoc(4);
    const log: Uint8Array[] = [];
    doc.on('update', (u) => log.push(u));
    const t = doc.getText('t');
    t.insert(0, 'ab'.repeat(5000));
    for (let i = 0; i < 3000; i++) t.delete(i, 1); // 3000 separate one-unit gaps
    const whole = mergeUpdates(log);
    expect(decodeUpdate(whole).deletes.get(4)?.length).toBe(6000);
    const parts = splitUpdate(whole, 512);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(512);
    expect(parts.filter((p) => decodeUpdate(p).records.length === 0).length).toBeGreaterThan(1);
    expect(docFrom(parts).getText('t').toString()).toBe(t.toString());
  });

  it('an update whose runs take one byte each decodes (every other unit deleted)', () => {
    // Regression: the decoder required two bytes per record, but a one-unit run that continues
    // the previous one, with implied origins, is its info byte alone.
    const a = makeDoc(8);
    const b = makeDoc(9);
    const t = a.getText('t');
    t.insert(0, 'ab'.repeat(500));
    applyUpdate(b, encodeStateAsUpdate(a));
    for (let i = 0; i < 500; i++) t.delete(i, 1);
    const runs = encodeStateAsUpdate(a).slice();
    expect(decodeUpdate(runs).records.length).toBeGreaterThan(900);
    applyUpdate(b, encodeStateAsUpdate(a, encodeStateVector(b)));
    expect(b.getText('t').toString()).toBe('b'.repeat(500));
    expect(docFrom([runs]).getText('t').toString()).toBe('b'.repeat(500));
  });

  it('refuses a limit below the minimum and a single value that cannot fit', () => {
    const doc = makeDoc(5);
    doc.getMap('m').set('big', 'x'.repeat(10_000));
    const u = encodeStateAsUpdate(doc);
    expect(() => splitUpdate(u, 100)).toThrow(AccordError);
    try {
      splitUpdate(u, 4096);
      expect.unreachable('a 10 kB map value cannot fit 4 kB parts');
    } catch (e) {
      expect(e).toBeInstanceOf(AccordError);
      expect((e as AccordError).code).toBe('too-large');
    }
  });
});
