/**
 * The marks a text keeps resolved through its own keystrokes (`mark-index.ts`: a sorted list of
 * boundaries with a Fenwick tree over the gaps, new marks in a side list merged in now and then)
 * give the formatting a fresh replica computes from the anchors alone. The side list is made short
 * (one to three marks) so merges happen all the time, and long (never merged) for the side list's
 * own moves; typing runs with backspaces leave tombstones, so inserts after tombstones (boundaries
 * read from their anchors) come often.
 */
import { type AttributesPatch, applyUpdate, Doc, type Text } from '@accord/core';
import { encodeUpdate, type MarkRecord } from '@accord/core/protocol';
import fc from 'fast-check';
import { afterEach, describe, it } from 'vitest';
import { markIndexTuning, SIDE_MARKS } from '../../src/doc/mark-index.js';
import { sameAsFresh } from './fresh-replica.js';

const FORMATS = [
  { bold: true },
  { italic: true },
  { bold: null },
  { link: { href: 'x' } },
  { link: null, italic: null },
  { 'comment:1': true },
];

const burst = fc.tuple(fc.nat(9), fc.nat(1000), fc.nat(1000));

/** One random burst of local editing (see the module comment). */
function play(t: Text, kind: number, a: number, b: number): void {
  const n = t.length;
  const at = a % (n + 1);
  if (kind <= 2) {
    // Typing with backspaces, sometimes a format of the word just typed.
    let pos = at;
    for (let k = 0; k < 5 + (b % 30); k++) {
      if (k % 5 === 4 && pos > 0) t.delete(--pos, 1);
      else t.insert(pos++, 'abcdefg'[(b + k) % 7] as string);
      if (k % 9 === 8 && pos > 2) t.format(pos - 3, 3, FORMATS[(b + k) % FORMATS.length] as AttributesPatch);
    }
  } else if (kind === 3 && n > 2) {
    // Delete a range (maybe some marks' edges), then type where it was.
    const from = Math.min(at, n - 2);
    t.delete(from, 1 + (b % Math.min(8, n - from)));
    for (let k = 0; k < 1 + (b % 4); k++) t.insert(from + k, 'z');
  } else if (kind <= 5) {
    // An insert with attributes, then typing on after it.
    t.insert(at, 'Q', b % 2 === 0 ? { italic: true } : { bold: null, link: { href: 'y' } });
    for (let k = 1; k <= b % 4; k++) t.insert(at + k, 'q');
  } else if (n > 0) {
    // A format, then typing at its start and its end (grows for bold, not for links).
    const from = a % n;
    const len = 1 + (b % Math.min(12, n - from));
    t.format(from, len, FORMATS[b % FORMATS.length] as AttributesPatch);
    if (kind >= 8) {
      t.insert(from + len, 'e');
      t.insert(from, 's');
    }
  }
}

