import {
  type AnchorAssoc,
  createAnchor,
  DecodeError,
  type Doc,
  decodeAnchor,
  encodeAnchor,
  resolveAnchor,
  type Text,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/sequence/item.js';
import { makeDoc, syncBoth } from '../sync/helpers.js';

/** Every inserted character is unique, so a character identifies one unit. */
let nextChar = 0;
function freshChars(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x4e00 + (nextChar++ % 20000));
  return s;
}

type Action =
  | { t: 'ins'; r: number; at: number; n: number }
  | { t: 'del'; r: number; at: number; n: number }
  | { t: 'sync'; a: number; b: number }
  | { t: 'anchor'; r: number; at: number; assoc: AnchorAssoc };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    t: fc.constant('ins' as const),
    r: fc.nat(2),
    at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x),
    n: fc.integer({ min: 1, max: 4 }),
  }) as fc.Arbitrary<Action>,
  fc.record({
    t: fc.constant('del' as const),
    r: fc.nat(2),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    n: fc.integer({ min: 1, max: 3 }),
  }) as fc.Arbitrary<Action>,
  fc.record({ t: fc.constant('sync' as const), a: fc.nat(2), b: fc.nat(2) }),
  fc.record({
    t: fc.constant('anchor' as const),
    r: fc.nat(2),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    assoc: fc.constantFrom<AnchorAssoc>('before', 'after'),
  }) as fc.Arbitrary<Action>,
);

/** Oracle by full scan: live units before unit `(replica, clock)` in document order, and whether it is live. */
function scanPosition(
  doc: Doc,
  text: Text,
  replica: number,
  clock: number,
): { before: number; live: boolean } {
  const ci = doc.knownClientIndex(replica);
  let before = 0;
  let found: { before: number; live: boolean } | null = null;
  text.seq.index.forEach((it: Item) => {
    if (found !== null) return;
    if (it.client === ci && clock >= it.clock && clock < it.clock + it.len) {
      found = { before: before + (it.deleted ? 0 : clock - it.clock), live: !it.deleted };
      return;
    }
    if (!it.deleted) before += it.len;
  });
  if (found === null) throw new Error('unit not found');
  return found;
}

describe('anchors under concurrent edits (property)', () => {
  it('an anchor on character c resolves to where c is now (or where it was) on every replica', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        const docs = [makeDoc(11), makeDoc(22), makeDoc(33)];
        const texts = docs.map((d) => d.getText('t'));
        texts[0]?.insert(0, freshChars(8));
        for (const d of docs) syncBoth(docs[0] as Doc, d);
        const anchors: {
          bytes: Uint8Array;
          ch: string;
          assoc: AnchorAssoc;
          replica: number;
          clock: number;
        }[] = [];
        const mark = (r: number, index: number, assoc: AnchorAssoc): void => {
          const t = texts[r] as Text;
          const ci = assoc === 'before' ? index : index - 1;
          if (ci < 0 || ci >= t.length) return;
          const a = createAnchor(t, index, assoc);
          expect(resolveAnchor(t, a)).toBe(index);
          anchors.push({
            bytes: encodeAnchor(a),
            ch: t.toString()[ci] as string,
            assoc,
            replica: a.replica,
            clock: a.clock,
          });
        };
        for (let i = 0; i <= 8; i++) {
          mark(0, i, 'before');
          mark(0, i, 'after');
        }
        for (const act of actions) {
          if (act.t === 'sync') syncBoth(docs[act.a] as Doc, docs[act.b] as Doc);
          else {
            const t = texts[act.r] as Text;
            const at = Math.floor(act.at * (t.length + 1));
            if (act.t === 'ins') t.insert(Math.min(at, t.length), freshChars(act.n));
            else if (act.t === 'del' && t.length > 0) {
              const from = Math.min(at, t.length - 1);
              t.delete(from, Math.min(act.n, t.length - from));
            } else if (act.t === 'anchor') mark(act.r, Math.min(at, t.length), act.assoc);
          }
        }
        for (let round = 0; round < 2; round++) for (const d of docs) syncBoth(docs[0] as Doc, d);
        const final = texts[0]?.toString() as string;
        for (let r = 0; r < 3; r++) {
          const t = texts[r] as Text;
          expect(t.toString()).toBe(final);
          for (const a of anchors) {
            const idx = resolveAnchor(t, decodeAnchor(a.bytes));
            const where = final.indexOf(a.ch);
            const oracle = scanPosition(docs[r] as Doc, t, a.replica, a.clock);
            if (where >= 0) {
              expect(oracle.live).toBe(true);
              expect(idx).toBe(a.assoc === 'before' ? where : where + 1);
            } else {
              expect(oracle.live).toBe(false);
              expect(idx).toBe(oracle.before);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('encode/decode round-trips and mutated bytes only throw DecodeError', () => {
    const doc = makeDoc(5);
    const t = doc.getText('some root');
    t.insert(0, freshChars(5));
    const nested = doc.getList('l').insertText(0);
    nested.insert(0, 'xyz');
    const samples = [
      createAnchor(t, 2),
      createAnchor(t, 3, 'after'),
      createAnchor(t, 0, 'after'),
      createAnchor(nested, 3),
    ];
    for (const a of samples) {
      expect(decodeAnchor(encodeAnchor(a))).toEqual(a);
    }
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.uint8Array({ maxLength: 40 }),
        (which, flips, junk) => {
          const bytes = encodeAnchor(samples[which]!).slice();
          for (const [pos, v] of flips) bytes[pos % bytes.length] = v;
          for (const input of [bytes, junk, bytes.subarray(0, junk.length % (bytes.length + 1))]) {
            try {
              const a = decodeAnchor(input);
              expect(decodeAnchor(encodeAnchor(a))).toEqual(a);
              resolveAnchor(t, a);
            } catch (e) {
              expect(e).toBeInstanceOf(DecodeError);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
