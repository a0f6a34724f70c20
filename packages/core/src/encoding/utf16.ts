/** UTF-16 code-unit predicates shared by text editing, update splitting and trace conversion. */

/** Whether code unit `c` is a high (leading) surrogate. */
export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Whether code unit `c` is a low (trailing) surrogate. */
export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
