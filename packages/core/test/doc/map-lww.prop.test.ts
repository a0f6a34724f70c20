/**
 * Default (last-writer-wins) maps keep only the winner of concurrent writes: replicas that
 * receive the same writes in any order show the same value, encode bit-for-bit the same state,
 * reload to it, and the encoded size grows by a few bytes per concurrent writer, not by their
 * values. A deleted winner keeps beating a concurrent write that arrives after the delete.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** `writers` replicas each set `key` once, concurrently, with skewed clocks; their updates. */
function concurrentWrites(writers: number, value: (i: number) => unknown, seed: number): Uint8Array[] {
  const updates: Uint8Array[] = [];
  for (let i = 0; i < writers; i++) {
    const doc = new Doc({ clientId: 1000 + i, now: () => 1_000_000 + ((i * 7919 + seed) % 97) });
    doc.on('update', (u) => updates.push(u));
    doc.getMap('m').set('k', value(i));
  }
  return updates;
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function receive(updates: readonly Uint8Array[], clientId: number): Doc {
  const doc = new Doc({ clientId });
  for (const u of updates) applyUpdate(doc, u);
  return doc;
}

describe('last-writer-wins maps', () => {
  it('many concurrent writers of one key: one value everywhere, equal bytes, a few bytes per writer', () => {
    const writers = 200;
    const big = (i: number): string => String(i).repeat(500);
    const updates = concurrentWrites(writers, big, 3);
    const replicas = [1, 2, 3].map((seed) => receive(shuffled(updates, seed), 50 + seed));
    const winner = replicas[0]?.getMap('m').get('k');
    expect(typeof winner).toBe('string');
    const bytes = replicas.map((d) => encodeStateAsUpdate(d));
    for (const d of replicas) {
      expect(d.getMap('m').get('k')).toBe(winner);
      expect(d.getMap('m').getAll('k')).toEqual([winner]);
    }
    for (const b of bytes) expect(b).toEqual(bytes[0]);
    // The winner's value, plus a few bytes per writer (its replica id in the table and its id).
    const size = (bytes[0] as Uint8Array).length;
    expect(size).toBeLessThan((winner as string).length + 40 + 14 * writers);
    // Reloaded (fast path and general path), every replica shows the same value and bytes.
    const reloaded = receive([bytes[0] as Uint8Array], 99);
    expect(reloaded.getMap('m').get('k')).toBe(winner);
    expect(encodeStateAsUpdate(reloaded)).toEqual(bytes[0]);
    const merged = receive([...shuffled(updates, 9).slice(0, 50), bytes[0] as Uint8Array], 98);
    expect(merged.getMap('m').get('k')).toBe(winner);
    expect(encodeStateAsUpdate(merged)).toEqual(bytes[0]);
  });

  it('a deleted winner beats a concurrent write that arrives after the delete, on every replica', () => {
    const a = new Doc({ clientId: 1, now: () => 5000 });
    const b = new Doc({ clientId: 2, now: () => 1000 });
    const c = new Doc({ clientId: 3, now: () => 9000 });
    const fromB: Uint8Array[] = [];
    b.on('update', (u) => fromB.push(u));
    a.getMap('m').set('k', 'wins');
    b.getMap('m').set('k', 'loses');
    applyUpdate(c, encodeStateAsUpdate(a));
    c.getMap('m').delete('k');
    const snapshot = encodeStateAsUpdate(c);
    // d: the delete first (as a snapshot), then the losing write.
    const d = receive([snapshot, ...fromB], 4);
    // e: the losing write first, then the snapshot.
    const e = receive([...fromB, snapshot], 5);
    for (const x of [c, d, e]) {
      applyUpdate(x, encodeStateAsUpdate(b));
      expect(x.getMap('m').has('k')).toBe(false);
    }
    expect(encodeStateAsUpdate(d)).toEqual(encodeStateAsUpdate(e));
    // A diff against an empty state vector carries the tombstone too.
    const f = receive([encodeStateAsUpdate(d, new Uint8Array([0])), ...fromB], 6);
    expect(f.toJSON()).toEqual({ m: {} });
    // A later write (made after seeing the delete) shows again.
    d.getMap('m').set('k', 'again');
    applyUpdate(e, encodeStateAsUpdate(d));
    expect(e.getMap('m').get('k')).toBe('again');
  });

  it('random sets and deletes by skewed replicas converge to equal bytes in any delivery order (property)', () => {
    const op = fc.record({
      replica: fc.integer({ min: 0, max: 3 }),
      key: fc.constantFrom('a', 'b', 'c'),
      del: fc.boolean(),
      value: fc.integer({ min: 0, max: 99 }),
      sync: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        (ops, seed) => {
          const skew = [0, 300, -200, 50];
          const docs = skew.map((s, i) => {
            let t = 1_000_000 + s;
            return new Doc({ clientId: 10 + i, now: () => (t += 1) });
          });
          const updates: Uint8Array[] = [];
          for (const d of docs) d.on('update', (u, origin) => origin !== 'sync' && updates.push(u));
          for (const o of ops) {
            const d = docs[o.replica] as Doc;
            if (o.del) d.getMap('m').delete(o.key);
            else d.getMap('m').set(o.key, o.value);
            if (o.sync !== null) applyUpdate(docs[o.sync] as Doc, encodeStateAsUpdate(d), 'sync');
          }
          const x = receive(shuffled(updates, seed), 90);
          const y = receive(shuffled(updates, seed + 1), 91);
          const z = new Doc({ clientId: 92 });
          for (const d of shuffled(docs, seed + 2)) applyUpdate(z, encodeStateAsUpdate(d));
          for (const d of docs) for (const u of updates) applyUpdate(d, u);
          const bytes = encodeStateAsUpdate(x);
          for (const d of [y, z, ...docs]) {
            expect(d.getMap('m').toJSON()).toEqual(x.getMap('m').toJSON());
            expect(encodeStateAsUpdate(d)).toEqual(bytes);
          }
          const reloaded = receive([bytes], 93);
          expect(reloaded.getMap('m').toJSON()).toEqual(x.getMap('m').toJSON());
          expect(encodeStateAsUpdate(reloaded)).toEqual(bytes);
        },
      ),
      { numRuns: 80 },
    );
  }, 60_000);
});
