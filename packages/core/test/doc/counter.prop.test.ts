/**
 * Document counters hold safe integers only: fractional, non-finite and unsafe deltas are refused
 * locally and in bytes, a replica's increments stay within ±(2^53 - 1), and replicas that applied
 * the same increments in any order hold the same value, bit for bit (also past 2^53 - 1, which
 * only concurrent increments can reach).
 */
import { AccordError, applyUpdate, DecodeError, type Doc, encodeStateAsUpdate } from '@accord/core';
import { type CounterRecord, encodeUpdate } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../sync/helpers.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** A counter record of replica `client` at `clock` in root counter `c`. */
function op(client: number, clock: number, delta: number): CounterRecord {
  return { t: 2, client, clock, len: 1, parent: { name: 'c', kind: 'counter', client: -1, clock: 0 }, delta };
}

/** Apply `bytes` to `doc` expecting a DecodeError that leaves everything as it was. */
function expectRefused(doc: Doc, bytes: Uint8Array): void {
  const before = encodeStateAsUpdate(doc);
  const pending = doc.pending.length;
  expect(() => applyUpdate(doc, bytes)).toThrow(DecodeError);
  expect(encodeStateAsUpdate(doc)).toEqual(before);
  expect(doc.pending.length).toBe(pending);
}

/** The little-endian float64 bytes of `x`. */
function float64(x: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return b;
}

/**
 * An update holding counter delta `delta`. The encoder refuses non-finite numbers, so those are
 * written as 0.5 (a float64) whose eight bytes are then replaced, as a hostile writer would.
 */
function counterUpdate(delta: number, snapshot: boolean): Uint8Array {
  if (Number.isFinite(delta))
    return encodeUpdate({ records: [op(9, 0, delta)], deletes: new Map(), snapshot });
  const bytes = encodeUpdate({ records: [op(9, 0, 0.5)], deletes: new Map(), snapshot });
  const half = float64(0.5);
  const at = bytes.findIndex((_, i) => half.every((b, j) => bytes[i + j] === b));
  expect(at).toBeGreaterThan(0);
  bytes.set(float64(delta), at);
  return bytes;
}

