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

/** Below this many items, and keys below {@link PACK_KEY}, {@link sortByKey} packs (key, item) into one double. */
const PACK_ITEMS = 2 ** 21;
const PACK_KEY = 2 ** 31;

/**
 * `items` (small non-negative integers) sorted by `key` (non-negative), ties in their order:
 * {@link sortByKeys} with the keys computed first.
 */
export function sortByKey(items: Int32Array, key: (item: number) => number): Int32Array {
  const keys = new Float64Array(items.length);
  for (let k = 0; k < items.length; k++) keys[k] = key(items[k] as number);
  return sortByKeys(items, keys);
}

/**
 * `items` (small non-negative integers) sorted by `keys` (non-negative; `keys[k]` is the key of
 * `items[k]`), ties in their order: packed into doubles and sorted natively when every key is an
 * integer below 2^31 and there are fewer than 2^21 items (no comparator call per step), else with a
 * comparator. Taking the keys rather than a function lets a caller sort without a closure over its
 * data: V8 keeps a closure it is optimizing in the background alive, with everything it captures.
 */
export function sortByKeys(items: Int32Array, keys: ArrayLike<number>): Int32Array {
  const n = items.length;
  const packed = new Float64Array(n);
  let packable = n < PACK_ITEMS;
  for (let k = 0; packable && k < n; k++) {
    const v = keys[k] as number;
    if (!(Number.isInteger(v) && v >= 0 && v < PACK_KEY)) packable = false;
    else packed[k] = v * PACK_ITEMS + k;
  }
  if (!packable) {
    const order = Array.from(items.keys()).sort((x, y) => (keys[x] as number) - (keys[y] as number) || x - y);
    return Int32Array.from(order, (k) => items[k] as number);
  }
  packed.sort();
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = items[(packed[k] as number) % PACK_ITEMS] as number;
  return out;
}

/**
 * `indexes` (into `of`) sorted by the clock of what they point at, ties in their order: the
 * snapshot loaders' per-replica clock order. The keys are gathered in a loop, not through a
 * closure over `of` (see {@link sortByKeys}).
 */
export function sortByClock(
  indexes: readonly number[],
  of: readonly { readonly clock: number }[],
): Int32Array {
  const clocks = new Float64Array(indexes.length);
  for (let k = 0; k < indexes.length; k++) clocks[k] = (of[indexes[k] as number] as { clock: number }).clock;
  return sortByKeys(Int32Array.from(indexes), clocks);
}
