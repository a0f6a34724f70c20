/**
 * Text typed next to tombstones in formatted text goes where the walk over them says
 * (`MarkAnchors.deadAfter`); in a long history the walk crosses leaves of tombstones only by their
 * summaries (`dead-leaf-summary.ts`). Two replicas with the same id and clock, one crossing
 * leaves by summaries and one item by item, must place every keystroke alike: the same text and
 * marks and the same encoded state, bit for bit.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, type Text } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARK_KEYS } from '../arbitraries/rich-text.js';

/** The tombstone walk's internals a test may switch and read. */
interface WalkInternals {
  summaries: boolean;
  leavesCrossed: number;
}

function anchorsOf(t: Text): WalkInternals {
  return (t as unknown as { anchors: WalkInternals }).anchors;
}

/** A text on a document with a fixed replica id and a counting clock. */
function text(clientId: number): Text {
  let now = 1_000_000;
  return new Doc({ clientId, now: () => now++ }).getText('t');
}

describe('tombstone leaves crossed by their summaries (property)', () => {
  it('place typed text exactly as a walk item by item does', () => {
    // Bursts of typing at a caret that jumps, backspace bursts that delete most of it, formats of
    // growing and non-growing keys: thousands of tombstone runs, whole leaves of them.
    const step = fc.record({ kind: fc.nat(13), r: fc.nat(100_000) });
    let crossed = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1500, maxLength: 2500 }), (steps) => {
        const a = text(11);
        const b = text(11);
        anchorsOf(b).summaries = false;
        // Another replica, synced now and then, formats what it last saw: its marks reach a and b
        // anchored to units they deleted since.
        const c = text(12);
        let caret = 0;
        for (const s of steps) {
          const len = a.length;
          if (s.kind <= 4 || len === 0) {
            if (s.kind >= 2) caret = s.r % (len + 1);
            const n = 1 + (s.r % 12);
            for (let k = 0; k < n; k++) {
              const ch = String.fromCharCode(97 + ((s.r + k) % 26));
              a.insert(caret, ch);
              b.insert(caret, ch);
              caret++;
            }
          } else if (s.kind <= 8) {
            const n = Math.min(caret, 1 + (s.r % 14));
            for (let k = 0; k < n; k++) {
              a.delete(caret - 1, 1);
              b.delete(caret - 1, 1);
              caret--;
            }
          } else if (s.kind === 11) {
            applyUpdate(c.doc as Doc, encodeStateAsUpdate(a.doc as Doc));
          } else {
            const remote = s.kind >= 12;
            const t = remote ? c : a;
            if (t.length === 0) continue;
            const at = s.r % t.length;
            const n = 1 + (s.r % Math.min(6, t.length - at));
            const key = MARK_KEYS[s.r % MARK_KEYS.length] as string;
            const attrs = { [key]: s.kind !== 10 ? true : null };
            if (remote) {
              const before = encodeStateVector(a.doc as Doc);
              c.format(at, n, attrs);
              const update = encodeStateAsUpdate(c.doc as Doc, before);
              applyUpdate(a.doc as Doc, update);
              applyUpdate(b.doc as Doc, update);
            } else {
              a.format(at, n, attrs);
              b.format(at, n, attrs);
            }
          }
        }
        expect(a.toDelta()).toEqual(b.toDelta());
        expect(encodeStateAsUpdate(a.doc as Doc)).toEqual(encodeStateAsUpdate(b.doc as Doc));
        expect(anchorsOf(b).leavesCrossed).toBe(0);
        crossed += anchorsOf(a).leavesCrossed;
      }),
      { numRuns: 20 },
    );
    // The histories were long enough for walks to cross whole leaves of tombstones.
    expect(crossed).toBeGreaterThan(0);
  }, 60_000);

  it('take in a mark that arrives anchored to a leaf already crossed', () => {
    const a = text(11);
    const b = text(11);
    anchorsOf(b).summaries = false;
    const both = (f: (t: Text) => void): void => {
      f(a);
      f(b);
    };
    // "A", then 300 characters each typed right after it (one item each), then a bold "Z".
    both((t) => t.insert(0, 'AZ'));
    both((t) => t.format(1, 1, { bold: true }));
    for (let k = 0; k < 300; k++) both((t) => t.insert(1, String.fromCharCode(97 + (k % 26))));
    const c = text(12);
    applyUpdate(c.doc as Doc, encodeStateAsUpdate(a.doc as Doc));
    // All 300 deleted: whole leaves of tombstones between "A" and "Z", crossed by summaries.
    both((t) => t.delete(1, 300));
    both((t) => t.insert(1, 'q'));
    expect(anchorsOf(a).leavesCrossed).toBeGreaterThan(0);
    both((t) => t.delete(1, 1));
    // The other replica, which still sees them, makes some bold: its start sits before a deleted
    // unit, which new text typed after "A" must stay before.
    const before = encodeStateVector(a.doc as Doc);
    c.format(150, 10, { bold: true });
    const update = encodeStateAsUpdate(c.doc as Doc, before);
    both((t) => applyUpdate(t.doc as Doc, update));
    const crossed = anchorsOf(a).leavesCrossed;
    both((t) => t.insert(1, 'r'));
    expect(anchorsOf(a).leavesCrossed).toBeGreaterThan(crossed);
    expect(a.toDelta()).toEqual([{ insert: 'Ar' }, { insert: 'Z', attributes: { bold: true } }]);
    expect(encodeStateAsUpdate(a.doc as Doc)).toEqual(encodeStateAsUpdate(b.doc as Doc));
  });
});
