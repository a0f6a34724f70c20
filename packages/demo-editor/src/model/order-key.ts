/**
 * Fractional order keys: strings that sort (by code unit) in list order, where a key strictly
 * between any two keys can always be made without touching the others. The todo list stores one
 * per item in a last-writer-wins field, so a move is a single field write: two replicas moving
 * the same item concurrently leave it in one place (the later write), never duplicated, and an
 * edit of its text made meanwhile is kept.
 *
 * Keys are non-empty strings of base-62 digits (`0-9A-Za-z`, in code-unit order) that never end
 * in `0`, the smallest digit, so there is always room before a key as well as after it.
 */

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;

function digit(c: string | undefined): number {
  return c === undefined ? 0 : DIGITS.indexOf(c);
}

/** Whether `key` is a well-formed order key (remote data may hold anything). */
export function isOrderKey(key: unknown): key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024 || key.endsWith('0')) return false;
  for (const c of key) if (!DIGITS.includes(c)) return false;
  return true;
}

/** A digit string strictly between `a` and `b` (`b === null`: no upper bound), `a < b`, not ending in 0. */
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    // Copy the common prefix (a padded with 0s) and recurse on the rest.
    let n = 0;
    while (n < b.length && (a[n] ?? '0') === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const da = digit(a[0]);
  const db = b === null ? BASE : digit(b[0]);
  if (db - da > 1) return DIGITS[Math.floor((da + db) / 2)] as string;
  // Adjacent first digits: b's first digit alone fits when b goes on; else extend a.
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return (DIGITS[da] as string) + midpoint(a.slice(1), null);
}

/**
 * A key that sorts after `before` and before `after` (either may be `null`: the list's start or
 * end). When `before >= after` (two items got equal keys concurrently) the result goes right after
 * `before`.
 */
export function keyBetween(before: string | null, after: string | null): string {
  const b = after !== null && (before === null || after > before) ? after : null;
  if (before === null && b === null) return DIGITS[BASE >> 1] as string;
  // At either end, step the last digit: keys grow by one digit per ~60 appends (or prepends).
  if (b === null) {
    const a = before as string;
    const d = digit(a.at(-1));
    return d < BASE - 1 ? a.slice(0, -1) + DIGITS[d + 1] : `${a}1`;
  }
  if (before === null) {
    const d = digit(b.at(-1));
    return d > 1 ? b.slice(0, -1) + DIGITS[d - 1] : `${b.slice(0, -1)}0z`;
  }
  return midpoint(before, b);
}