describe('Counter deltas', () => {
  it('refuses 0.1 (three replicas adding it in two orders would end on 0.6 and 0.6000000000000001)', () => {
    expect(0.1 + 0.2 + 0.3).not.toBe(0.3 + 0.2 + 0.1);
    const doc = makeDoc(1);
    const c = doc.getCounter('c');
    for (const bad of [0.1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, -Infinity, 2 ** 53, -(2 ** 60)]) {
      expect(() => c.increment(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
      expect(() => c.decrement(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    expect(() => c.increment('1' as unknown as number)).toThrow(AccordError);
    expect(c.value).toBe(0);
    expect(c.ops).toHaveLength(0);
  });

  it("refuses an increment that takes this replica's increments or the total out of range", () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getCounter('c').increment(MAX);
    expect(() => a.getCounter('c').increment(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    b.getCounter('c').decrement(MAX);
    expect(() => b.getCounter('c').decrement(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    // The total is 0 after both, but a's own increments are at the bound already.
    applyUpdate(a, encodeStateAsUpdate(b));
    expect(a.getCounter('c').value).toBe(0);
    expect(() => a.getCounter('c').increment(1)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    // b may go up again (its own entry is -MAX), until the total would pass the bound.
    applyUpdate(b, encodeStateAsUpdate(a));
    b.getCounter('c').increment(5);
    expect(b.getCounter('c').value).toBe(5);
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(a));
    c.getCounter('c').increment(MAX - 1);
    const before = encodeStateAsUpdate(c);
    expect(() => c.getCounter('c').increment(2)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    expect(encodeStateAsUpdate(c)).toEqual(before);
  });

  it('the update encoder refuses non-finite deltas', () => {
    for (const delta of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeUpdate({ records: [op(9, 0, delta)], deletes: new Map() })).toThrow(
        expect.objectContaining({ name: 'AccordError', code: 'invalid-argument' }),
      );
    }
  });

  it('decoders refuse fractional, non-finite and unsafe deltas; the document stays as it was', () => {
    const doc = makeDoc(1);
    doc.getCounter('c').increment(2);
    for (const delta of [0.1, -2.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 70)]) {
      expectRefused(doc, counterUpdate(delta, false));
      expectRefused(doc, counterUpdate(delta, true));
    }
    expect(doc.getCounter('c').value).toBe(2);
  });

  it("refuses updates that take one replica's increments past 2^53 - 1, in any delivery order", () => {
    const first = encodeUpdate({ records: [op(9, 0, MAX)], deletes: new Map() });
    const second = encodeUpdate({ records: [op(9, 1, 1)], deletes: new Map() });
    const both = encodeUpdate({ records: [op(9, 0, MAX), op(9, 1, 1)], deletes: new Map() });
    const snapshot = encodeUpdate({
      records: [op(9, 0, MAX), op(9, 1, 1)],
      deletes: new Map(),
      snapshot: true,
    });
    expectRefused(makeDoc(1), both);
    expectRefused(makeDoc(1), snapshot);
    const inOrder = makeDoc(1);
    applyUpdate(inOrder, first);
    expectRefused(inOrder, second);
    // The late increment is held first; once its predecessor arrives it proves invalid and is
    // dropped, so both replicas hold the same state.
    const reversed = makeDoc(2);
    applyUpdate(reversed, second);
    expect(reversed.pending).toHaveLength(1);
    applyUpdate(reversed, first);
    expect(reversed.pending).toHaveLength(0);
    expect(reversed.getCounter('c').value).toBe(MAX);
    expect(inOrder.getCounter('c').value).toBe(MAX);
    // Different replicas may each hold up to the bound: their sum is kept exactly.
    applyUpdate(inOrder, encodeUpdate({ records: [op(10, 0, MAX), op(11, 0, 3)], deletes: new Map() }));
    expect(inOrder.getCounter('c').value).toBe(Number(2n * BigInt(MAX) + 3n));
  });
});

/** An increment amount: mostly small, sometimes close to the bounds. */
const amount = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.integer({ min: 2 ** 51, max: MAX }),
  fc.integer({ min: -MAX, max: -(2 ** 51) }),
);

describe('Counter convergence (property)', () => {
  it('replicas that applied the same updates in any order hold the same value, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(amount, { maxLength: 6 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), { minLength: 3, maxLength: 3 }),
        (edits, orders) => {
          const docs = [makeDoc(1), makeDoc(2), makeDoc(3)];
          const updates: Uint8Array[] = [];
          let exact = 0n;
          docs.forEach((d, i) => {
            d.on('update', (u) => updates.push(u));
            for (const a of edits[i] as number[]) {
              try {
                d.getCounter('c').increment(a);
                exact += BigInt(a);
              } catch (e) {
                expect(e).toMatchObject({ code: 'out-of-range' });
              }
            }
          });
          const values = docs.map((d, i) => {
            // Every update twice, in a random order (late ones wait for their predecessors).
            const keys = orders[i] as number[];
            const all = [...updates, ...updates].map((u, k) => ({
              u,
              key: keys[k % keys.length] as number,
              k,
            }));
            all.sort((x, y) => x.key - y.key || x.k - y.k);
            for (const { u } of all) applyUpdate(d, u);
            expect(d.pending).toHaveLength(0);
            return d.getCounter('c').value;
          });
          for (const v of values) expect(Object.is(v, Number(exact))).toBe(true);
          const fresh = makeDoc(4);
          applyUpdate(fresh, encodeStateAsUpdate(docs[0] as Doc));
          expect(Object.is(fresh.getCounter('c').value, Number(exact))).toBe(true);
          expect(fresh.toJSON()).toEqual((docs[2] as Doc).toJSON());
        },
      ),
      { numRuns: 150 },
    );
  });
});
