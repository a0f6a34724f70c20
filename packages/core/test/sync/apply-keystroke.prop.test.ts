import { applyUpdate, type Doc, encodeStateAsUpdate, encodeStateVector, type Text } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { applyGeneral } from '../../src/sync/apply.js';
import { tryApplyKeystroke } from '../../src/sync/apply-keystroke.js';
import { makeDoc, syncBoth } from './helpers.js';

/** The updates `fn` makes on `doc`, one per transaction. */
function updatesOf(doc: Doc, fn: () => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const grab = (u: Uint8Array) => out.push(u);
  doc.on('update', grab);
  fn();
  doc.off('update', grab);
  return out;
}

/** A receiver that records what it tells its application: text events and `'update'` bytes. */
interface Receiver {
  doc: Doc;
  events: unknown[];
  updates: Uint8Array[];
}

function receiver(clientId: number): Receiver {
  const doc = makeDoc(clientId);
  const events: unknown[] = [];
  const updates: Uint8Array[] = [];
  doc.getText('t').observe((e) => events.push(e.delta));
  doc.getList('l').observe((e) => events.push(e.delta));
  doc.on('update', (u: Uint8Array, origin: unknown) =>
    updates.push(u, new Uint8Array([origin === 'net' ? 1 : 0])),
  );
  return { doc, events, updates };
}

