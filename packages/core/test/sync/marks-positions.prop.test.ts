/**
 * Snapshots whose marks name their anchors by position in the text's stored order
 * (`format/mark-anchors.ts`, marks group form bit 3): formatted texts of three replicas load on
 * both paths into exactly what was written, replicas with the same state write the same bytes,
 * and positions that lie (out of range, a start by clock that is not a unit, no text group) are
 * refused with a `DecodeError` that leaves the document untouched.
 */
import { applyUpdate, DecodeError, Doc, encodeStateAsUpdate } from '@accord/core';
import { decodeUpdate, type MarkRecord } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeqColumns } from '../../src/format/seq-columns.js';
import { encodeGroups } from '../../src/format/update-codec.js';
import { tryLoadTextSnapshot } from '../../src/sync/load-text.js';
import { richEdit, richEditArgs } from '../arbitraries/rich-text.js';
import { loadGeneral, makeDoc, syncBoth, unitsOf } from './helpers.js';
import { V1_DELTA, V1_SNAPSHOT, V1_TEXT } from './marks-v1-fixture.js';

const STRINGS = ['a', 'bc', 'xyz', '😀', 'words here '];

/** Where the marks group of root text `t` with anchors as positions starts (-1 if absent). */
function positionsGroupAt(bytes: Uint8Array): number {
  return bytes.findIndex(
    (_, i) => bytes[i] === 3 && bytes[i + 1] === 14 && bytes[i + 2] === 1 && bytes[i + 3] === 0x74,
  );
}

/** Three replicas after `steps` (edit on a replica, or sync two), then synced all round. */
function history(steps: readonly [number, readonly number[]][]): Doc[] {
  const docs = [makeDoc(1), makeDoc(2), makeDoc(3)];
  for (const [sel, args] of steps) {
    const d = docs[sel % 3] as Doc;
    if (sel % 7 !== 6) richEdit(d.getText('t'), args, STRINGS);
    else syncBoth(d, docs[(sel + 1) % 3] as Doc);
  }
  syncBoth(docs[0] as Doc, docs[1] as Doc);
  syncBoth(docs[1] as Doc, docs[2] as Doc);
  syncBoth(docs[0] as Doc, docs[1] as Doc);
  return docs;
}

/** A text `t` of replica 7 with `n` marks, and its snapshot. */
function markedDoc(n: number): { doc: Doc; snap: Uint8Array } {
  const doc = makeDoc(7);
  const t = doc.getText('t');
  for (let i = 0; i < n; i++) {
    t.insert(t.length, `word${i} `);
    t.format(t.length - 6, 4, { [i % 2 === 0 ? 'bold' : 'italic']: i % 5 === 0 ? null : true });
    if (i % 4 === 0) t.delete(t.length - 3, 2);
  }
  return { doc, snap: encodeStateAsUpdate(doc) };
}

