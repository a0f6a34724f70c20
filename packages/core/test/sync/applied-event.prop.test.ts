import { applyUpdate, type Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import { decodeUpdate } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docFrom, makeDoc, viewOf } from './helpers.js';

/**
 * An applied update that its transaction integrates whole (every record new, every deletion of a
 * held id, nothing released or held back) fires its `'update'` event with the applied bytes
 * instead of encoding the transaction again. These tests hold every applied update's event to what
 * an `'update'` event promises: a replica that applies the events alone ends equal.
 */

type Edit = [author: number, at: number, text: string, kind: number];

/** Each author's transactions' updates, in the order made, from edits to text, map and list. */
function author(edits: readonly Edit[]): Uint8Array[] {
  const docs = [makeDoc(1), makeDoc(2)];
  const updates: Uint8Array[] = [];
  for (const d of docs) d.on('update', (u, origin) => origin === 'remote' || updates.push(u));
  for (const [who, at, s, kind] of edits) {
    const d = docs[who % 2] as Doc;
    const other = docs[(who + 1) % 2] as Doc;
    const t = d.getText('t');
    if (kind === 0 && t.length > 0) {
      const from = at % t.length;
      t.delete(from, Math.min(1 + (at % 3), t.length - from));
    } else if (kind === 1) d.getMap('m').set(`k${at % 3}`, s);
    else if (kind === 2) d.getList('l').insert(0, [s]);
    else t.insert(at % (t.length + 1), s || 'x');
    // Now and then the other author catches up, so later edits depend on both.
    if (at % 4 === 0) applyUpdate(other, encodeStateAsUpdate(d), 'remote');
  }
  return updates;
}

const editsArb = fc.array(fc.tuple(fc.nat(1), fc.nat(1000), fc.string({ maxLength: 5 }), fc.nat(5)), {
  minLength: 1,
  maxLength: 30,
});

/** Apply `inputs` to a fresh replica with a listener; returns it and the events in order. */
function receive(inputs: readonly Uint8Array[]): { doc: Doc; events: Uint8Array[]; verbatim: number } {
  const doc = makeDoc(9);
  const events: Uint8Array[] = [];
  let verbatim = 0;
  let current: Uint8Array | null = null;
  doc.on('update', (u) => {
    events.push(u);
    if (current !== null && u.length === current.length && u.every((b, i) => b === current?.[i])) verbatim++;
  });
  for (const u of inputs) {
    current = u;
    applyUpdate(doc, u, 'net');
  }
  return { doc, events, verbatim };
}

/** The update of `edit` on `doc`, one transaction. */
function capture(doc: Doc, edit: () => void): Uint8Array {
  let out: Uint8Array | null = null;
  const grab = (u: Uint8Array) => {
    out = u;
  };
  doc.on('update', grab);
  doc.transact(edit);
  doc.off('update', grab);
  if (out === null) throw new Error('no update');
  return out;
}

