import { type Text, UndoManager } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncOneWay } from '../sync/helpers.js';

type Action =
  | { t: 'ins'; who: 0 | 1; at: number; n: number }
  | { t: 'del'; who: 0 | 1; at: number; n: number }
  | { t: 'undo' }
  | { t: 'redo' }
  | { t: 'stop' }
  | { t: 'tick' }
  | { t: 'sync'; dir: 0 | 1 | 2 };

const frac = fc.double({ min: 0, max: 1, noNaN: true });
const who = fc.constantFrom<0 | 1>(0, 1);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant<'ins'>('ins'), who, at: frac, n: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant<'del'>('del'), who, at: frac, n: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 2, arbitrary: fc.constant<Action>({ t: 'undo' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ t: 'redo' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ t: 'stop' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ t: 'tick' }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant<'sync'>('sync'), dir: fc.constantFrom<0 | 1 | 2>(0, 1, 2) }),
  },
);

/** Unique characters: replica A types from one block, replica B from another, the seed from a third. */
function charsFrom(base: number, counter: { n: number }, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(base + counter.n++);
  return s;
}

describe('UndoManager never undoes other users’ work (property)', () => {
  it('remote text survives random interleavings of local edits, remote edits, undos and redos', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 35 }), (actions) => {
        const a = makeDoc(1);
        const b = makeDoc(2);
        const ta = a.getText('t');
        const tb = b.getText('t');
        const seed = charsFrom(0x3400, { n: 0 }, 6);
        ta.insert(0, seed);
        syncOneWay(a, b);
        let now = 0;
        const um = new UndoManager(a, { now: () => now, captureTimeout: 500 });
        const counters = [{ n: 0 }, { n: 0 }];
        const typedA = new Set<string>();
        const typedB = new Set<string>();
        const deletedByB = new Set<string>();
        const deletedByUserA = new Set<string>();
        for (const act of actions) {
          now += 10;
          if (act.t === 'ins' || act.t === 'del') {
            const t: Text = act.who === 0 ? ta : tb;
            const pos = Math.floor(act.at * (t.length + 1));
            if (act.t === 'ins') {
              const s = charsFrom(act.who === 0 ? 0x4e00 : 0xac00, counters[act.who] as { n: number }, act.n);
              for (const c of s) (act.who === 0 ? typedA : typedB).add(c);
              t.insert(Math.min(pos, t.length), s);
            } else if (t.length > 0) {
              const from = Math.min(pos, t.length - 1);
              const n = Math.min(act.n, t.length - from);
              for (const c of t.toString().slice(from, from + n))
                (act.who === 0 ? deletedByUserA : deletedByB).add(c);
              t.delete(from, n);
            }
          } else if (act.t === 'undo') um.undo();
          else if (act.t === 'redo') um.redo();
          else if (act.t === 'stop') um.stopCapturing();
          else if (act.t === 'tick') now += 1000;
          else {
            if (act.dir !== 1) syncOneWay(a, b);
            if (act.dir !== 0) syncOneWay(b, a);
          }
        }
        syncOneWay(a, b);
        syncOneWay(b, a);
        const final = ta.toString();
        expect(tb.toString()).toBe(final);
        for (const c of typedB) if (!deletedByB.has(c) && !deletedByUserA.has(c)) expect(final).toContain(c);
        for (const c of seed) if (!deletedByB.has(c) && !deletedByUserA.has(c)) expect(final).toContain(c);

        // Undoing everything leaves no character A typed and brings back what A deleted, while
        // B's surviving text stays.
        while (um.undo()) now += 10;
        syncOneWay(a, b);
        const undone = ta.toString();
        expect(tb.toString()).toBe(undone);
        for (const c of undone) expect(typedA.has(c)).toBe(false);
        for (const c of typedB) if (!deletedByB.has(c)) expect(undone).toContain(c);
        for (const c of seed) if (!deletedByB.has(c)) expect(undone).toContain(c);
        // Each character at most once.
        expect(new Set(undone).size).toBe(undone.length);
      }),
      { numRuns: 200 },
    );
  });

  it('undo of everything then redo of everything restores the text (single replica)', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 30 }), (actions) => {
        const a = makeDoc(1);
        const t = a.getText('t');
        t.insert(0, 'seed text');
        let now = 0;
        const um = new UndoManager(a, { now: () => now });
        const counter = { n: 0 };
        const history: string[] = [];
        for (const act of actions) {
          now += act.t === 'tick' ? 1000 : 10;
          if (act.t === 'ins')
            t.insert(
              Math.min(t.length, Math.floor(act.at * (t.length + 1))),
              charsFrom(0x4e00, counter, act.n),
            );
          else if (act.t === 'del' && t.length > 0) {
            const from = Math.min(Math.floor(act.at * t.length), t.length - 1);
            t.delete(from, Math.min(act.n, t.length - from));
          } else if (act.t === 'stop') um.stopCapturing();
          else continue;
          history.push(t.toString());
        }
        const end = t.toString();
        const states = [end];
        while (um.undo()) states.push(t.toString());
        expect(t.toString()).toBe('seed text');
        // Every intermediate state is one the user saw.
        for (const s of states) expect(s === 'seed text' || history.includes(s)).toBe(true);
        while (um.redo());
        expect(t.toString()).toBe(end);
      }),
      { numRuns: 200 },
    );
  });

  it('map keys and counters: undoing everything leaves exactly the other replica’s writes and increments', () => {
    type MAction =
      | { t: 'set'; who: 0 | 1; key: number; v: number }
      | { t: 'inc'; who: 0 | 1; d: number }
      | { t: 'undo' }
      | { t: 'redo' }
      | { t: 'tick' }
      | { t: 'sync'; dir: 0 | 1 | 2 };
    const mact: fc.Arbitrary<MAction> = fc.oneof(
      fc.record({ t: fc.constant<'set'>('set'), who, key: fc.nat(1), v: fc.integer() }),
      fc.record({ t: fc.constant<'inc'>('inc'), who, d: fc.integer({ min: -3, max: 3 }) }),
      fc.constant<MAction>({ t: 'undo' }),
      fc.constant<MAction>({ t: 'redo' }),
      fc.constant<MAction>({ t: 'tick' }),
      fc.record({ t: fc.constant<'sync'>('sync'), dir: fc.constantFrom<0 | 1 | 2>(0, 1, 2) }),
    );
    fc.assert(
      fc.property(fc.array(mact, { maxLength: 30 }), (actions) => {
        const docs = [makeDoc(1), makeDoc(2)] as const;
        let now = 0;
        const um = new UndoManager(docs[0], { now: () => now });
        let remoteSum = 0;
        let remoteLast: Record<string, number> = {};
        for (const act of actions) {
          now += act.t === 'tick' ? 1000 : 10;
          if (act.t === 'set') {
            // Replica A writes keys a0/a1, replica B writes b0/b1: disjoint keys.
            const key = `${act.who === 0 ? 'a' : 'b'}${act.key}`;
            docs[act.who].getMap('m').set(key, act.v);
            if (act.who === 1) remoteLast = { ...remoteLast, [key]: act.v };
          } else if (act.t === 'inc') {
            docs[act.who].getCounter('c').increment(act.d || 1);
            if (act.who === 1) remoteSum += act.d || 1;
          } else if (act.t === 'undo') um.undo();
          else if (act.t === 'redo') um.redo();
          else if (act.t === 'sync') {
            if (act.dir !== 1) syncOneWay(docs[0], docs[1]);
            if (act.dir !== 0) syncOneWay(docs[1], docs[0]);
          }
        }
        while (um.undo());
        syncOneWay(docs[0], docs[1]);
        syncOneWay(docs[1], docs[0]);
        for (const d of docs) {
          expect(d.getCounter('c').value).toBe(remoteSum);
          expect(d.getMap('m').toJSON()).toEqual(remoteLast);
        }
      }),
      { numRuns: 200 },
    );
  });
});
