/**
 * Clocks stay small integers (V8 "Smis") in the objects a document keeps, whatever path made
 * them. A clock that unoptimized code reads from an array of doubles (one also holding replica
 * ids, mostly above 2^31) is a heap number; stored in an item or a run table, it makes V8 turn
 * that field into a double field for every object of the class, which costs a box per object and
 * throws away the optimized code that expected the old shape. The check reads V8's own view
 * (natives syntax, `%IsSmi`), in a fresh process where the paths run unoptimized.
 */
import { setFlagsFromString } from 'node:v8';
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';

setFlagsFromString('--allow-natives-syntax');
/** True when V8 holds `x` as a small integer. */
const isSmi = new Function('x', 'return %IsSmi(x);') as (x: unknown) => boolean;

interface ItemFields {
  clock: number;
  olClock: number;
  orClock: number;
}
interface Internals {
  getText(name: string): unknown;
  store: { clients: Iterable<[number, { next: number }]> };
}

/** Every clock `doc` keeps in the items of text `t` and in its run tables, each with what holds it. */
function clocksOf(doc: Doc): [string, number][] {
  const text = doc.getText('t') as unknown as { seq: { index: { leaves: { items: ItemFields[] }[] } } };
  const out: [string, number][] = [];
  for (const leaf of text.seq.index.leaves) {
    for (const item of leaf.items) {
      out.push(['item.clock', item.clock], ['item.olClock', item.olClock], ['item.orClock', item.orClock]);
    }
  }
  for (const [, runs] of (doc as unknown as Internals).store.clients) out.push(['runs.next', runs.next]);
  return out;
}

/** The entries of `clocks` V8 does not hold as small integers. */
const notSmi = (clocks: [string, number][]) => clocks.filter(([, v]) => !isSmi(v));

describe('clocks kept as small integers', () => {
  it('through remote keystrokes that delete inside runs, snapshots and merges', () => {
    // Replica ids as random ones are: above 2^31.
    const a = new Doc({ clientId: 2 ** 40 + 7 });
    const b = new Doc({ clientId: 2 ** 41 + 3 });
    a.on('update', (u: Uint8Array) => applyUpdate(b, u));
    const t = a.getText('t');
    t.insert(0, 'hello world, hello again');
    // Keystroke updates with deleted ranges: b splits runs where they start and end.
    t.delete(2, 3);
    t.delete(10, 4);
    t.insert(3, 'xyz');
    t.delete(0, 1);
    expect(b.getText('t').toString()).toBe(t.toString());
    expect(clocksOf(b).length).toBeGreaterThan(10);
    expect(notSmi(clocksOf(b))).toEqual([]);
    // A snapshot loaded, and b's own edits merged back.
    const c = new Doc({ clientId: 2 ** 42 + 1 });
    applyUpdate(c, encodeStateAsUpdate(b));
    b.getText('t').insert(5, '!');
    applyUpdate(c, encodeStateAsUpdate(b));
    expect(c.getText('t').toString()).toBe(b.getText('t').toString());
    expect(notSmi(clocksOf(c))).toEqual([]);
    expect(notSmi(clocksOf(a))).toEqual([]);
  });

  it('through positions computed in floating point, large transactions of scattered edits (the general update path) and their snapshots', () => {
    const a = new Doc({ clientId: 2 ** 43 + 5 });
    const b = new Doc({ clientId: 2 ** 44 + 9 });
    const t = a.getText('t');
    t.insert(0, 'abcdefghijklmnopqrstuvwxyz'.repeat(4));
    applyUpdate(b, encodeStateAsUpdate(a));
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const u: Uint8Array[] = [];
    a.on('update', (x: Uint8Array) => u.push(x));
    a.transact(() => {
      for (let i = 0; i < 200; i++) {
        if (i % 3 === 2 && t.length > 1) t.delete(next(t.length - 1), 1);
        else t.insert(next(t.length + 1), String.fromCharCode(97 + (i % 26)));
      }
    });
    for (const x of u) applyUpdate(b, x);
    expect(b.getText('t').toString()).toBe(t.toString());
    // The positions above come out of floating-point arithmetic (heap numbers).
    expect(notSmi(clocksOf(a))).toEqual([]);
    expect(notSmi(clocksOf(b))).toEqual([]);
    const c = new Doc({ clientId: 2 ** 45 + 1 });
    applyUpdate(c, encodeStateAsUpdate(b));
    expect(notSmi(clocksOf(c))).toEqual([]);
  });
});
