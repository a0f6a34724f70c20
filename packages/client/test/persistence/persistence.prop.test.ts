/**
 * Property: whatever edits a document sees, in whatever order writes, compactions (by count, by
 * idle time, forced) and reopenings of the store interleave, a fresh document loaded from the
 * store equals the live one.
 */
import { Doc } from '@accord/core';
import { ManualScheduler } from '@accord/core/testing';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexeddbPersistence } from '../../src/persistence/indexeddb-persistence.js';

type Step =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'set'; key: string; value: number }
  | { kind: 'flush' }
  | { kind: 'idle' }
  | { kind: 'compact' }
  | { kind: 'reopen' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.string({ minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      key: fc.constantFrom('a', 'b', 'c'),
      value: fc.integer(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'idle' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** What the steps touch (reading creates the containers, so both sides read the same ones). */
function view(doc: Doc): unknown {
  return { t: doc.getText('t').toString(), m: doc.getMap('m').toJSON() };
}

function store(
  factory: IDBFactory,
  doc: Doc,
  scheduler: ManualScheduler,
  ranges: boolean,
): IndexeddbPersistence {
  return new IndexeddbPersistence('prop', doc, {
    indexedDB: factory,
    IDBKeyRange: ranges ? IDBKeyRange : undefined,
    scheduler,
    compactEvery: 7,
    compactIdleMs: 100,
  });
}

describe('IndexeddbPersistence (property)', () => {
  it('a document loaded from the store equals the live one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 40 }),
        async (steps, ranges, firstId) => {
          const factory = new IDBFactory();
          const scheduler = new ManualScheduler();
          // Each session's replica id and the clock of its map writes come from the input (not
          // crypto, not Date.now), so a counterexample's seed replays it.
          let sessions = 0;
          const session = (): Doc =>
            new Doc({ clientId: firstId + sessions++, now: () => 1_800_000_000_000 + scheduler.now() });
          let doc = session();
          let p = store(factory, doc, scheduler, ranges);
          await p.whenSynced;
          for (const s of steps) {
            const text = doc.getText('t');
            switch (s.kind) {
              case 'insert':
                text.insert(s.at % (text.length + 1), s.text);
                break;
              case 'delete':
                if (text.length > 0) {
                  const at = s.at % text.length;
                  text.delete(at, Math.min(s.len, text.length - at));
                }
                break;
              case 'set':
                doc.getMap('m').set(s.key, s.value);
                break;
              case 'flush':
                scheduler.runDeferred();
                await p.flush();
                break;
              case 'idle':
                scheduler.runDeferred();
                await p.flush();
                scheduler.advance(100);
                await p.compact();
                break;
              case 'compact':
                scheduler.runDeferred();
                await p.compact();
                break;
              case 'reopen': {
                scheduler.runDeferred();
                await p.destroy();
                const expected = view(doc);
                doc = session();
                p = store(factory, doc, scheduler, ranges);
                await p.whenSynced;
                expect(view(doc)).toEqual(expected);
                break;
              }
            }
          }
          scheduler.runDeferred();
          await p.destroy();
          const fresh = session();
          const q = store(factory, fresh, scheduler, ranges);
          await q.whenSynced;
          expect(view(fresh)).toEqual(view(doc));
          await q.destroy();
        },
      ),
      { numRuns: 60 },
    );
  });
});
