/**
 * The marks a text keeps resolved also go through remote edits and undo (the sequence reports the
 * positions of `integrate`, `deleteRemote` and its own splits): a replica that reads formatting
 * between remote updates, with concurrent typing, deleting and formatting on three replicas, reads
 * what a fresh replica computes from the anchors alone.
 */
import {
  type AttributesPatch,
  applyUpdate,
  Doc,
  encodeStateAsUpdate,
  encodeStateVector,
  UndoManager,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameAsFresh } from './fresh-replica.js';

const FORMATS: AttributesPatch[] = [
  { bold: true },
  { italic: true },
  { bold: null },
  { link: { href: 'x' } },
  { link: null },
];

const step = fc.record({
  who: fc.nat(2),
  kind: fc.nat(6),
  a: fc.nat(1000),
  b: fc.nat(1000),
  sync: fc.boolean(),
});

describe('resolved marks through remote edits', () => {
  it('read between remote updates, give what a fresh replica reads', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const docs = [1, 2, 3].map((id) => {
          let now = 1_000_000;
          return new Doc({ clientId: id, now: () => now++ });
        });
        const [a] = docs as [Doc];
        a.getText('t').insert(0, 'the quick brown fox jumps over the lazy dog');
        a.getText('t').format(4, 5, { bold: true });
        for (const d of docs.slice(1)) applyUpdate(d, encodeStateAsUpdate(a));
        const undo = new UndoManager(docs[1] as Doc, { captureTimeout: 0 });
        // Replica 2 reads its formatting (and observes) all along: its marks stay resolved.
        const watcher = docs[2] as Doc;
        const wt = watcher.getText('t');
        wt.observe(() => {});
        wt.toDelta();
        for (const s of steps) {
          const d = docs[s.who] as Doc;
          const t = d.getText('t');
          const n = t.length;
          const at = s.a % (n + 1);
          if (s.kind <= 2)
            t.insert(at, 'xyz'.slice(0, 1 + (s.b % 3)), s.b % 4 === 0 ? { italic: true } : undefined);
          else if (s.kind === 3 && n > 0)
            t.delete(Math.min(at, n - 1), 1 + (s.b % Math.min(4, n - Math.min(at, n - 1))));
          else if (s.kind === 4 && n > 1)
            t.format(
              at % n,
              1 + (s.b % Math.min(6, n - (at % n))),
              FORMATS[s.b % FORMATS.length] as AttributesPatch,
            );
          else if (s.kind === 5 && s.who === 1) undo.undo();
          else if (s.kind === 6 && s.who === 1) undo.redo();
          if (s.sync) {
            // Everyone catches up with everyone, one diff at a time; the watcher reads in between.
            for (const from of docs)
              for (const to of docs)
                if (from !== to) {
                  applyUpdate(to, encodeStateAsUpdate(from, encodeStateVector(to)));
                  if (to === watcher) wt.attributesAt(Math.floor(wt.length / 2));
                }
            sameAsFresh(watcher, wt);
          }
        }
        for (const from of docs)
          for (const to of docs)
            if (from !== to) applyUpdate(to, encodeStateAsUpdate(from, encodeStateVector(to)));
        sameAsFresh(watcher, wt);
        expect(wt.toDelta()).toEqual((docs[0] as Doc).getText('t').toDelta());
      }),
      { numRuns: 200 },
    );
  });
});
