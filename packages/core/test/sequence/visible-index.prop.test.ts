/**
 * `SequenceIndex.visibleIndexOf` keeps the visible starts of the leaves between edits; every
 * answer must equal the count of visible units before the item, whatever edits (local, remote,
 * across many leaves) came between two lookups.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/sequence/item.js';
import type { SequenceIndex } from '../../src/sequence/leaf-index.js';

/** Every item with its visible start, walking all items in document order. */
function naiveStarts(index: SequenceIndex): [Item, number][] {
  const out: [Item, number][] = [];
  let pos = 0;
  index.forEach((it) => {
    out.push([it, pos]);
    if (!it.deleted) pos += it.len;
  });
  return out;
}

describe('SequenceIndex.visibleIndexOf', () => {
  it('equals the visible units before the item after any edits between lookups (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.boolean(), fc.nat(10_000), fc.string({ minLength: 1, maxLength: 8 }), fc.nat(6)),
          {
            minLength: 1,
            maxLength: 150,
          },
        ),
        fc.array(fc.nat(10_000), { minLength: 1, maxLength: 8 }),
        (edits, picks) => {
          const a = new Doc({ clientId: 1 });
          const b = new Doc({ clientId: 2 });
          const index = a.getText('t').seq.index;
          // Characters typed at scattered places: hundreds of items over several leaves.
          const t0 = a.getText('t');
          for (let i = 0; i < 400; i++) t0.insert((i * 7919) % (t0.length + 1), 'x');
          expect(index.leaves.length).toBeGreaterThan(4);
          for (const [remote, at, s, del] of edits) {
            const t = (remote ? b : a).getText('t');
            // Single-character inserts far apart make many items and leaves.
            t.insert((at * 13) % (t.length + 1), s);
            const from = (at * 7) % (t.length + 1);
            t.delete(from, Math.min(del, t.length - from));
            if (remote) applyUpdate(a, encodeStateAsUpdate(b));
            // Lookups in scattered order between edits: the cached starts are extended, or
            // rebuilt after an edit.
            const all = naiveStarts(index);
            for (const p of picks) {
              const [it, pos] = all[p % all.length] as [Item, number];
              expect(index.visibleIndexOf(it)).toBe(pos);
            }
          }
          for (const [it, pos] of naiveStarts(index)) expect(index.visibleIndexOf(it)).toBe(pos);
        },
      ),
      { numRuns: 60 },
    );
  });
});
