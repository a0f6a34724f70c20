import { describe, expect, it } from 'vitest';
import { ClientRuns, type Struct, StructStore } from '../../src/store/struct-store.js';

const run = (clock: number, len: number): Struct => ({ client: 0, clock, len });

describe('ClientRuns.find', () => {
  it('answers from its last lookup only while that struct is stored and holds the clock', () => {
    const runs = new ClientRuns();
    const a = run(0, 4);
    const b = run(4, 4);
    runs.push(a);
    runs.push(b);
    expect(runs.find(5)).toBe(b);
    // b merged into a (a tombstone compaction): a covers b's clocks, b leaves the store.
    a.len += b.len;
    runs.remove(b);
    expect(runs.find(5)).toBe(a);
    // a split: the tail holds the clocks a no longer covers.
    expect(runs.find(1)).toBe(a);
    const tail = run(3, 5);
    a.len = 3;
    runs.insertAfter(a, tail);
    expect(runs.find(6)).toBe(tail);
    expect(runs.find(2)).toBe(a);
    expect(runs.find(8)).toBeUndefined();
  });
});

describe('ClientTable', () => {
  it('creates runs on first use, lists clients by ascending index and skips indexes without runs', () => {
    const store = new StructStore();
    store.add({ client: 3, clock: 0, len: 2 });
    store.add({ client: 0, clock: 0, len: 1 });
    store.add({ client: 3, clock: 2, len: 1 });
    expect(store.clients.size).toBe(2);
    expect([...store.clients.keys()]).toEqual([0, 3]);
    expect([...store.clients].map(([c, r]) => [c, r.next])).toEqual([
      [0, 1],
      [3, 3],
    ]);
    expect(store.clients.get(1)).toBeUndefined();
    expect(store.getState(2)).toBe(0);
    expect(store.find(-1, 0)).toBeUndefined();
    expect(() => store.runs(-1)).toThrow(RangeError);
    expect(() => store.runs(1.5)).toThrow(RangeError);
    expect(store.clients.size).toBe(2);
  });
});
