import { applyUpdate, type Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc, viewOf } from '../sync/helpers.js';

describe('sequential model (property)', () => {
  it('Text behaves like a string under random inserts and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat(5), fc.string({ minLength: 1, maxLength: 6 })), {
          maxLength: 200,
        }),
        (ops) => {
          const doc = makeDoc(1);
          const t = doc.getText('t');
          let model = '';
          for (const [ins, p, n, s] of ops) {
            if (ins || model.length === 0) {
              const at = p % (model.length + 1);
              t.insert(at, s);
              model = model.slice(0, at) + s + model.slice(at);
            } else {
              const at = p % model.length;
              const len = Math.min(n + 1, model.length - at);
              t.delete(at, len);
              model = model.slice(0, at) + model.slice(at + len);
            }
            expect(t.length).toBe(model.length);
          }
          expect(t.toString()).toBe(model);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('List behaves like an array and DocMap like an object', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.integer()), { maxLength: 150 }), (ops) => {
        const doc = makeDoc(1);
        const l = doc.getList('l');
        const m = doc.getMap('m');
        const arr: number[] = [];
        const obj: Record<string, number> = {};
        for (const [kind, p, v] of ops) {
          if (kind === 0 || (kind === 1 && arr.length === 0)) {
            const at = p % (arr.length + 1);
            l.insert(at, v);
            arr.splice(at, 0, v);
          } else if (kind === 1) {
            const at = p % arr.length;
            l.delete(at, 1);
            arr.splice(at, 1);
          } else if (kind === 2) {
            m.set(`k${p % 5}`, v);
            obj[`k${p % 5}`] = v;
          } else {
            m.delete(`k${p % 5}`);
            delete obj[`k${p % 5}`];
          }
        }
        expect(l.toJSON()).toEqual(arr);
        expect(m.toJSON()).toEqual(obj);
      }),
      { numRuns: 200 },
    );
  });
});

/** Random concurrent histories of three replicas, each update recorded. */
function histories(seed: number[]): Uint8Array[] {
  const docs: Doc[] = [makeDoc(1), makeDoc(2), makeDoc(3)];
  const log: Uint8Array[] = [];
  for (const d of docs) d.on('update', (u, origin) => origin === null && log.push(u));
  seed.forEach((r, i) => {
    const d = docs[r % 3] as Doc;
    const t = d.getText('t');
    if (r % 5 === 0 && t.length > 0) t.delete(r % t.length, 1);
    else if (r % 5 === 1) d.getMap('m').set(`k${r % 3}`, i);
    else if (r % 5 === 2) d.getList('l').insert(0, i);
    else t.insert(r % (t.length + 1), String.fromCharCode(97 + (i % 26)));
    if (r % 7 === 0) for (const u of log) applyUpdate(docs[(r + 1) % 3] as Doc, u, 'net');
  });
  return log;
}

function stateOf(update: Uint8Array): string {
  const d = makeDoc(99);
  applyUpdate(d, update);
  return JSON.stringify(viewOf(d));
}

describe('mergeUpdates laws (property)', () => {
  it('is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 3, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        (seed, x, y) => {
          const log = histories(seed);
          const i = x % log.length;
          const j = Math.max(i, y % log.length);
          const a = mergeUpdates(log.slice(0, i));
          const b = mergeUpdates(log.slice(i, j));
          const c = mergeUpdates(log.slice(j));
          const whole = stateOf(mergeUpdates(log));
          expect(stateOf(mergeUpdates([a, b, c]))).toBe(whole);
          expect(stateOf(mergeUpdates([c, b, a]))).toBe(whole);
          expect(stateOf(mergeUpdates([mergeUpdates([a, b]), c]))).toBe(
            stateOf(mergeUpdates([a, mergeUpdates([b, c])])),
          );
          expect(stateOf(mergeUpdates([a, b, c, a, b, c]))).toBe(whole);
          const d = makeDoc(50);
          applyUpdate(d, mergeUpdates(log));
          expect(stateOf(encodeStateAsUpdate(d))).toBe(whole);
        },
      ),
      { numRuns: 100 },
    );
  });
});
