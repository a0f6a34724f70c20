/**
 * Snapshots whose text groups skip their marks' clocks (`format/skip-marks.ts`): text typed on
 * either side of a mark travels as one record and is cut back exactly where the mark's clock
 * is; overlapping records cannot make the reader cut without bound.
 */
import { applyUpdate, DecodeError, Doc, encodeStateAsUpdate } from '@accord/core';
import { decodeUpdate, encodeUpdate, type MarkRecord, type SeqRecord } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeqColumns } from '../../src/format/seq-columns.js';
import { markClocks, skipClock, unskipClock } from '../../src/format/skip-marks.js';
import { encodeGroups } from '../../src/format/update-codec.js';
import { tryLoadTextSnapshot } from '../../src/sync/load-text.js';
import { makeDoc } from './helpers.js';

/** Text typed in one go with a bold word in the middle, and two marks (clocks 3 and 4) between. */
function typedAroundMarks(): Doc {
  const doc = makeDoc(7);
  const t = doc.getText('t');
  t.insert(0, 'abc');
  t.format(1, 1, { bold: true, italic: true });
  t.insert(3, 'def');
  return doc;
}

describe('text groups that skip their marks’ clocks', () => {
  it('skipClock and unskipClock are inverse on every clock that is not skipped', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(200)), fc.nat(400), (marks, c) => {
        const clocks = markClocks(marks.map((clock) => ({ client: 1, clock })));
        const skipped = clocks.get(1);
        if (skipped?.includes(c)) return;
        const s = skipClock(skipped, c);
        expect(unskipClock(skipped, s)).toBe(c);
        expect(s).toBe(c - marks.filter((m) => m < c).length);
      }),
    );
  });

  it('text typed around marks is one record in the snapshot and two runs once read', () => {
    const doc = typedAroundMarks();
    const snap = encodeStateAsUpdate(doc);
    expect(snap[1]).toBe(3);
    const records = decodeUpdate(snap).records;
    const runs = records.filter((r): r is SeqRecord => r.t === 0);
    expect(runs.map((r) => [r.clock, r.len, r.content, r.olClock])).toEqual([
      [0, 3, 'abc', 0],
      [5, 3, 'def', 2],
    ]);
    expect(runs[1]?.olClient).toBe(7);
    expect(records.filter((r): r is MarkRecord => r.t === 4).map((m) => m.clock)).toEqual([3, 4]);
    // The same records written without the skipping: two text records, more bytes.
    const unskipped = encodeUpdate({ records, deletes: new Map(), snapshot: true });
    expect(unskipped[1]).toBe(1);
    expect(decodeUpdate(unskipped).records).toEqual(records);
    expect(snap.length).toBeLessThan(unskipped.length);
    for (const fast of [true, false]) {
      const copy = new Doc({ clientId: 50 });
      if (fast) expect(tryLoadTextSnapshot(copy, snap, null)).toBe(true);
      else {
        copy.getMap('m');
        applyUpdate(copy, snap);
      }
      expect(copy.getText('t').toDelta()).toEqual(doc.getText('t').toDelta());
      if (fast) expect(encodeStateAsUpdate(copy)).toEqual(snap);
      copy.getText('t').insert(6, 'g');
      expect(copy.getText('t').toDelta()).toEqual([
        { insert: 'a' },
        { insert: 'b', attributes: { bold: true, italic: true } },
        { insert: 'cdefg' },
      ]);
    }
  });

  it('refuses records that overlap the marks more often than there are marks', () => {
    const ref = { name: 't', kind: 'text' as const, client: -1, clock: 0 };
    const cols = new SeqColumns();
    // Two runs of replica 7 over the same clocks 0..9 (in skipped counting), one mark at 5.
    cols.push(7, 0, 10, -1, 0, -1, 0, 'abcdefghij');
    cols.push(7, 0, 10, -1, 0, -1, 0, 'abcdefghij');
    const mark: MarkRecord = {
      t: 4,
      client: 7,
      clock: 5,
      len: 1,
      parent: ref,
      sClient: 7,
      sClock: 1,
      sAfter: false,
      eClient: -1,
      eClock: 0,
      eAfter: false,
      key: 'bold',
      wall: 1,
      logical: 0,
      value: true,
    };
    const bytes = encodeGroups(
      [
        { ref, kind: 'text', records: [], columns: cols, skipsMarks: true },
        { ref, kind: 'marks', records: [mark] },
      ],
      new Map(),
      true,
    );
    expect(bytes[1]).toBe(3);
    expect(() => decodeUpdate(bytes)).toThrow(DecodeError);
    const d = new Doc({ clientId: 9 });
    expect(tryLoadTextSnapshot(d, bytes, null)).toBe(false);
    expect(() => applyUpdate(d, bytes)).toThrow(DecodeError);
    expect(d.store.clients.size).toBe(0);
  });

  it('damaged snapshots that skip marks’ clocks (general path) are refused cleanly or load soundly', () => {
    const source = typedAroundMarks();
    const t = source.getText('t');
    for (let i = 0; i < 30; i++) {
      t.insert(t.length, ` w${i}`);
      if (i % 3 === 0) t.format(t.length - 2, 2, { [i % 2 === 0 ? 'bold' : 'link']: true });
      if (i % 7 === 0) t.delete(i, 2);
    }
    source.getMap('m').set('k', 1);
    const snap = encodeStateAsUpdate(source);
    expect(snap[1]).toBe(3);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (flips, cut) => {
          const bytes = snap.slice();
          for (const [k, v] of flips) bytes[2 + (k % (bytes.length - 2))] = v;
          const input = cut ? bytes.subarray(0, (flips[0] as [number, number])[0] % bytes.length) : bytes;
          const target = makeDoc(9);
          try {
            applyUpdate(target, input);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            expect(target.store.clients.size).toBe(0);
            return;
          }
          const copy = makeDoc(11);
          applyUpdate(copy, encodeStateAsUpdate(target));
          expect(copy.getText('t').toDelta()).toEqual(target.getText('t').toDelta());
        },
      ),
      { numRuns: 1000 },
    );
  });
});