describe('MarkIndex (property)', () => {
  afterEach(() => {
    markIndexTuning.sideMarks = SIDE_MARKS;
  });

  it('reads between bursts of keystrokes and formats match a fresh replica, whatever the side list', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(1_000)),
        fc.array(burst, { minLength: 1, maxLength: 40 }),
        (side, bursts) => {
          markIndexTuning.sideMarks = side;
          let now = 1_000_000;
          const doc = new Doc({ clientId: 1, now: () => now++ });
          const t = doc.getText('t');
          t.insert(0, 'the quick brown fox jumps over the lazy dog');
          t.format(4, 5, { bold: true });
          t.format(10, 5, { link: { href: 'x' } });
          // A first read builds the index; from here on only local edits change the text.
          t.attributesAt(0);
          for (const [kind, a, b] of bursts) {
            play(t, kind, a, b);
            if (b % 3 === 0) sameAsFresh(doc, t);
          }
          sameAsFresh(doc, t);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('runs of typing, backspaces and forward deletes (one move of the boundaries per run) match a fresh replica', () => {
    // Each step: 0 type on, 1 backspace, 2 forward delete, 3 jump, 4 format around the cursor,
    // 5 insert with attributes, 6 read; runs of one kind wait in the index and grow.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(fc.nat(6), fc.integer({ min: 1, max: 4 }), fc.nat(1000)), {
          minLength: 1,
          maxLength: 80,
        }),
        (side, steps) => {
          markIndexTuning.sideMarks = side;
          let now = 1_000_000;
          const doc = new Doc({ clientId: 1, now: () => now++ });
          const t = doc.getText('t');
          t.insert(0, 'one two three four five six seven');
          t.format(4, 9, { bold: true });
          t.format(8, 10, { link: { href: 'x' } });
          t.attributesAt(0);
          let pos = 10;
          for (const [kind, n, r] of steps) {
            const len = t.length;
            pos = Math.min(pos, len);
            if (kind === 0) {
              t.insert(pos, 'abcd'.slice(0, n));
              pos += n;
            } else if (kind === 1 && pos > 0) {
              const k = Math.min(n, pos);
              t.delete(pos - k, k);
              pos -= k;
            } else if (kind === 2 && pos < len) t.delete(pos, Math.min(n, len - pos));
            else if (kind === 3) pos = r % (len + 1);
            else if (kind === 4 && len > 0) {
              const from = Math.max(0, Math.min(pos, len - 1) - (r % 3));
              t.format(
                from,
                Math.min(1 + (r % 5), len - from),
                FORMATS[r % FORMATS.length] as AttributesPatch,
              );
            } else if (kind === 5) {
              t.insert(pos, 'Q', r % 2 === 0 ? { italic: true } : { bold: null });
              pos += 1;
            } else if (kind === 6) t.attributesAt(r % Math.max(1, len));
          }
          sameAsFresh(doc, t);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('many marks at one place: typing there and deleting around it keeps each on its side', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(5), { maxLength: 30 }), (side, steps) => {
        markIndexTuning.sideMarks = side;
        let now = 1_000_000;
        const doc = new Doc({ clientId: 1, now: () => now++ });
        const t = doc.getText('t');
        t.insert(0, 'abcdef');
        t.attributesAt(0);
        // Marks ending after "c" (links, kept back) and before "d" (bold, moved on): one place.
        for (const s of steps) {
          const len = t.length;
          if (s === 0) t.format(0, 3, { link: { href: `h${len}` } });
          else if (s === 1) t.format(1, 2, { bold: len % 2 === 0 });
          else if (s === 2) t.insert(3, 'x');
          else if (s === 3 && len > 4) t.delete(2, 2);
          else if (s === 4) t.insert(0, 'y', { italic: true });
          else t.insert(len, 'w');
        }
        sameAsFresh(doc, t);
      }),
      { numRuns: 200 },
    );
  });

  it('a remote mark anchored at the edges of the text stays there while text is typed at either end', () => {
    fc.assert(
      fc.property(
        fc.record({ sAfter: fc.boolean(), eAfter: fc.boolean(), sClock: fc.nat(9), eClock: fc.nat(9) }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 12 }),
        (edges, steps) => {
          markIndexTuning.sideMarks = 1;
          let now = 1_000_000;
          const doc = new Doc({ clientId: 1, now: () => now++ });
          const t = doc.getText('t');
          t.insert(0, 'abc');
          t.format(1, 1, { bold: true });
          t.attributesAt(0);
          // Edge anchors (NONE: no unit); the codec gives them clock 0 and their side.
          const root = { name: 't', kind: 'text' as const, client: -1, clock: 0 };
          const mark: MarkRecord = {
            t: 4,
            client: 500,
            clock: 0,
            len: 1,
            parent: root,
            sClient: -1,
            eClient: -1,
            ...edges,
            key: 'italic',
            wall: 2_000_000,
            logical: 0,
            value: true,
          };
          applyUpdate(doc, encodeUpdate({ records: [mark], deletes: new Map() }));
          for (const s of steps) {
            if (s === 0) t.insert(0, 'x');
            else if (s === 1) t.insert(t.length, 'y');
            else if (s === 2 && t.length > 1) t.delete(0, 1);
            else t.attributesAt(0);
          }
          sameAsFresh(doc, t);
        },
      ),
      { numRuns: 100 },
    );
  });
});
