import type { Text } from '@accord/core';
import fc from 'fast-check';

/** Attribute names the rich-text tests use: two that grow at the end, two that do not. */
export const MARK_KEYS = ['bold', 'italic', 'link', 'comment:1'];
/** Attribute values the rich-text tests use (`null` removes). */
export const MARK_VALUES: unknown[] = [true, null, 'a', 'b', { href: 'x' }];

/** Four numbers driving one {@link richEdit}. */
export const richEditArgs = fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 });

/**
 * One random edit of `t` driven by `a`: insert (with attributes or without), delete or format.
 * `strings` are the texts inserted.
 */
export function richEdit(t: Text, a: readonly number[], strings: readonly string[]): void {
  const [m = 0, r1 = 0, r2 = 0, r3 = 0] = a;
  const len = t.length;
  const s = strings[r3 % strings.length] as string;
  const kind = m % 6;
  if (kind <= 1 || len === 0) {
    const attrs =
      kind === 1
        ? { [MARK_KEYS[r2 % MARK_KEYS.length] as string]: MARK_VALUES[r3 % MARK_VALUES.length] }
        : undefined;
    t.insert(r1 % (len + 1), s, attrs);
  } else if (kind === 2) {
    const at = r1 % len;
    t.delete(at, Math.min(len - at, 1 + (r2 % 3)));
  } else {
    const at = r1 % len;
    const n = 1 + (r2 % (len - at));
    t.format(at, n, {
      [MARK_KEYS[r3 % MARK_KEYS.length] as string]: MARK_VALUES[(r2 + r3) % MARK_VALUES.length],
    });
  }
}
