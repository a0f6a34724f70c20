/**
 * Transactions are reused once committed (`doc.ts` keeps a spare): each still reports its own
 * origin, its own deletions and nothing of the one before, also when listeners start transactions
 * of their own (on the same document or another) while one is being committed.
 */
import { applyUpdate, Doc } from '@accord/core';
import { decodeUpdate } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';

describe('transaction reuse', () => {
  it('a transaction carries only its own origin and deletions', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    const seen: { origin: unknown; deletes: number }[] = [];
    doc.on('update', (u, origin) => seen.push({ origin, deletes: decodeUpdate(u).deletes.size }));
    doc.transact(() => t.insert(0, 'hello'), 'a');
    doc.transact(() => t.delete(1, 2), 'b');
    doc.transact(() => t.insert(0, 'x'));
    expect(seen).toEqual([
      { origin: 'a', deletes: 0 },
      { origin: 'b', deletes: 1 },
      { origin: null, deletes: 0 },
    ]);
  });

  it('each transaction that deletes reports exactly its own ranges', () => {
    const doc = new Doc({ clientId: 7 });
    const t = doc.getText('t');
    t.insert(0, 'abcdefghij');
    const ranges: number[][][] = [];
    doc.on('update', (u) => ranges.push([...decodeUpdate(u).deletes.values()]));
    t.delete(8, 2); // clocks 8, 9
    t.insert(0, 'X');
    t.delete(1, 1); // clock 0 ('a', now after the X)
    t.delete(2, 3); // clocks 2, 3, 4 ('cde')
    expect(ranges).toEqual([[[8, 2]], [], [[0, 1]], [[2, 3]]]);
  });

  it('listeners that start transactions while one commits see the right origins', () => {
    const a = new Doc({ clientId: 1 });
    const b = new Doc({ clientId: 2 });
    const ta = a.getText('t');
    const log: string[] = [];
    a.on('update', (u, origin) => {
      log.push(`a1:${String(origin)}`);
      // Another document's transaction, and one of this document, inside this commit.
      applyUpdate(b, u, 'from-a');
      if (origin === 'outer') a.transact(() => ta.insert(0, '!'), 'inner');
    });
    a.on('update', (_u, origin) => log.push(`a2:${String(origin)}`));
    b.on('update', (_u, origin) => log.push(`b:${String(origin)}`));
    a.transact(() => ta.insert(0, 'ab'), 'outer');
    expect(log).toEqual(['a1:outer', 'b:from-a', 'a1:inner', 'b:from-a', 'a2:inner', 'a2:outer']);
    expect(b.getText('t').toString()).toBe(ta.toString());
    expect(ta.toString()).toBe('!ab');
  });
});
