/**
 * Editing traces (the josephg/editing-traces format) count positions in Unicode code points;
 * JavaScript strings, `Text` and the DOM count UTF-16 code units. The two agree until a character
 * outside the Basic Multilingual Plane (an emoji, say) appears: from there every position after
 * it is off by one per such character. {@link tracePatchesToUtf16} rewrites a trace's patches into
 * UTF-16 units, tracking where astral characters sit as the document evolves.
 */

import { isHighSurrogate, isLowSurrogate } from '../encoding/utf16.js';
import { lowerBound } from '../sorted.js';

/** A trace patch `[position, deleted, inserted]` with splice semantics. */
export type TracePatch = readonly [pos: number, del: number, ins: string];

function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isHighSurrogate(c) || isLowSurrogate(c)) return true;
  }
  return false;
}

/** Code-point offsets (within `s`) of its astral characters, and its length in code points. */
function astralOffsets(s: string): { offsets: number[]; length: number } {
  const offsets: number[] = [];
  let cp = 0;
  for (let i = 0; i < s.length; i++, cp++) {
    if (isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      offsets.push(cp);
      i++;
    }
  }
  return { offsets, length: cp };
}

/**
 * The trace's transactions with every position and delete count converted from code points to
 * UTF-16 code units, given the document's `startContent`. Returns the input itself when neither
 * the start content nor any inserted text holds a surrogate (then both units agree). Costs
 * O(astral characters) per patch. The lists are built by loops, not `Array.prototype.map`,
 * which gives holey arrays before V8 optimizes the caller and packed ones after: a replay would
 * meet two array shapes mid-trace and be compiled again.
 */
export function tracePatchesToUtf16(
  startContent: string,
  txns: readonly (readonly TracePatch[])[],
): readonly (readonly TracePatch[])[] {
  let astral = hasSurrogates(startContent);
  for (const t of txns) for (const p of t) if (!astral && hasSurrogates(p[2])) astral = true;
  if (!astral) return txns;
  // Code-point positions of the astral characters of the current document, ascending.
  const at = astralOffsets(startContent).offsets;
  const converted: TracePatch[][] = [];
  for (const patches of txns) {
    const list: TracePatch[] = [];
    for (const [pos, del, ins] of patches) {
      const from = lowerBound(at, pos);
      const to = lowerBound(at, pos + del);
      list.push([pos + from, del + (to - from), ins]);
      const added = astralOffsets(ins);
      const shift = added.length - del;
      const tail = at.slice(to).map((x) => x + shift);
      at.length = from;
      for (const o of added.offsets) at.push(pos + o);
      for (const x of tail) at.push(x);
    }
    converted.push(list);
  }
  return converted;
}
