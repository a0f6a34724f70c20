import { describe, expect, it } from 'vitest';
import { median, medianTimeMs, percentileSorted, round } from '../../src/stats/summary.js';

describe('summary statistics', () => {
  it('median of odd and even counts, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(xs, 50)).toBe(50);
    expect(percentileSorted(xs, 99)).toBe(99);
    expect(percentileSorted(xs, 100)).toBe(100);
    expect(percentileSorted([7], 99)).toBe(7);
    expect(percentileSorted([], 50)).toBeNaN();
  });
  it('medianTimeMs calls the function once per run, with its index', () => {
    const seen: number[] = [];
    const ms = medianTimeMs(4, (i) => seen.push(i));
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(medianTimeMs(0, () => seen.push(-1))).toBeNaN();
    expect(seen).toHaveLength(4);
  });
  it('rounds', () => {
    expect(round(1.2345, 2)).toBe(1.23);
  });
});
