/** Word boundaries in plain text, for the rich-trace generator's selections (`rich-trace.ts`). */

/** The word boundaries around `pos` in `text`: [start, end) of the word touching `pos`. */
function wordAround(text: string, pos: number): [number, number] {
  let a = Math.min(pos, text.length);
  while (a > 0 && isWord(text.charCodeAt(a - 1))) a--;
  let b = Math.min(pos, text.length);
  while (b < text.length && isWord(text.charCodeAt(b))) b++;
  return [a, b];
}

function isWord(c: number): boolean {
  return !(c === 32 || c === 10 || c === 9 || c === 13);
}

/** `n` words from the word at `pos` on (at least one character when the text is not empty). */
export function wordsFrom(text: string, pos: number, n: number): [number, number] {
  let [a, b] = wordAround(text, pos);
  for (let i = 1; i < n && b < text.length; i++) {
    while (b < text.length && !isWord(text.charCodeAt(b))) b++;
    b = wordAround(text, b)[1];
  }
  if (a === b) {
    if (b < text.length) b++;
    else if (a > 0) a--;
  }
  return [a, b];
}
