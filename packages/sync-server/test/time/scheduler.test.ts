import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/time/random.js';
import { ManualScheduler, RealScheduler } from '../../src/time/scheduler.js';

describe('ManualScheduler', () => {
  it('runs timers in due order, same-time timers in insertion order, only when time advances', () => {
    const s = new ManualScheduler(100);
    const seen: string[] = [];
    s.setTimer(30, () => seen.push('c'));
    s.setTimer(10, () => seen.push('a'));
    s.setTimer(10, () => seen.push('b'));
    s.setTimer(-5, () => seen.push('now'));
    expect(seen).toEqual([]);
    s.advance(10);
    expect(seen).toEqual(['now', 'a', 'b']);
    expect(s.now()).toBe(110);
    s.advance(100);
    expect(seen).toEqual(['now', 'a', 'b', 'c']);
    expect(s.now()).toBe(210);
  });

  it('cancelled timers never run; timers set by callbacks run within the same advance', () => {
    const s = new ManualScheduler();
    const seen: number[] = [];
    const t = s.setTimer(5, () => seen.push(1));
    s.setTimer(1, () => s.setTimer(2, () => seen.push(s.now())));
    expect(s.pending).toBe(2);
    t.cancel();
    t.cancel();
    expect(s.pending).toBe(1);
    s.advance(10);
    expect(seen).toEqual([3]);
    expect(s.pending).toBe(0);
    expect(s.runNext()).toBe(false);
  });

  it('keeps order over many random timers (heap)', () => {
    const s = new ManualScheduler();
    const r = seededRandom(1);
    const fired: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const d = Math.floor(r() * 1000);
      s.setTimer(d, () => fired.push(s.now()));
    }
    s.advance(1000);
    expect(fired).toHaveLength(2000);
    for (let i = 1; i < fired.length; i++) expect(fired[i]!).toBeGreaterThanOrEqual(fired[i - 1]!);
  });

  it('rejects bad delays and bounds runaway loops', () => {
    const s = new ManualScheduler();
    expect(() => s.setTimer(Number.NaN, () => {})).toThrow(RangeError);
    expect(() => s.advance(-1)).toThrow(RangeError);
    const loop = (): void => {
      s.setTimer(0, loop);
    };
    loop();
    expect(() => s.advance(1, 1000)).toThrow(RangeError);
  });
});

describe('RealScheduler', () => {
  it('fires after the delay on the real clock and can be cancelled', async () => {
    const s = new RealScheduler();
    const t0 = s.now();
    const cancelled = s.setTimer(1, () => {
      throw new Error('cancelled timer ran');
    });
    cancelled.cancel();
    await new Promise<void>((resolve) => s.setTimer(5, resolve));
    expect(s.now() - t0).toBeGreaterThanOrEqual(4);
  });
});

describe('seededRandom', () => {
  it('replays from its seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