describe("an applied update's 'update' event", () => {
  it("one author's text edits in order apply whole: each event is the update's own bytes, and a follower of the events ends equal", () => {
    fc.assert(
      fc.property(editsArb, (edits) => {
        // (A map key set again deletes its earlier entry by the new one's arrival as well as by
        // its delete set: that event is encoded, and the two-author property covers it.)
        const updates = author(edits.map(([, at, s, kind]) => [0, at, s, kind === 0 ? 0 : 3] as Edit));
        const { doc, events, verbatim } = receive(updates);
        expect(events.length).toBe(updates.length);
        expect(verbatim).toBe(updates.length);
        expect(viewOf(docFrom(events))).toEqual(viewOf(doc));
      }),
      { numRuns: 150 },
    );
  });

  it('in any order, with repeats and merged copies (held, released, partly known): a follower of the events ends equal', () => {
    fc.assert(
      fc.property(
        editsArb,
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
        (edits, picks, merges) => {
          const updates = author(edits);
          // Every update at least once, in a shuffled order, plus repeats and merges of two.
          const order = updates.map((u, i) => ({ u, key: picks[i] ?? i }));
          order.sort((x, y) => x.key - y.key);
          const inputs = order.map((o) => o.u);
          for (const p of picks.slice(updates.length)) inputs.push(updates[p % updates.length] as Uint8Array);
          for (const [i, j] of merges) {
            const a = updates[i % updates.length] as Uint8Array;
            const b = updates[j % updates.length] as Uint8Array;
            inputs.splice(i % (inputs.length + 1), 0, mergeUpdates([a, b]));
          }
          const { doc, events } = receive(inputs);
          const follower = docFrom(events);
          expect(viewOf(follower)).toEqual(viewOf(doc));
          expect(follower.pendingCount).toBe(doc.pendingCount);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('two authors in causal order: a follower of the events ends equal, and most events are the bytes applied', () => {
    fc.assert(
      fc.property(editsArb, (edits) => {
        const updates = author(edits);
        const { doc, events, verbatim } = receive(updates);
        // An update that only deletes what the other author deleted already changes nothing and
        // fires no event; one that deletes some of it fires what it did delete.
        expect(verbatim).toBeLessThanOrEqual(events.length);
        expect(viewOf(docFrom(events))).toEqual(viewOf(doc));
      }),
      { numRuns: 150 },
    );
  });

  for (const withMap of [false, true]) {
    it(`an update deleting ids deleted already fires only what it changed (${withMap ? 'general path' : 'keystroke path'})`, () => {
      const a = makeDoc(1);
      const b = makeDoc(2);
      const c = makeDoc(3);
      a.getText('t').insert(0, 'abcdef');
      const base = encodeStateAsUpdate(a);
      applyUpdate(b, base);
      applyUpdate(c, base);
      const uB = capture(b, () => b.getText('t').delete(1, 2)); // "bc"
      const uC = capture(c, () => {
        c.getText('t').delete(2, 2); // "cd": "c" is deleted on b too
        c.getText('t').insert(0, 'X');
        if (withMap) c.getMap('m').set('k', 1);
      });
      const { doc, events } = receive([base, uB, uC]);
      expect(doc.getText('t').toString()).toBe('Xaef');
      const last = events[events.length - 1] as Uint8Array;
      expect(last).not.toEqual(uC);
      // The event deletes only "d": a replica holding base and uB, given it, ends equal.
      const f = docFrom([base, uB, last]);
      expect(viewOf(f)).toEqual(viewOf(doc));
      const deleted = [...decodeUpdate(last).deletes.values()].reduce((n, r) => n + (r[1] ?? 0), 0);
      expect(deleted).toBe(1);
    });
  }

  it('an update the replica partly holds fires only what is new, not the bytes it got', () => {
    const updates = author([
      [0, 1, 'ab', 3],
      [0, 2, 'cd', 3],
      [0, 3, 'v', 1],
    ]);
    const [first, ...rest] = updates;
    const merged = mergeUpdates(updates);
    const { doc, events } = receive([first as Uint8Array, merged]);
    expect(events.length).toBe(2);
    expect(events[0]).toEqual(first);
    expect(events[1]).not.toEqual(merged);
    // The second event carries what `first` did not: a replica holding `first` ends equal with it.
    const f = docFrom([first as Uint8Array, events[1] as Uint8Array]);
    expect(viewOf(f)).toEqual(viewOf(doc));
    expect(rest.length).toBe(2);
  });

  it('an update that releases a held one fires both: the follower is not left waiting', () => {
    const updates = author([
      [0, 1, 'ab', 3],
      [0, 2, 'cd', 3],
      [0, 3, 'ef', 3],
    ]);
    const [u1, u2, u3] = updates as [Uint8Array, Uint8Array, Uint8Array];
    const { doc, events } = receive([u1, u3, u2]);
    expect(doc.getText('t').toString()).toBe(docFrom(updates).getText('t').toString());
    const f = docFrom(events);
    expect(f.pendingCount).toBe(0);
    expect(viewOf(f)).toEqual(viewOf(doc));
  });
});
