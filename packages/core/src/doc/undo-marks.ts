/**
 * Undoing formatting: a step's own marks are reverted by new marks that give each character of
 * their ranges, per key, the value it would have without them (the other marks, everyone's,
 * decide it). The new marks are the latest, so they show at once; undoing them in turn (redo)
 * brings the step's formatting back.
 */
import type { Doc } from './doc.js';
import { anchorBoundary, canonicalJson, type FormatSpan, formatSpans, type MarkOp } from './marks.js';
import type { Text } from './text.js';

/** Revert `marks` (this replica's, in the order they were made) in their texts. */
export function revertMarks(doc: Doc, marks: readonly MarkOp[]): void {
  const own = new Set(marks);
  // Per text and key: the ranges the step formatted, merged.
  const byText = new Map<Text, Map<string, [number, number][]>>();
  for (const m of marks) {
    const text = m.parent as Text;
    if (!text.alive || text.marks === null) continue;
    const from = anchorBoundary(text.seq, m.startClient, m.startClock, m.startAfter);
    const to = anchorBoundary(text.seq, m.endClient, m.endClock, m.endAfter);
    if (from >= to) continue;
    let keys = byText.get(text);
    if (keys === undefined) {
      keys = new Map();
      byText.set(text, keys);
    }
    const ranges = keys.get(m.key);
    if (ranges === undefined) keys.set(m.key, [[from, to]]);
    else ranges.push([from, to]);
  }
  for (const [text, keys] of byText) {
    for (const [key, ranges] of [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const ofKey = (text.marks as MarkOp[]).filter((m) => m.key === key);
      const target = formatSpans(
        text.seq,
        ofKey.filter((m) => !own.has(m)),
        doc.clientIds,
      );
      const current = formatSpans(text.seq, ofKey, doc.clientIds);
      const edits: [number, number, unknown][] = [];
      for (const [from, to] of merge(ranges)) {
        const points = new Set([from, to]);
        for (const s of [...target, ...current])
          for (const p of [s.from, s.to]) if (p > from && p < to) points.add(p);
        const cuts = [...points].sort((x, y) => x - y);
        for (let i = 0; i + 1 < cuts.length; i++) {
          const a = cuts[i] as number;
          const want = valueAt(target, key, a);
          if (canonicalJson(want) !== canonicalJson(valueAt(current, key, a)))
            edits.push([a, (cuts[i + 1] as number) - a, want]);
        }
      }
      // Computed first, applied after: positions do not move (formatting only).
      for (const [a, n, want] of edits) text.format(a, n, { [key]: want });
    }
  }
}

/** The value of `key` at position `at` in `spans` (null when unset). */
function valueAt(spans: readonly FormatSpan[], key: string, at: number): unknown {
  for (const s of spans) if (s.from <= at && at < s.to) return s.attributes?.[key] ?? null;
  return null;
}

/** Sort and merge overlapping or touching ranges. */
function merge(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.slice().sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