/** Applies `u` one way, returning the error code it was refused with (or null). */
function outcome(apply: () => void): string | null {
  try {
    apply();
    return null;
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
}

/** Every unit of the text `t` with its id, origins, content and deletion, in document order. */
function unitsOf(doc: Doc): unknown[] {
  const ids = doc.clientIds;
  const out: unknown[] = [];
  for (const leaf of (doc.getText('t') as Text).seq.index.leaves) {
    for (const it of leaf.items) {
      expect(it.leaf).toBe(leaf);
      out.push([ids[it.client], it.clock, it.len, it.olClient < 0 ? null : ids[it.olClient], it.olClock]);
      out.push([it.orClient < 0 ? null : ids[it.orClient], it.orClock, it.content, it.deleted]);
    }
  }
  return out;
}

/** The two receivers agree on everything an application or a peer can observe. */
function expectSame(a: Receiver, b: Receiver): void {
  expect(a.doc.getText('t').toString()).toBe(b.doc.getText('t').toString());
  expect(unitsOf(a.doc)).toEqual(unitsOf(b.doc));
  expect(a.doc.toJSON()).toEqual(b.doc.toJSON());
  expect(a.doc.pendingCount).toBe(b.doc.pendingCount);
  expect(a.doc.pendingDeleteCount).toBe(b.doc.pendingDeleteCount);
  expect(encodeStateVector(a.doc)).toEqual(encodeStateVector(b.doc));
  expect(encodeStateAsUpdate(a.doc)).toEqual(encodeStateAsUpdate(b.doc));
  expect(a.events).toEqual(b.events);
  expect(a.updates).toEqual(b.updates);
}

/** One author's edit: typing, backspace, a paste, a selection replaced, or a list or map edit. */
const editArb = fc.record({
  who: fc.nat(2),
  kind: fc.constantFrom(
    'type',
    'type',
    'type',
    'backspace',
    'paste',
    'big',
    'replace',
    'list',
    'map',
    'sync',
  ),
  at: fc.nat(),
  n: fc.integer({ min: 1, max: 4 }),
  s: fc.constantFrom('a', 'b', 'xyz', 'é', '日本', '😀', 'para\n'),
});

type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

/** Edits without pastes of kilobytes (damaging those byte by byte is slow; they get their own runs). */
const smallEditArb = editArb.filter((e) => e.kind !== 'big');

/** Plays `edits` on three authors and returns every update in the order made. */
function play(edits: readonly Edit[]): Uint8Array[] {
  const authors = [makeDoc(11), makeDoc(22), makeDoc(33)];
  const all: Uint8Array[] = [];
  for (const e of edits) {
    const d = authors[e.who] as Doc;
    const t = d.getText('t');
    const len = t.length;
    const at = len === 0 ? 0 : e.at % (len + 1);
    const made = updatesOf(d, () => {
      if (e.kind === 'type') t.insert(at, e.s);
      else if (e.kind === 'backspace' && at > 0) t.delete(at - Math.min(at, e.n), Math.min(at, e.n));
      else if (e.kind === 'paste') t.insert(at, e.s.repeat(8 * e.n));
      else if (e.kind === 'big')
        t.insert(at, e.s.repeat(400 * e.n)); // up to 8,000 units, 9,600 bytes
      else if (e.kind === 'replace' && at < len)
        d.transact(() => {
          t.delete(at, Math.min(len - at, e.n));
          t.insert(Math.min(at, t.length), e.s); // a surrogate pair goes whole
        });
      else if (e.kind === 'list') d.getList('l').insert(0, [e.n]);
      else if (e.kind === 'map') d.getMap('m').set(e.s, e.n);
      else if (e.kind === 'sync') syncBoth(d, authors[(e.who + 1) % 3] as Doc);
    });
    all.push(...made);
  }
  return all;
}

describe('the remote keystroke fast path', () => {
  it('takes one typed character, a paste, a run typed on and a backspace', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const t = a.getText('t');
    const first = updatesOf(a, () => t.insert(0, 'hello world'));
    applyUpdate(b, first[0] as Uint8Array);
    const keys = updatesOf(a, () => {
      t.insert(5, ',');
      t.insert(6, ' dear');
      t.insert(11, '😀');
      t.delete(0, 1);
      t.delete(3, 4); // ids of two runs
      t.insert(0, 'H');
      a.transact(() => {
        // a selection typed over
        t.delete(1, 3);
        t.insert(1, 'i');
      });
    });
    const taken = keys.map((u) => tryApplyKeystroke(b, u, null));
    expect(taken).toEqual([true, true, true, true, true, true, true]);
    expect(b.getText('t').toString()).toBe(t.toString());
    expect(encodeStateAsUpdate(b)).toEqual(encodeStateAsUpdate(a));
  });

  it('takes a paste of many kilobytes as the general path would, and leaves one over a megabyte to it', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    const [first, big] = updatesOf(a, () => {
      t.insert(0, 'start end');
      t.insert(6, 'é日本😀 text\n'.repeat(600)); // about 9 KB
    });
    expect((big as Uint8Array).length).toBeGreaterThan(4096);
    const fast = receiver(9);
    const general = receiver(9);
    for (const u of [first, big] as Uint8Array[]) {
      applyGeneral(general.doc, u, 'net');
      expect(tryApplyKeystroke(fast.doc, u, 'net')).toBe(true);
    }
    expectSame(fast, general);
    expect(fast.doc.getText('t').toString()).toBe(t.toString());
    const [huge] = updatesOf(a, () => t.insert(0, 'x'.repeat((1 << 20) + 1)));
    expect(tryApplyKeystroke(fast.doc, huge as Uint8Array, 'net')).toBe(false);
    applyUpdate(fast.doc, huge as Uint8Array, 'net');
    expect(fast.doc.getText('t').toString()).toBe(t.toString());
  });

  it('leaves to the general path what is not a keystroke it can integrate at once', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const t = a.getText('t');
    const [first, second, third] = updatesOf(a, () => {
      t.insert(0, 'abc');
      t.insert(3, 'd');
      t.insert(4, 'e');
    });
    // Nothing to anchor on: the root does not exist yet in b.
    expect(tryApplyKeystroke(b, second as Uint8Array, null)).toBe(false);
    applyUpdate(b, first as Uint8Array);
    // A gap (third before second) and a duplicate (first again).
    expect(tryApplyKeystroke(b, third as Uint8Array, null)).toBe(false);
    expect(tryApplyKeystroke(b, first as Uint8Array, null)).toBe(false);
    applyUpdate(b, third as Uint8Array);
    expect(b.pendingCount).toBe(1);
    // Anything held: the general path decides what it unblocks.
    expect(tryApplyKeystroke(b, second as Uint8Array, null)).toBe(false);
    applyUpdate(b, second as Uint8Array);
    expect(b.getText('t').toString()).toBe('abcde');
    // Other shapes: a map entry, a list element, two runs in one update, a snapshot.
    const others = updatesOf(a, () => {
      a.getMap('m').set('k', 1);
      a.getList('l').insert(0, ['x']);
      a.transact(() => {
        t.insert(0, 'A');
        t.insert(3, 'B');
      });
    });
    for (const u of [...others, encodeStateAsUpdate(a)]) expect(tryApplyKeystroke(b, u, null)).toBe(false);
    // A deletion of ids b has not received.
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(a));
    const late = updatesOf(a, () => t.insert(0, 'z'));
    applyUpdate(c, late[0] as Uint8Array);
    const del = updatesOf(c, () => c.getText('t').delete(0, 1));
    expect(tryApplyKeystroke(b, del[0] as Uint8Array, null)).toBe(false);
  });

  it('gives what the general path gives, for every delivery order, duplicates included', () => {
    fc.assert(
      fc.property(
        fc.array(editArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (edits, swaps, shuffle) => {
          const updates = play(edits);
          const order = updates.map((_, i) => i);
          // Causal order, or some updates moved later (gaps that are held), and some repeated.
          if (shuffle)
            for (const s of swaps) {
              const i = s % order.length;
              const j = (s * 7 + 3) % order.length;
              [order[i], order[j]] = [order[j] as number, order[i] as number];
            }
          for (const s of swaps.slice(0, 3)) order.push(s % order.length);
          const fast = receiver(99);
          const general = receiver(99);
          for (const i of order) {
            const u = updates[i] as Uint8Array;
            const x = outcome(() => applyUpdate(fast.doc, u, 'net'));
            const y = outcome(() => applyGeneral(general.doc, u, 'net'));
            expect(x).toBe(y);
          }
          expectSame(fast, general);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses damaged keystrokes exactly as the general path does, leaving the document as it was', () => {
    const damagedLast = (edits: readonly Edit[], damage: readonly [number, number, string][]) => {
      const updates = play(edits);
      fc.pre(updates.length > 0);
      const fast = receiver(99);
      const general = receiver(99);
      // All but the last update arrive intact; the last one is damaged.
      for (const u of updates.slice(0, -1)) {
        applyUpdate(fast.doc, u);
        applyGeneral(general.doc, u, null);
      }
      let bad = (updates[updates.length - 1] as Uint8Array).slice();
      for (const [pos, byte, how] of damage) {
        const i = pos % (bad.length + 1);
        if (how === 'set' && i < bad.length) bad[i] = byte;
        else if (how === 'cut') bad = bad.slice(0, i);
        else bad = Uint8Array.from([...bad.slice(0, i), byte, ...bad.slice(i)]);
      }
      const before = encodeStateAsUpdate(fast.doc);
      const x = outcome(() => applyUpdate(fast.doc, bad, 'net'));
      const y = outcome(() => applyGeneral(general.doc, bad, 'net'));
      expect(x).toBe(y);
      if (x !== null) expect(encodeStateAsUpdate(fast.doc)).toEqual(before);
      expectSame(fast, general);
    };
    const damageArb = fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('set', 'cut', 'add')), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(fc.property(fc.array(smallEditArb, { minLength: 1, maxLength: 15 }), damageArb, damagedLast), {
      numRuns: 300,
    });
    // The last update a paste of kilobytes (the fast path reads those too since it takes up to 1 MiB).
    const bigLast = fc
      .tuple(
        fc.array(smallEditArb, { maxLength: 6 }),
        editArb.filter((e) => e.kind === 'big'),
      )
      .map(([edits, big]) => [...edits, big]);
    fc.assert(fc.property(bigLast, damageArb, damagedLast), { numRuns: 40 });
  });
});
