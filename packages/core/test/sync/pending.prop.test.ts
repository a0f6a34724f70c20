/**
 * Hostile held structs and deletions mixed into honest traffic, in random orders, under small
 * limits: refusals change nothing, the held set never passes its limits, honest content always
 * arrives (after one anti-entropy round for honest updates refused while the held set was full),
 * and every replica ends with the honest document.
 */
import { applyUpdate, DecodeError, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { encodeUpdate } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';
import { farDeletes, gapFiller, type HostileKind, hostileRecord } from './hostile.js';

const hostileKinds: HostileKind[] = ['gap', 'origin', 'parent', 'invalid'];

/** Honest edits: [author 0 or 1, position seed, delete?]. */
const edits = fc.array(fc.tuple(fc.nat(1), fc.nat(1000), fc.boolean()), { minLength: 1, maxLength: 25 });

/**
 * Hostile updates: a few structs of random kinds, some far-future deletions, and whether to add
 * the fillers of every earlier gap (unblocking held structs in an update that may be refused).
 */
const attacks = fc.array(
  fc.tuple(fc.array(fc.constantFrom(...hostileKinds), { maxLength: 6 }), fc.nat(4), fc.boolean()),
  { maxLength: 8 },
);

function state(doc: Doc) {
  return {
    content: encodeStateAsUpdate(doc),
    sv: encodeStateVector(doc),
    count: doc.pendingCount,
    bytes: doc.pendingBytes,
    deletes: doc.pendingDeletes.size,
  };
}

describe('held set under attack (property)', () => {
  it('stays within its limits, refuses atomically, and never keeps honest content out', () => {
    fc.assert(
      fc.property(
        edits,
        attacks,
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 600, max: 3000 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (script, attackPlan, maxPending, maxPendingBytes, order) => {
          // Honest authors 1 and 2 edit one text; every update is logged.
          const authors = [makeDoc(1), makeDoc(2)];
          const honest: Uint8Array[] = [];
          for (const a of authors) a.on('update', (u, origin) => origin === null && honest.push(u));
          for (const [who, pos, del] of script) {
            const a = authors[who] as Doc;
            const t = a.getText('t');
            if (del && t.length > 0) t.delete(pos % t.length, 1);
            else t.insert(pos % (t.length + 1), `${who}`);
            applyUpdate(authors[1 - who] as Doc, honest[honest.length - 1] as Uint8Array, 'net');
          }
          let n = 0;
          const gaps: number[] = [];
          const hostile = attackPlan.map(([kinds, dels, fill]) => {
            const records = fill ? gaps.map(gapFiller) : [];
            for (const k of kinds) {
              const i = n++;
              if (k === 'gap') gaps.push(i);
              records.push(hostileRecord(k, i, 1 + (i % 2), 0));
            }
            return encodeUpdate({ records, deletes: farDeletes(1, dels, n) });
          });
          const traffic = [...honest, ...hostile, ...honest];
          const limited = new Doc({ clientId: 3, maxPending, maxPendingBytes });
          traffic
            .map((u, i) => ({ u, key: order[i % order.length] as number, i }))
            .sort((x, y) => x.key - y.key || x.i - y.i)
            .forEach(({ u }) => {
              const before = state(limited);
              try {
                applyUpdate(limited, u);
              } catch (e) {
                expect(e).toBeInstanceOf(DecodeError);
                expect(['too-large', 'invalid']).toContain((e as DecodeError).code);
                expect(state(limited)).toEqual(before);
              }
              expect(limited.pendingCount).toBeLessThanOrEqual(maxPending);
              expect(limited.pendingBytes).toBeLessThanOrEqual(maxPendingBytes);
              expect(limited.pendingDeletes.size).toBeLessThanOrEqual(maxPending);
              expect(limited.pending).toHaveLength(limited.pendingCount);
            });
          // One anti-entropy round brings what was refused while the held set was full.
          applyUpdate(limited, encodeStateAsUpdate(authors[0] as Doc, encodeStateVector(limited)));
          expect(limited.getText('t').toString()).toBe((authors[0] as Doc).getText('t').toString());
          expect(limited.getText('t').toString()).toBe((authors[1] as Doc).getText('t').toString());
          // Only hostile structs are still held: nothing honest waits for a clock it has.
          for (const r of limited.pending) expect(r.client).toBeGreaterThanOrEqual(1000);
        },
      ),
      { numRuns: 200 },
    );
  });
});
