import { AccordError } from '@accord/core';
import { type NetworkEvent, SeededNetwork, SeededRandom } from '@accord/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

interface Run {
  trace: NetworkEvent[];
  received: Array<[number, number, string]>;
}

/** A fixed workload: 4 endpoints, each broadcasts 5 messages and replies to every 3rd it gets. */
function run(seed: number, opts: { dropRate?: number; duplicateRate?: number; maxDelay?: number } = {}): Run {
  const net = new SeededNetwork<string>({ seed, recordTrace: true, ...opts });
  const received: Array<[number, number, string]> = [];
  const eps = Array.from({ length: 4 }, (_, i) =>
    net.join((msg, from) => {
      received.push([i, from, msg]);
      if (received.length % 3 === 0 && !msg.startsWith('re:')) eps[i]?.send(from, `re:${msg}`);
    }),
  );
  for (let k = 0; k < 5; k++) for (const ep of eps) ep.broadcast(`${ep.id}.${k}`);
  net.deliverAll(10_000);
  return { trace: net.trace, received };
}

describe('SeededRandom', () => {
  it('is deterministic per seed and stays in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), (seed, bound) => {
        const a = new SeededRandom(seed);
        const b = new SeededRandom(seed);
        for (let i = 0; i < 20; i++) {
          const x = a.int(bound);
          expect(x).toBe(b.int(bound));
          expect(x >= 0 && x < bound).toBe(true);
        }
      }),
    );
  });

  it('different seeds give different streams, roughly uniform', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(2);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    const ys = Array.from({ length: 8 }, () => b.nextUint32());
    expect(xs).not.toEqual(ys);
    const buckets = [0, 0, 0, 0];
    const r = new SeededRandom(99);
    for (let i = 0; i < 4000; i++) {
      const k = r.int(4);
      buckets[k] = (buckets[k] ?? 0) + 1;
    }
    for (const n of buckets) expect(n).toBeGreaterThan(800);
  });
});

describe('SeededNetwork', () => {
  it('replays: the same seed gives the same trace and deliveries', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const opts = { dropRate: 0.1, duplicateRate: 0.2, maxDelay: 4 };
        expect(run(seed, opts)).toEqual(run(seed, opts));
      }),
      { numRuns: 30 },
    );
  });

  it('different seeds give different orders', () => {
    const traces = new Set([1, 2, 3, 4, 5].map((s) => JSON.stringify(run(s, { maxDelay: 3 }).trace)));
    expect(traces.size).toBeGreaterThan(1);
  });

  it('a reliable network delivers every message exactly once', () => {
    const { trace, received } = run(11);
    expect(trace.every((e) => e.kind === 'deliver')).toBe(true);
    const broadcasts = received.filter(([, , m]) => !m.startsWith('re:'));
    expect(broadcasts.length).toBe(4 * 5 * 3);
    expect(new Set(broadcasts.map((r) => r.join('|'))).size).toBe(broadcasts.length);
  });

  it('reorders, duplicates and drops by seeded choices', () => {
    const { trace } = run(5, { dropRate: 0.2, duplicateRate: 0.3, maxDelay: 5 });
    const kinds = new Set(trace.map((e) => e.kind));
    expect(kinds).toEqual(new Set(['deliver', 'drop', 'duplicate']));
    const delivered = trace.filter((e) => e.kind === 'deliver').map((e) => e.seq);
    const sorted = [...delivered].sort((a, b) => a - b);
    expect(delivered).not.toEqual(sorted); // some message overtook an earlier one
  });

  it('keeps send order when reorder is off and there is no delay', () => {
    const net = new SeededNetwork<number>({ reorder: false });
    const got: number[] = [];
    const a = net.join(() => {});
    const b = net.join((m) => got.push(m));
    for (let i = 0; i < 10; i++) a.send(b.id, i);
    expect(net.inFlight).toBe(10);
    expect(net.deliverAll()).toBe(10);
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('cuts messages across a partition until healed', () => {
    const net = new SeededNetwork<string>({ seed: 3 });
    const got: string[][] = [[], [], []];
    const eps = [0, 1, 2].map((i) => net.join((m) => got[i]?.push(m)));
    net.partition([[0, 1], [2]]);
    eps[0]?.broadcast('x');
    net.deliverAll();
    expect(got).toEqual([[], ['x'], []]);
    net.heal();
    eps[0]?.broadcast('y');
    net.deliverAll();
    expect(got).toEqual([[], ['x', 'y'], ['y']]);
    expect(net.stats).toEqual({ sent: 4, delivered: 3, dropped: 1, duplicated: 0 });
  });

  it('deliverAll is bounded: endless ping-pong throws out-of-range', () => {
    const net = new SeededNetwork<number>();
    const eps: { send(to: number, m: number): void }[] = [];
    eps.push(net.join((m, from) => eps[0]?.send(from, m + 1)));
    eps.push(net.join((m, from) => eps[1]?.send(from, m + 1)));
    eps[0]?.send(1, 0);
    expect(() => net.deliverAll(100)).toThrow(AccordError);
  });

  it('rejects unknown endpoints and bad options', () => {
    const net = new SeededNetwork<number>();
    net.join(() => {});
    expect(() => net.send(0, 5, 1)).toThrow(AccordError);
    expect(() => new SeededNetwork({ dropRate: 2 })).toThrow(AccordError);
    expect(() => new SeededNetwork({ maxDelay: -1 })).toThrow(AccordError);
  });

  it('handles many messages in flight: each delivered exactly once, never before it was sent', () => {
    const net = new SeededNetwork<number>({ seed: 9, maxDelay: 50, recordTrace: true });
    const got = new Map<number, number>();
    const a = net.join(() => {});
    const b = net.join((m) => got.set(m, (got.get(m) ?? 0) + 1));
    const sentAt = new Map<number, number>();
    for (let i = 0; i < 5_000; i++) {
      sentAt.set(i, net.time);
      a.send(b.id, i);
      if (i % 100 === 0) net.step();
    }
    net.deliverAll();
    expect(got.size).toBe(5_000);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    for (const e of net.trace) expect(e.time).toBeGreaterThanOrEqual(sentAt.get(e.seq) ?? 0);
  });

  it('without reordering, delayed messages leave in due-time order', () => {
    const net = new SeededNetwork<number>({ seed: 4, maxDelay: 10, reorder: false, recordTrace: true });
    const a = net.join(() => {});
    const b = net.join(() => {});
    for (let i = 0; i < 200; i++) a.send(b.id, i);
    net.deliverAll();
    const times = net.trace.map((e) => e.time);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(new Set(net.trace.map((e) => e.seq)).size).toBe(200);
  });
});
