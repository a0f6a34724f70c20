import { describe, expect, it } from 'vitest';
import { resolveQuorum, WriteQuorumTracker, writeQuorumOf } from '../../src/cluster/quorum.js';

describe('resolveQuorum', () => {
  it('defaults to W = majority and the smallest overlapping R', () => {
    expect(resolveQuorum(1)).toEqual({ n: 1, w: 1, r: 1 });
    expect(resolveQuorum(3)).toEqual({ n: 3, w: 2, r: 2 });
    expect(resolveQuorum(5)).toEqual({ n: 5, w: 3, r: 3 });
    expect(resolveQuorum(3, 1)).toEqual({ n: 3, w: 1, r: 3 });
    expect(resolveQuorum(3, 3)).toEqual({ n: 3, w: 3, r: 1 });
  });

  it('refuses R + W <= N and out-of-range sizes', () => {
    expect(() => resolveQuorum(3, 1, 2)).toThrow(/must exceed/);
    expect(() => resolveQuorum(5, 2, 3)).toThrow(RangeError);
    expect(() => resolveQuorum(3, 4)).toThrow(RangeError);
    expect(() => resolveQuorum(3, 0)).toThrow(RangeError);
    expect(() => resolveQuorum(3, 2, 4)).toThrow(RangeError);
    expect(() => resolveQuorum(0)).toThrow(RangeError);
    expect(() => resolveQuorum(3, 1.5)).toThrow(RangeError);
  });

  it('every read quorum intersects every write quorum (exhaustive for N <= 5)', () => {
    for (let n = 1; n <= 5; n++) {
      for (let w = 1; w <= n; w++) {
        for (let r = 1; r <= n; r++) {
          let ok = true;
          try {
            resolveQuorum(n, w, r);
          } catch {
            ok = false;
          }
          // a disjoint pair exists exactly when r + w <= n
          expect(ok).toBe(r + w > n);
        }
      }
    }
  });
});

describe('writeQuorumOf', () => {
  it('maps a client write concern to a node count: 1, a majority of N, all N, else the configured W', () => {
    const three = resolveQuorum(3, 3);
    expect([1, 'majority', 'all', undefined].map((w) => writeQuorumOf(w as 1, three))).toEqual([1, 2, 3, 3]);
    const five = resolveQuorum(5);
    expect([1, 'majority', 'all', undefined].map((w) => writeQuorumOf(w as 1, five))).toEqual([1, 3, 5, 3]);
  });
});

describe('WriteQuorumTracker', () => {
  it('tracks each key against its own W when given one', () => {
    const t = new WriteQuorumTracker<string>({ w: 2 });
    expect(t.begin('one', 1)).toBe(true);
    expect(t.begin('three', 3)).toBe(true);
    expect(t.ack('one', 5)).toBe(true);
    expect(t.ack('three', 5)).toBe(false);
    expect(t.ack('three', 6)).toBe(false);
    expect(t.ack('three', 7)).toBe(true);
    expect(() => t.begin('bad', 0)).toThrow(RangeError);
  });

  it('reports exactly once when W distinct nodes hold the update', () => {
    const t = new WriteQuorumTracker({ w: 2 });
    expect(t.begin(1)).toBe(true);
    expect(t.ack(1, 1)).toBe(false);
    expect(t.ack(1, 1)).toBe(false); // duplicate
    expect(t.holdersOf(1)).toEqual([1]);
    expect(t.ack(1, 3)).toBe(true);
    expect(t.ack(1, 2)).toBe(false); // late
    expect(t.pending).toBe(0);
  });

  it('ignores unknown keys, refuses duplicates and applies backpressure when full', () => {
    const t = new WriteQuorumTracker({ w: 1, maxPending: 2 });
    expect(t.ack(9, 1)).toBe(false);
    expect(t.begin(1)).toBe(true);
    expect(t.begin(1)).toBe(false);
    expect(t.begin(2)).toBe(true);
    expect(t.begin(3)).toBe(false);
    expect(t.abandon(2)).toBe(true);
    expect(t.abandon(2)).toBe(false);
    expect(t.begin(3)).toBe(true);
    expect(t.ack(3, 5)).toBe(true);
  });

  it('rejects a bad W', () => {
    expect(() => new WriteQuorumTracker({ w: 0 })).toThrow(RangeError);
  });
});
