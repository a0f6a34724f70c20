/**
 * Snapshot loads into an empty document build the sequence from the stored order, so they check
 * that order against the origins (`order-check.ts`): every order integration gives is taken
 * by the fast paths, and a forged one (the same items listed in another order) never leaves a
 * fresh replica with an order that a replica integrating the same items does not have.
 */
import { applyUpdate, type Doc, encodeStateAsUpdate, type Text } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUpdate } from '../../src/format/update-codec.js';
import type { Item } from '../../src/sequence/item.js';
import { tryFastLoad } from '../../src/sync/load.js';
import { tryLoadTextSnapshot } from '../../src/sync/load-text.js';
import { orderFollowsOrigins } from '../../src/sync/order-check.js';
import { newColumns } from '../../src/sync/order-columns.js';
import { loadFast, loadGeneral, makeDoc, syncBoth, unitsOf } from './helpers.js';

const editArb = fc.record({
  replica: fc.nat(2),
  at: fc.nat(),
  del: fc.nat(3),
  ins: fc.string({ minLength: 0, maxLength: 4 }),
  bold: fc.boolean(),
  sync: fc.boolean(),
});
type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Three replicas editing one text concurrently (some formatting), all synced at the end: replica
 * 0. With `withMap` (the general fast load), also a map key and a list edited beside the text
 * (each replica's clocks spread over two sequences). With `longRun`, replica 1 starts with a long
 * deleted run (too few runs for its clocks to get a dense table: its units are searched).
 */
function history(edits: readonly Edit[], withMap: boolean, longRun = withMap): Doc {
  const docs = [makeDoc(7), makeDoc(3), makeDoc(11)] as [Doc, Doc, Doc];
  docs[0].getText('t').insert(0, 'base text');
  if (withMap) {
    docs[0].getMap('m').set('k', 1);
    docs[0].getList('l').insert(0, 1, 2);
  }
  if (longRun) {
    const t = docs[1].getText('t');
    t.insert(0, 'y'.repeat(3000));
    t.delete(0, 3000);
  }
  for (const d of docs.slice(1)) syncBoth(docs[0], d);
  for (const e of edits) {
    const d = docs[e.replica] as Doc;
    const t = d.getText('t');
    const at = e.at % (t.length + 1);
    const del = Math.min(e.del, t.length - at);
    if (del > 0) t.delete(at, del);
    if (e.ins.length > 0) t.insert(at, e.ins);
    if (e.bold && t.length > at + 1) t.format(at, 2, { bold: true });
    if (withMap) {
      const l = d.getList('l');
      l.insert(e.at % (l.length + 1), e.ins.length);
      if (e.del > 1 && l.length > 0) l.delete(e.at % l.length, 1);
    }
    if (e.sync) syncBoth(docs[0], d);
  }
  for (const d of docs.slice(1)) syncBoth(docs[0], d);
  for (const d of docs.slice(1)) syncBoth(docs[0], d);
  return docs[0];
}

/** The items of `doc`'s text `t`, in document order. */
function itemsOf(doc: Doc): Item[] {
  const out: Item[] = [];
  for (const leaf of (doc.getText('t') as Text).seq.index.leaves) out.push(...leaf.items);
  return out;
}

/**
 * The snapshot of `doc` with its text's items listed in another order: item `from` moved to
 * `to` (within its leaf, where the index keeps it). Null when that is no move.
 */
function forged(doc: Doc, from: number, to: number, inList = false): Uint8Array | null {
  const copy = loadGeneral(encodeStateAsUpdate(doc), 7);
  const seq = inList ? copy.getList('l').seq : (copy.getText('t') as Text).seq;
  const leaf = seq.index.leaves[0];
  if (leaf === undefined || leaf.items.length < 2) return null;
  const f = from % leaf.items.length;
  const t = to % leaf.items.length;
  if (f === t) return null;
  const [moved] = leaf.items.splice(f, 1);
  leaf.items.splice(t, 0, moved as Item);
  seq.index.text = null;
  seq.index.version++;
  return encodeStateAsUpdate(copy);
}

describe('snapshot order checked against the origins', () => {
  it('takes every order integration gives through the fast paths', () => {
    fc.assert(
      fc.property(
        fc.array(editArb, { maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        (edits, withMap, longRun) => {
          const doc = history(edits, withMap, longRun);
          const bytes = encodeStateAsUpdate(doc);
          const fresh = makeDoc(50);
          const fast = withMap
            ? tryFastLoad(fresh, decodeUpdate(bytes), null, bytes)
            : tryLoadTextSnapshot(fresh, bytes, null);
          expect(fast).toBe(true);
          expect(unitsOf(fresh)).toEqual(unitsOf(doc));
          expect(fresh.getList('l').toArray()).toEqual(doc.getList('l').toArray());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never gives a fresh replica another order than a replica integrating the same items', () => {
    fc.assert(
      fc.property(
        fc.array(editArb, { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        (edits, withMap, from, to, inList, longRun) => {
          const doc = history(edits, withMap, longRun);
          const bytes = forged(doc, from, to, withMap && inList);
          if (bytes === null) return;
          const text = doc.getText('t').toString();
          const list = doc.getList('l').toArray();
          // The replica that holds every item already: the forged snapshot changes nothing.
          applyUpdate(doc, bytes);
          expect(doc.getText('t').toString()).toBe(text);
          expect(doc.getList('l').toArray()).toEqual(list);
          // Fresh replicas, by every load path, end where integration puts the items.
          const fresh = loadFast(bytes);
          expect(fresh.getText('t').toString()).toBe(text);
          expect(fresh.getList('l').toArray()).toEqual(list);
          expect(unitsOf(fresh)).toEqual(unitsOf(doc));
          const general = loadGeneral(bytes);
          expect(unitsOf(general)).toEqual(unitsOf(doc));
          expect(general.getList('l').toArray()).toEqual(list);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a forged order on both fast paths and leaves the empty document as it was', () => {
    const a = makeDoc(1);
    a.getText('t').insert(0, 'abc');
    const b = makeDoc(2);
    syncBoth(a, b);
    a.getText('t').insert(1, 'X');
    b.getText('t').insert(1, 'Y');
    syncBoth(a, b);
    const order = a.getText('t').toString();
    expect(['aXYbc', 'aYXbc']).toContain(order);
    // The two concurrent items swapped: a plausible order, with every origin still before or
    // after where it should be, only the tie broken the other way.
    const items = itemsOf(a).map((it) => it.content);
    const i = items.findIndex((c) => c === 'X' || c === 'Y');
    const bytes = forged(a, i, i + 1) as Uint8Array;
    for (const path of ['text', 'general'] as const) {
      const fresh = makeDoc(50);
      const taken =
        path === 'text'
          ? tryLoadTextSnapshot(fresh, bytes, null)
          : tryFastLoad(fresh, decodeUpdate(bytes), null, bytes);
      expect(taken).toBe(false);
      expect(fresh.store.clients.size).toBe(0);
    }
    expect(loadFast(bytes).getText('t').toString()).toBe(order);
  });
});

describe('many replicas typing at one place', () => {
  it('load by the fast paths: concurrent runs at one place take no scan past each other', () => {
    // 600 replicas each insert at the start of an empty text (and of a list) concurrently: stored
    // by ascending id, a check taking them in ascending order scanned past every earlier one
    // (~180,000 steps, past its budget) and sent the snapshot to the general path.
    const target = makeDoc(1);
    for (let i = 0; i < 600; i++) {
      const d = makeDoc(10 + ((i * 7919) % 100_000));
      d.getText('t').insert(0, String.fromCharCode(97 + (i % 26)));
      d.getList('l').insert(0, i);
      applyUpdate(target, encodeStateAsUpdate(d));
    }
    const bytes = encodeStateAsUpdate(target);
    const text = makeDoc(2);
    expect(tryFastLoad(text, decodeUpdate(bytes), null, bytes)).toBe(true);
    expect(text.getText('t').toString()).toBe(target.getText('t').toString());
    expect(text.getList('l').toArray()).toEqual(target.getList('l').toArray());
    const one = makeDoc(4);
    // A snapshot of the text alone (another document holding only it) goes the one-text way.
    const textOnly = makeDoc(5);
    for (let i = 0; i < 600; i++) {
      const d = makeDoc(10 + ((i * 7919) % 100_000));
      d.getText('t').insert(0, 'x');
      applyUpdate(textOnly, encodeStateAsUpdate(d));
    }
    expect(tryLoadTextSnapshot(one, encodeStateAsUpdate(textOnly), null)).toBe(true);
    expect(one.getText('t').toString()).toBe(textOnly.getText('t').toString());
  });
});

describe('orderFollowsOrigins on hand-made runs', () => {
  it('refuses a run stored after the run holding its left origin when integration puts it inside', () => {
    // Replica 0 (id 5) typed "abc" as one run; replica 1 (id 3, lower: it goes first among
    // siblings) typed "X" right after "a", concurrently with "bc". Stored: "abc" then "X".
    const cols = newColumns(2);
    const runs = [
      [0, 0, 3, -1, 0, -1, 0],
      [1, 0, 1, 0, 0, -1, 0],
    ] as const;
    runs.forEach(([client, clock, len, olClient, olClock, orClient, orClock], i) => {
      cols.client[i] = client;
      cols.clock[i] = clock;
      cols.len[i] = len;
      cols.olClient[i] = olClient;
      cols.olClock[i] = olClock;
      cols.orClient[i] = orClient;
      cols.orClock[i] = orClock;
    });
    const ids = [5, 3];
    const tables = [Int32Array.from([1, 0, 1]), Int32Array.from([2])];
    expect(orderFollowsOrigins(cols, (c) => ids[c] as number, tables)).toBe(false);
    expect(
      orderFollowsOrigins(cols, (c) => ids[c] as number, tables, { clockOrder: Int32Array.from([0, 1]) }),
    ).toBe(false);
    expect(orderFollowsOrigins(cols, (c) => ids[c] as number, [null, null])).toBe(false);
  });

  /** Runs of one replica (client 0, id 5), as `[clock, len, olClock | -1, orClock | -1]`. */
  function check(runs: readonly (readonly [number, number, number, number])[]): boolean {
    const cols = newColumns(runs.length);
    runs.forEach(([clock, len, ol, or], i) => {
      cols.client[i] = 0;
      cols.clock[i] = clock;
      cols.len[i] = len;
      cols.olClient[i] = ol < 0 ? -1 : 0;
      cols.olClock[i] = Math.max(ol, 0);
      cols.orClient[i] = or < 0 ? -1 : 0;
      cols.orClock[i] = Math.max(or, 0);
    });
    const span = runs.reduce((m, [clock, len]) => Math.max(m, clock + len), 0);
    const table = new Int32Array(span);
    // As the fast load leaves it: each run named at its first and last clock.
    runs.forEach(([clock, len], i) => {
      table[clock] = i + 1;
      table[clock + len - 1] = i + 1;
    });
    // The three ways to find units and take runs give one answer: the table scanned, the runs
    // taken in a given clock order (the general load's), and no table (a search).
    const scanned = orderFollowsOrigins(cols, () => 5, [table]);
    const clockOrder = Int32Array.from(runs.keys()).sort(
      (x, y) => (runs[x] as readonly number[])[0]! - (runs[y] as readonly number[])[0]!,
    );
    expect(orderFollowsOrigins(cols, () => 5, [table], { clockOrder })).toBe(scanned);
    expect(orderFollowsOrigins(cols, () => 5, [null])).toBe(scanned);
    return scanned;
  }

  it('takes typing in order and an insertion between two runs', () => {
    // "ab" typed, then "X" between them: a X b.
    expect(
      check([
        [0, 1, -1, -1],
        [2, 1, 0, 1],
        [1, 1, 0, -1],
      ]),
    ).toBe(true);
  });

  it('refuses a run before its left origin, inside a stored run, or in an origin cycle', () => {
    expect(
      check([
        [2, 1, 0, 1],
        [0, 1, -1, -1],
        [1, 1, 0, -1],
      ]),
    ).toBe(false); // X before a
    expect(
      check([
        [0, 2, 3, -1],
        [2, 2, 1, -1],
      ]),
    ).toBe(false); // each after the other
    expect(check([[0, 2, 1, -1]])).toBe(false); // its own left origin
    // "abc" typed as one run, "X" between a and b stored after the run.
    expect(
      check([
        [0, 3, -1, -1],
        [3, 1, 0, 1],
      ]),
    ).toBe(false);
  });
});
