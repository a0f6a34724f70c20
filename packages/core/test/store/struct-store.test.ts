import { describe, expect, it } from 'vitest';
import { ClientRuns, type Struct } from '../../src/store/struct-store.js';

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
