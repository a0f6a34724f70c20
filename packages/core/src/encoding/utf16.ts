/**
 * UTF-16 code-unit predicates shared by text editing, update splitting, trace conversion and the
 * protocol's document-id check, and the UTF-8 length of a string without encoding it.
 */

/** Whether code unit `c` is a high (leading) surrogate. */
export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Whether code unit `c` is a low (trailing) surrogate. */
export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * The index of the first lone surrogate in `s` (a high surrogate not followed by a low one, or
 * a low one not preceded by a high one), or -1 when `s` is well-formed UTF-16. A lone surrogate
 * has no UTF-8 form: `TextEncoder` writes U+FFFD for it, so two different strings would
 * encode alike.
 */
export function loneSurrogateAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (isHighSurrogate(c) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** ES2024 `String.prototype.isWellFormed` where the engine has it (Node 20, current browsers). */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/**
 * Whether `s` is well-formed UTF-16 (no lone surrogate), like ES2024 `String.prototype.isWellFormed`,
 * which it calls where the engine has it: native code is fast even on the first long string,
 * before a loop here would be optimised.
 */
export function isWellFormedUtf16(s: string): boolean {
  if (nativeIsWellFormed !== undefined) return nativeIsWellFormed.call(s);
  return loneSurrogateAt(s) === -1;
}

/**
 * The number of bytes `TextEncoder` produces for `s` (a lone surrogate counts as the 3 bytes of
 * U+FFFD it becomes), computed without encoding.
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (isHighSurrogate(c) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
