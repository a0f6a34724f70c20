/**
 * Laws of formatting marks: replicas that format, insert and delete concurrently converge
 * whatever order (and how many times) their updates are delivered, to equal deltas and
 * bit-identical snapshots; merged updates and snapshots carry the same marks.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, mergeUpdates, type Text } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { richEdit, richEditArgs } from '../arbitraries/rich-text.js';
import { makeDoc } from '../sync/helpers.js';

const STRINGS = ['a', 'bc', 'xyz', '😀'];

/** Steps: which replica (0-2) edits or which pair syncs, then numbers for {@link richEdit}. */
const stepsArb = fc.array(fc.tuple(fc.nat(11), richEditArgs), { minLength: 1, maxLength: 30 });

/** Run the steps on `n` replicas; returns them and every update each produced, in order. */
function run(n: number, steps: [number, number[]][]): { docs: Doc[]; updates: Uint8Array[] } {
  const docs: Doc[] = [];
  const updates: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    let t = 1_000_000 + 7 * i;
    const d = new Doc({ clientId: 100 + i, now: () => t++ });
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'sync') updates.push(u);
    });
    docs.push(d);
  }
  for (const [sel, args] of steps) {
    const d = docs[sel % n] as Doc;
    if (sel < 9) richEdit(d.getText('t'), args, STRINGS);
    else {
      const o = docs[(sel + (args[0] as number)) % n] as Doc;
      if (o !== d) applyUpdate(o, encodeStateAsUpdate(d), 'sync');
    }
  }
  return { docs, updates };
}

/** `xs` in the order of the random sort keys `keys` (cycled). */
function shuffled<T>(xs: readonly T[], keys: readonly number[]): T[] {
  return xs
    .map((x, i) => ({ x, k: (keys[i % keys.length] as number) * 1000 + i }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);
}

describe('marks converge (property)', () => {
  it('every delivery order (with duplicates) gives equal deltas and bit-identical snapshots', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        stepsArb,
        fc.array(fc.array(fc.nat(50), { minLength: 1, maxLength: 40 }), { minLength: 2, maxLength: 3 }),
        (n, steps, orders) => {
          const { updates } = run(n, steps);
          let reference: { delta: unknown; bytes: Uint8Array; text: string } | null = null;
          for (const keys of orders) {
            const order = shuffled(updates, keys);
            // Duplicates: a few updates delivered a second time, late.
            order.push(...order.slice(0, (keys[0] as number) % 3));
            const d = makeDoc(999);
            for (const u of order) applyUpdate(d, u);
            const t = d.getText('t');
            const got = { delta: t.toDelta(), bytes: encodeStateAsUpdate(d), text: t.toString() };
            expect(got.delta.map((o) => o.insert).join('')).toBe(got.text);
            if (reference === null) reference = got;
            else {
              expect(got.delta).toEqual(reference.delta);
              expect(got.bytes).toEqual(reference.bytes);
            }
          }
          // The merged update and a snapshot round trip carry the same state.
          const merged = makeDoc(998);
          applyUpdate(merged, mergeUpdates(updates));
          const ref = reference as unknown as { delta: unknown; bytes: Uint8Array };
          expect(merged.getText('t').toDelta()).toEqual(ref.delta);
          expect(encodeStateAsUpdate(merged)).toEqual(ref.bytes);
          // A snapshot loads the same way fast (empty document) and through the general path
          // (an observer rules the fast load out).
          const loaded = makeDoc(997);
          applyUpdate(loaded, ref.bytes);
          expect(loaded.getText('t').toDelta()).toEqual(ref.delta);
          expect(encodeStateAsUpdate(loaded)).toEqual(ref.bytes);
          const general = makeDoc(996);
          general.getText('t').observe(() => {});
          applyUpdate(general, ref.bytes);
          expect(general.getText('t').toDelta()).toEqual(ref.delta);
          expect(encodeStateAsUpdate(general)).toEqual(ref.bytes);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('replicas that sync in any pattern end equal to each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), stepsArb, (n, steps) => {
        const { docs } = run(n, steps);
        for (let round = 0; round < 2; round++)
          for (const a of docs) for (const b of docs) if (a !== b) applyUpdate(b, encodeStateAsUpdate(a));
        const first = docs[0] as Doc;
        for (const d of docs) {
          expect(d.getText('t').toDelta()).toEqual(first.getText('t').toDelta());
          expect(encodeStateAsUpdate(d)).toEqual(encodeStateAsUpdate(first));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('all 24 orders of four concurrent updates give one result', () => {
    const base = makeDoc(1);
    base.getText('t').insert(0, 'The Peritext editor');
    const start = encodeStateAsUpdate(base);
    const updates: Uint8Array[] = [];
    const edits: ((t: Text) => void)[] = [
      (t) => t.format(0, 12, { bold: true }),
      (t) => t.format(4, 15, { bold: null, link: 'x' }),
      (t) => t.insert(12, '!'),
      (t) => {
        t.delete(3, 2);
        t.format(0, 5, { italic: true });
      },
    ];
    edits.forEach((e, i) => {
      const d = makeDoc(10 + i);
      applyUpdate(d, start);
      d.on('update', (u: Uint8Array) => updates.push(u));
      e(d.getText('t'));
    });
    const perms = (xs: number[]): number[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x) => perms(xs.filter((y) => y !== x)).map((p) => [x, ...p]));
    const results = new Set<string>();
    for (const p of perms([0, 1, 2, 3])) {
      const d = makeDoc(50);
      applyUpdate(d, start);
      for (const i of p) applyUpdate(d, updates[i] as Uint8Array);
      results.add(JSON.stringify([d.getText('t').toDelta(), [...encodeStateAsUpdate(d)]]));
    }
    expect(results.size).toBe(1);
  });
});
