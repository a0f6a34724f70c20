import {
  AccordError,
  compareTimestamps,
  DecodeError,
  HybridClock,
  type Timestamp,
  timestampFromBytes,
  timestampToBytes,
} from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampArb } from '../arbitraries/index.js';

/** A wall clock driven by a script of readings (any values: backwards, frozen, NaN). */
function scripted(readings: readonly number[]): () => number {
  let i = 0;
  return () => readings[i++ % readings.length] as number;
}

const wallReading = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 1_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, -5, Number.POSITIVE_INFINITY) },
);

describe('compareTimestamps', () => {
  it('is a total order: antisymmetric, transitive, 0 only for identical timestamps', () => {
    fc.assert(
      fc.property(timestampArb, timestampArb, timestampArb, (a, b, c) => {
        expect(Math.sign(compareTimestamps(a, b)) + Math.sign(compareTimestamps(b, a))).toBe(0);
        expect(compareTimestamps(a, b) === 0).toBe(
          a.wall === b.wall && a.logical === b.logical && a.replica === b.replica,
        );
        if (compareTimestamps(a, b) <= 0 && compareTimestamps(b, c) <= 0) {
          expect(compareTimestamps(a, c)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it('breaks ties on wall and logical by replica id', () => {
    expect(
      compareTimestamps({ wall: 5, logical: 1, replica: 2 }, { wall: 5, logical: 1, replica: 9 }),
    ).toBeLessThan(0);
  });
});

describe('HybridClock', () => {
  it('ticks strictly increase whatever the wall clock does (backwards, frozen, NaN)', () => {
    fc.assert(
      fc.property(
        fc.array(wallReading, { minLength: 1, maxLength: 30 }),
        fc.nat({ max: 60 }),
        (readings, n) => {
          const clock = new HybridClock(3, scripted(readings));
          let prev = clock.tick();
          for (let i = 0; i < n; i++) {
            const next = clock.tick();
            expect(compareTimestamps(next, prev)).toBeGreaterThan(0);
            expect(next.replica).toBe(3);
            prev = next;
          }
        },
      ),
    );
  });

  it('stays close to the wall clock: wall equals the largest reading seen', () => {
    let t = 100;
    const clock = new HybridClock(1, () => t);
    expect(clock.tick()).toEqual({ wall: 100, logical: 0, replica: 1 });
    t = 50; // wall clock jumps backwards
    expect(clock.tick()).toEqual({ wall: 100, logical: 1, replica: 1 });
    t = 200;
    expect(clock.tick()).toEqual({ wall: 200, logical: 0, replica: 1 });
  });

  it('after observing a timestamp, every tick orders after it, even with a lagging wall clock', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('tick' as const) }),
            fc.record({ kind: fc.constant('observe' as const), ts: timestampArb }),
          ),
          {
            maxLength: 40,
          },
        ),
        fc.array(wallReading, { minLength: 1, maxLength: 10 }),
        (events, readings) => {
          const clock = new HybridClock(4, scripted(readings));
          let maxSeen: Timestamp | undefined;
          for (const ev of events) {
            if (ev.kind === 'observe') {
              clock.observe(ev.ts);
              if (!maxSeen || compareTimestamps(ev.ts, maxSeen) > 0) maxSeen = ev.ts;
            } else {
              const ts = clock.tick();
              if (maxSeen) expect(compareTimestamps(ts, maxSeen)).toBeGreaterThan(0);
              maxSeen = ts;
            }
          }
        },
      ),
    );
  });

  it('refuses timestamps too far ahead when maxDriftMs is set, and stays unchanged', () => {
    const clock = new HybridClock(1, () => 1_000, { maxDriftMs: 500 });
    const before = clock.tick();
    expect(() => clock.observe({ wall: 2_000, logical: 0, replica: 2 })).toThrow(AccordError);
    expect(clock.peek()).toEqual(before);
    clock.observe({ wall: 1_400, logical: 7, replica: 2 });
    expect(clock.tick()).toEqual({ wall: 1_400, logical: 8, replica: 1 });
  });

  it('survives a hostile timestamp at the logical limit: next tick moves to the next millisecond', () => {
    const clock = new HybridClock(1, () => 10);
    const hostile = { wall: 50, logical: Number.MAX_SAFE_INTEGER, replica: 2 };
    clock.observe(hostile);
    const next = clock.tick();
    expect(next).toEqual({ wall: 51, logical: 0, replica: 1 });
    expect(compareTimestamps(next, hostile)).toBeGreaterThan(0);
    const exhausted = new HybridClock(1, () => 0);
    exhausted.observe({ wall: Number.MAX_SAFE_INTEGER, logical: Number.MAX_SAFE_INTEGER, replica: 2 });
    expect(() => exhausted.tick()).toThrowError(expect.objectContaining({ code: 'out-of-range' }));
  });

  it('rejects malformed timestamps with AccordError', () => {
    const clock = new HybridClock(1, () => 0);
    expect(() => clock.observe({ wall: -1, logical: 0, replica: 2 })).toThrow(AccordError);
    expect(() => clock.observe({ wall: 1.5, logical: 0, replica: 2 })).toThrow(AccordError);
    expect(() => new HybridClock(-1)).toThrow(AccordError);
  });

  it('timestamps round-trip and random bytes give only DecodeError', () => {
    fc.assert(
      fc.property(timestampArb, (ts) => {
        expect(timestampFromBytes(timestampToBytes(ts))).toEqual(ts);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), (bytes) => {
        try {
          const ts = timestampFromBytes(bytes);
          expect(timestampFromBytes(timestampToBytes(ts))).toEqual(ts);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});
