import { AccordError, CausalBuffer, type CausalMessage, dotKey, VectorClock } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyStepsArb, historyWithScheduleArb, playHistory } from '../arbitraries/index.js';

/** True when every dependency of `m` (and its origin's previous dot) is in `delivered`. */
function depsSatisfied(m: CausalMessage<number>, delivered: Set<string>): boolean {
  if (m.dot.counter > 1 && !delivered.has(dotKey({ replica: m.dot.replica, counter: m.dot.counter - 1 })))
    return false;
  for (const [r, c] of m.deps)
    for (let k = 1; k <= c; k++) if (!delivered.has(dotKey({ replica: r, counter: k }))) return false;
  return true;
}

describe('CausalBuffer', () => {
  it('delivers each message exactly once, never before its dependencies, all once they arrived', () => {
    fc.assert(
      fc.property(historyWithScheduleArb(4), ({ messages, schedule }) => {
        const buf = new CausalBuffer<number>();
        const delivered = new Set<string>();
        for (const i of schedule) {
          for (const m of buf.receive(messages[i] as CausalMessage<number>)) {
            expect(depsSatisfied(m, delivered)).toBe(true);
            const key = dotKey(m.dot);
            expect(delivered.has(key)).toBe(false);
            delivered.add(key);
          }
        }
        expect(delivered.size).toBe(messages.length);
        expect(buf.pendingCount).toBe(0);
        expect(buf.missing()).toEqual([]);
      }),
    );
  });

  it('reports exactly the missing dots, and fetching them drains the buffer', () => {
    fc.assert(
      fc.property(
        historyStepsArb(3, 50).map((s) => playHistory(s, 3)),
        fc.infiniteStream(fc.boolean()),
        (messages, coin) => {
          const byKey = new Map(messages.map((m) => [dotKey(m.dot), m]));
          const buf = new CausalBuffer<number>();
          const withheld = new Set<string>();
          for (const m of [...messages].reverse()) {
            if (coin.next().value) withheld.add(dotKey(m.dot));
            else buf.receive(m);
          }
          // Every reported dot is really absent; fetching reported dots repeatedly terminates with all delivered.
          let rounds = 0;
          while (buf.pendingCount > 0) {
            const missing = buf.missing();
            expect(missing.length).toBeGreaterThan(0);
            for (const range of missing) {
              for (let c = range.from; c <= range.to; c++) {
                const d = { replica: range.replica, counter: c };
                expect(buf.hasDelivered(d) || buf.isPending(d)).toBe(false);
                expect(withheld.has(dotKey(d))).toBe(true);
                buf.receive(byKey.get(dotKey(d)) as CausalMessage<number>);
              }
            }
            expect(++rounds).toBeLessThanOrEqual(messages.length);
          }
          expect(buf.missing()).toEqual([]);
        },
      ),
    );
  });

  it('holds out-of-order messages and reports the gap', () => {
    const buf = new CausalBuffer<string>();
    const deps1 = new VectorClock([[7, 1]]);
    const m3 = { dot: { replica: 7, counter: 3 }, deps: new VectorClock([[7, 2]]), payload: 'c' };
    const m2 = { dot: { replica: 7, counter: 2 }, deps: deps1, payload: 'b' };
    const m1 = { dot: { replica: 7, counter: 1 }, deps: new VectorClock(), payload: 'a' };
    expect(buf.receive(m3)).toEqual([]);
    expect(buf.missing()).toEqual([{ replica: 7, from: 1, to: 2 }]);
    expect(buf.receive(m2)).toEqual([]);
    expect(buf.missing()).toEqual([{ replica: 7, from: 1, to: 1 }]);
    expect(buf.receive(m2)).toEqual([]); // duplicate of a held message
    expect(buf.pendingCount).toBe(2);
    expect(buf.receive(m1).map((m) => m.payload)).toEqual(['a', 'b', 'c']);
    expect(buf.receive(m1)).toEqual([]); // duplicate of a delivered message
    expect(buf.delivered.get(7)).toBe(3);
  });

  it('waits for cross-replica dependencies', () => {
    const buf = new CausalBuffer<string>();
    const reply = { dot: { replica: 2, counter: 1 }, deps: new VectorClock([[1, 1]]), payload: 'reply' };
    const first = { dot: { replica: 1, counter: 1 }, deps: new VectorClock(), payload: 'first' };
    expect(buf.receive(reply)).toEqual([]);
    expect(buf.missing()).toEqual([{ replica: 1, from: 1, to: 1 }]);
    expect(buf.receive(first).map((m) => m.payload)).toEqual(['first', 'reply']);
  });

  it('overflow throws a typed error and leaves the buffer unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), (max) => {
        const buf = new CausalBuffer<number>({ maxPending: max });
        // Messages 2..max+1 of replica 1 wait for message 1.
        for (let c = 2; c <= max + 1; c++)
          buf.receive({ dot: { replica: 1, counter: c }, deps: new VectorClock([[1, c - 1]]), payload: c });
        expect(buf.pendingCount).toBe(max);
        const before = { missing: buf.missing(), pending: buf.pendingCount, delivered: buf.delivered };
        const extra = {
          dot: { replica: 1, counter: max + 2 },
          deps: new VectorClock([[1, max + 1]]),
          payload: 0,
        };
        try {
          buf.receive(extra);
          expect.unreachable('overflow must throw');
        } catch (e) {
          expect(e).toBeInstanceOf(AccordError);
          expect((e as AccordError).code).toBe('buffer-overflow');
        }
        expect(buf.missing()).toEqual(before.missing);
        expect(buf.pendingCount).toBe(before.pending);
        expect(buf.delivered.equals(before.delivered)).toBe(true);
        expect(buf.isPending(extra.dot)).toBe(false);
        // A deliverable message is still accepted when full, and drains the buffer.
        const first = buf.receive({ dot: { replica: 1, counter: 1 }, deps: new VectorClock(), payload: 1 });
        expect(first.length).toBe(max + 1);
        expect(buf.pendingCount).toBe(0);
      }),
    );
  });

  it('rejects malformed messages with invalid-argument, unchanged', () => {
    const buf = new CausalBuffer<number>();
    const self = { dot: { replica: 1, counter: 2 }, deps: new VectorClock([[1, 2]]), payload: 0 };
    expect(() => buf.receive(self)).toThrowError(expect.objectContaining({ code: 'invalid-argument' }));
    const zero = { dot: { replica: 1, counter: 0 }, deps: new VectorClock(), payload: 0 };
    expect(() => buf.receive(zero)).toThrowError(expect.objectContaining({ code: 'invalid-argument' }));
    expect(buf.pendingCount).toBe(0);
  });

  it('starts from a given delivered clock', () => {
    const buf = new CausalBuffer<number>({ delivered: new VectorClock([[4, 10]]) });
    expect(
      buf.receive({ dot: { replica: 4, counter: 5 }, deps: new VectorClock([[4, 4]]), payload: 0 }),
    ).toEqual([]);
    expect(
      buf.receive({ dot: { replica: 4, counter: 11 }, deps: new VectorClock([[4, 10]]), payload: 1 }).length,
    ).toBe(1);
  });

  it('handles a long chain delivered in reverse without deep recursion', () => {
    const n = 20_000;
    const buf = new CausalBuffer<number>({ maxPending: n });
    for (let c = n; c >= 2; c--)
      buf.receive({ dot: { replica: 3, counter: c }, deps: new VectorClock([[3, c - 1]]), payload: c });
    const out = buf.receive({ dot: { replica: 3, counter: 1 }, deps: new VectorClock(), payload: 1 });
    expect(out.map((m) => m.payload)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it('reports two different held messages with one dot as a replica collision', () => {
    const buf = new CausalBuffer<string>();
    const a = { dot: { replica: 1, counter: 2 }, deps: new VectorClock([[1, 1]]), payload: 'a' };
    const b = {
      dot: { replica: 1, counter: 2 },
      deps: new VectorClock([
        [1, 1],
        [9, 3],
      ]),
      payload: 'b',
    };
    buf.receive(a);
    expect(buf.receive({ ...a })).toEqual([]); // a true duplicate
    expect(() => buf.receive(b)).toThrowError(expect.objectContaining({ code: 'replica-collision' }));
    expect(buf.pendingCount).toBe(1);
  });
});