describe('marks anchored by position in snapshots', () => {
  it('three replicas’ formatted texts load on both paths exactly as written, the same bytes on every replica', () => {
    let positioned = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(20), richEditArgs), { minLength: 80, maxLength: 160 }),
        (steps) => {
          const docs = history(steps);
          const source = docs[0] as Doc;
          if (source.store.clients.size === 0) return;
          const snap = encodeStateAsUpdate(source);
          for (const d of docs) expect(encodeStateAsUpdate(d)).toEqual(snap);
          runs++;
          if (positionsGroupAt(snap) > 0) positioned++;
          const fast = makeDoc(50);
          expect(tryLoadTextSnapshot(fast, snap, null)).toBe(true);
          const general = loadGeneral(snap);
          const text = source.getText('t');
          for (const d of [fast, general]) {
            expect(d.getText('t').toString()).toBe(text.toString());
            expect(d.getText('t').toDelta()).toEqual(text.toDelta());
            expect(unitsOf(d)).toEqual(unitsOf(source));
            expect(encodeStateAsUpdate(d)).toEqual(snap);
          }
          // The decoded marks are the source's, whatever layout carried them.
          const marks = (u: Uint8Array): MarkRecord[] =>
            decodeUpdate(u)
              .records.filter((r): r is MarkRecord => r.t === 4)
              .sort((a, b) => a.client - b.client || a.clock - b.clock);
          expect(marks(snap)).toEqual(marks(encodeStateAsUpdate(source, new Uint8Array([0]))));
        },
      ),
      { numRuns: 50 },
    );
    expect(positioned).toBeGreaterThan((runs * 3) / 4);
  });

  it('finds starts deep inside long runs on the fast path, past its walk budget too', () => {
    // One 40,000-unit run (pasted), 60 marks starting inside it: the walks from those starts to
    // the run's ends outgrow their budget, and the rest are found by a search.
    const doc = makeDoc(7);
    const t = doc.getText('t');
    t.insert(0, 'abcdefghij'.repeat(4000));
    for (let i = 0; i < 60; i++)
      t.format(600 * i + 17, 5 + (i % 7), { [i % 2 === 0 ? 'bold' : 'italic']: true });
    const other = makeDoc(8);
    other.getText('t').insert(0, 'xy');
    syncBoth(doc, other);
    const snap = encodeStateAsUpdate(doc);
    expect(positionsGroupAt(snap)).toBeGreaterThan(0);
    const fast = makeDoc(50);
    expect(tryLoadTextSnapshot(fast, snap, null)).toBe(true);
    const general = loadGeneral(snap);
    for (const d of [fast, general]) {
      expect(d.getText('t').toDelta()).toEqual(t.toDelta());
      expect(unitsOf(d)).toEqual(unitsOf(doc));
    }
  });

  it('nested texts and several texts carry their own positions', () => {
    const doc = makeDoc(7);
    const texts = [doc.getText('t'), doc.getMap('m').setText('n'), doc.getText('u')];
    for (let i = 0; i < 30; i++)
      for (const t of texts) {
        t.insert(t.length, `w${i} `);
        const at = Math.max(0, t.length - 7);
        t.format(at, Math.min(5, t.length - at), {
          [i % 2 === 0 ? 'bold' : 'italic']: i % 3 === 0 ? null : true,
        });
        if (i % 5 === 0) t.delete(1, 1);
      }
    const snap = encodeStateAsUpdate(doc);
    expect(
      snap.filter((_, i) => snap[i - 1] === 3 && (snap[i] === 14 || snap[i] === 15)).length,
    ).toBeGreaterThanOrEqual(3);
    const copy = loadGeneral(snap);
    expect(copy.getText('t').toDelta()).toEqual(texts[0]?.toDelta());
    expect(copy.getText('u').toDelta()).toEqual(texts[2]?.toDelta());
    expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(doc.toJSON()));
    expect(encodeStateAsUpdate(copy)).toEqual(snap);
  });

  it('damaged position snapshots are refused cleanly or load a sound document, on both paths', () => {
    const { snap } = markedDoc(40);
    const at = positionsGroupAt(snap);
    expect(at).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        (flips, cut, general) => {
          const bytes = snap.slice();
          const span = bytes.length - (at + 4);
          for (const [k, v] of flips) bytes[at + 4 + (k % span)] = v;
          const input = cut ? bytes.subarray(0, at + 4 + ((flips[0] as [number, number])[0] % span)) : bytes;
          const target = makeDoc(9);
          if (general) target.getText('t').observe(() => {});
          try {
            applyUpdate(target, input);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            expect(target.store.clients.size).toBe(0);
            expect(target.getText('t').toDelta()).toEqual([]);
            return;
          }
          const copy = makeDoc(11);
          applyUpdate(copy, encodeStateAsUpdate(target));
          expect(copy.getText('t').toDelta()).toEqual(target.getText('t').toDelta());
          expect(unitsOf(copy)).toEqual(unitsOf(target));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('refuses positions past the text, a start by clock outside it, and positions without a text', () => {
    const ref = { name: 't', kind: 'text' as const, client: -1, clock: 0 };
    // Text "abcdefghij" of replica 7 (clocks 0-9), 20 marks of replica 7 (clocks 10-29).
    const text = (): SeqColumns => {
      const cols = new SeqColumns();
      cols.push(7, 0, 10, -1, 0, -1, 0, 'abcdefghij');
      return cols;
    };
    const marks: MarkRecord[] = [];
    for (let i = 0; i < 20; i++)
      marks.push({
        t: 4,
        client: 7,
        clock: 10 + i,
        len: 1,
        parent: ref,
        sClient: 7,
        sClock: i % 10,
        sAfter: true,
        eClient: 7,
        eClock: 9,
        eAfter: false,
        key: i % 2 === 0 ? 'bold' : 'italic',
        wall: 1000,
        logical: i,
        value: true,
      });
    const positions = (edit: (p: number[]) => void): number[] => {
      const p = marks.flatMap((m) => [m.sClock, m.eClock]);
      edit(p);
      return p;
    };
    const update = (anchorPositions: number[], withText = true): Uint8Array =>
      encodeGroups(
        [
          ...(withText ? [{ ref, kind: 'text' as const, records: [], columns: text() }] : []),
          { ref, kind: 'marks', records: marks, anchorPositions },
        ],
        new Map(),
        true,
      );
    const good = update(positions(() => {}));
    expect(positionsGroupAt(good)).toBeGreaterThan(0);
    expect(decodeUpdate(good).records.filter((r) => r.t === 4)).toEqual(marks);
    const bad = [
      update(positions((p) => (p[6] = 10))), // a start past the text
      update(positions((p) => (p[1] = 12))), // an end past the text (the others repeat it)
      update(positions((p) => (p[1] = -1))), // an end before the text
      update(
        positions(() => {}),
        false,
      ), // no text group
    ];
    // A start on the mark's own replica (by clock) that is not a unit of the text, the end a
    // distance from it.
    const own = marks.map((m, i) => (i === 3 ? { ...m, sAfter: false, sClock: 40, eClock: 8 } : m));
    bad.push(
      encodeGroups(
        [
          { ref, kind: 'text', records: [], columns: text() },
          { ref, kind: 'marks', records: own, anchorPositions: positions((p) => (p[7] = 8)) },
        ],
        new Map(),
        true,
      ),
    );
    for (const bytes of bad) {
      expect(positionsGroupAt(bytes)).toBeGreaterThan(0);
      expect(() => decodeUpdate(bytes)).toThrow(DecodeError);
      const d = new Doc({ clientId: 9 });
      expect(tryLoadTextSnapshot(d, bytes, null)).toBe(false);
      expect(() => applyUpdate(d, bytes)).toThrow(DecodeError);
      expect(d.store.clients.size).toBe(0);
    }
  });

  it('loads a snapshot written before positions and shapes, on both paths', () => {
    const bytes = new Uint8Array(Buffer.from(V1_SNAPSHOT, 'base64'));
    const fast = makeDoc(50);
    expect(tryLoadTextSnapshot(fast, bytes, null)).toBe(true);
    const general = loadGeneral(bytes);
    for (const d of [fast, general]) {
      expect(d.getText('t').toString()).toBe(V1_TEXT);
      expect(d.getText('t').toDelta()).toEqual(V1_DELTA);
      expect(unitsOf(d)).toEqual(unitsOf(fast));
    }
    // Written again in the current layouts, it loads to the same document.
    const again = encodeStateAsUpdate(fast);
    expect(positionsGroupAt(again)).toBeGreaterThan(0);
    expect(encodeStateAsUpdate(general)).toEqual(again);
    const back = loadGeneral(again);
    expect(back.getText('t').toDelta()).toEqual(V1_DELTA);
    expect(unitsOf(back)).toEqual(unitsOf(fast));
  });
});
