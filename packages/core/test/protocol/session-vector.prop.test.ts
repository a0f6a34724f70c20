import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Doc } from '../../src/doc/doc.js';
import { decodeStateVector, encodeStateVectorMap } from '../../src/format/state-vector.js';
import { coversVector, maxVector, sessionVectorOf, updateStarts } from '../../src/protocol/session-vector.js';
import { applyUpdate } from '../../src/sync/apply.js';
import { encodeStateVector } from '../../src/sync/state-vector.js';

const vector = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 20 })), { maxLength: 6 })
  .map((entries) => new Map(entries));

/** A document edited by `replica` in `steps` transactions, with every transaction's update. */
function edited(replica: number, steps: string[]): { doc: Doc; updates: Uint8Array[] } {
  const doc = new Doc({ clientId: replica });
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (const s of steps) doc.getText('t').insert(0, s);
  return { doc, updates };
}

describe('session vectors', () => {
  it('coversVector is the pointwise order; maxVector the least upper bound', () => {
    fc.assert(
      fc.property(vector, vector, (a, b) => {
        const m = maxVector([a, b]);
        expect(coversVector(m, a)).toBe(true);
        expect(coversVector(m, b)).toBe(true);
        expect(coversVector(a, m)).toBe(coversVector(a, b));
        const pointwise = [...b].every(([k, v]) => v === 0 || (a.get(k) ?? 0) >= v);
        expect(coversVector(a, b)).toBe(pointwise);
      }),
    );
  });

  it('updateStarts names where the runs of each replica in an update start', () => {
    const { updates } = edited(3, ['ab', 'c', 'def']);
    expect([...updateStarts(updates[0]!)]).toEqual([[3, 0]]);
    expect([...updateStarts(updates[1]!)]).toEqual([[3, 2]]);
    expect([...updateStarts(updates[2]!)]).toEqual([[3, 3]]);
  });

  it('cuts the state vector back before every unacknowledged update', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (steps, cut) => {
          const { doc, updates } = edited(5, steps);
          const acked = cut % (updates.length + 1);
          const session = sessionVectorOf(encodeStateVector(doc), updates.slice(acked));
          // Exactly the acknowledged prefix: a fresh replica given those updates has this vector.
          const prefix = new Doc({ clientId: 99 });
          for (const u of updates.slice(0, acked)) applyUpdate(prefix, u);
          expect(session).toEqual(decodeStateVector(encodeStateVector(prefix)));
        },
      ),
    );
  });

  it('leaves other replicas alone and never grows an entry', () => {
    const sv = encodeStateVectorMap(
      new Map([
        [1, 4],
        [2, 7],
      ]),
    );
    const { updates } = edited(1, ['abcdef']);
    // The pending update starts at clock 0 of replica 1: replica 1 is dropped, replica 2 kept.
    expect(sessionVectorOf(sv, updates)).toEqual(new Map([[2, 7]]));
    expect(sessionVectorOf(sv, [])).toEqual(
      new Map([
        [1, 4],
        [2, 7],
      ]),
    );
  });
});
