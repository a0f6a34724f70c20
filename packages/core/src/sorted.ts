/** Searching ascending arrays of numbers (clocks, positions), shared by the modules that keep them. */

/** Index of the first element of ascending `a` that is >= `x` (`a.length` when none is). */
export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
