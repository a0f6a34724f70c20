import { SeededRandom } from '@accord/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff, backoffWindow, DEFAULT_BACKOFF, fullJitterDelay } from '../src/backoff.js';

describe('backoffWindow', () => {
  it('doubles from the initial delay and saturates at the cap', () => {
    const opts = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffWindow(a, opts))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('uses the documented defaults', () => {
    expect(backoffWindow(0)).toBe(DEFAULT_BACKOFF.initialDelayMs);
    expect(backoffWindow(1000)).toBe(DEFAULT_BACKOFF.maxDelayMs);
  });

  it('never overflows for huge attempts, and a zero initial delay stays zero', () => {
    expect(backoffWindow(1e6, { initialDelayMs: 50, maxDelayMs: 3000 })).toBe(3000);
    expect(backoffWindow(1e6, { initialDelayMs: 0 })).toBe(0);
  });

  it('rejects invalid options and attempts', () => {
    expect(() => backoffWindow(0, { multiplier: 0.5 })).toThrow(RangeError);
    expect(() => backoffWindow(0, { initialDelayMs: -1 })).toThrow(RangeError);
    expect(() => backoffWindow(0, { maxDelayMs: Number.NaN })).toThrow(RangeError);
    expect(() => backoffWindow(-1)).toThrow(RangeError);
    expect(() => backoffWindow(1.5)).toThrow(RangeError);
    expect(() => new Backoff({ multiplier: 0 })).toThrow(RangeError);
  });
});

describe('fullJitterDelay', () => {
  it('lies in [0, window) for every attempt and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 80 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 120_000 }),
        (attempt, r, initial, max) => {
          const opts = { initialDelayMs: initial, maxDelayMs: max, random: () => r };
          const d = fullJitterDelay(attempt, opts);
          const w = backoffWindow(attempt, opts);
          return Number.isInteger(d) && d >= 0 && (d < w || (w === 0 && d === 0)) && d <= max;
        },
      ),
    );
  });

  it('is the random fraction of the window (full jitter, not equal jitter)', () => {
    const opts = { initialDelayMs: 100, maxDelayMs: 10_000 };
    expect(fullJitterDelay(3, { ...opts, random: () => 0 })).toBe(0);
    expect(fullJitterDelay(3, { ...opts, random: () => 0.5 })).toBe(400);
    expect(fullJitterDelay(3, { ...opts, random: () => 0.999 })).toBe(799);
  });

  it('treats an out-of-range random source as 0 instead of exceeding the cap', () => {
    expect(fullJitterDelay(2, { random: () => 1 })).toBe(0);
    expect(fullJitterDelay(2, { random: () => Number.NaN })).toBe(0);
  });

  it('spreads a crowd over the whole window', () => {
    const rng = new SeededRandom(42);
    const random = () => rng.next();
    const delays = Array.from({ length: 2000 }, () => fullJitterDelay(4, { initialDelayMs: 100, random }));
    const buckets = [0, 0, 0, 0];
    for (const d of delays) buckets[Math.floor(d / 400)]! += 1;
    // Window is 1600 ms: each quarter gets roughly a quarter of the clients.
    for (const b of buckets) expect(b).toBeGreaterThan(400);
    expect(Math.max(...delays)).toBeLessThan(1600);
  });
});

describe('Backoff', () => {
  it('grows per failure and starts over after reset', () => {
    const b = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([50, 100, 200, 400, 500]);
    expect(b.attempt).toBe(5);
    b.reset();
    expect(b.attempt).toBe(0);
    expect(b.next()).toBe(50);
  });
});
