/**
 * Undoing formatting: a step's own marks are reverted by new marks that give each character of
 * their ranges, per key, the value it would have without them (the other marks, everyone's,
 * decide it). The new marks are the latest, so they show at once; undoing them in turn (redo)
 * brings the step's formatting back. Deleted text that an undo brings back gets the formatting
 * its tombstones had when the step deleted it, without the step's own marks
 * ({@link deletedAttributes}): the restored units sit just before the tombstones, outside marks
 * that start on them, so they are formatted explicitly.
 */

import { setOwn } from '../own-keys.js';
import { NO_CLIENT } from '../sequence/item.js';
import { canonicalJson } from './attribute-values.js';
import type { Doc } from './doc.js';
import {
  anchorBoundary,
  type FormatSpan,
  formatSpans,
  type MarkOp,
  markWins,
  mergeRanges,
  sameAttributes,
} from './marks.js';
import type { Text } from './text.js';
import type { Attributes } from './text-delta.js';

/**
 * Revert `marks` (this replica's, in the order they were made) in their texts. Marks whose whole
 * range is text that the same revert deletes (`goes(client, clock)`: own units it removes) are
 * left alone: reverting them would only add marks on tombstones, which text restored there later
 * would wrongly take.
 */
export function revertMarks(
  doc: Doc,
  marks: readonly MarkOp[],
  goes: (client: number, clock: number) => boolean,
): void {
  const own = new Set(marks);
  // Per text and key: the ranges the step formatted, merged.
  const byText = new Map<Text, Map<string, [number, number][]>>();
  for (const m of marks) {
    const text = m.parent as Text;
    if (!text.alive || text.marks === null) continue;
    const from = anchorBoundary(text.seq, m.startClient, m.startClock, m.startAfter);
    const to = anchorBoundary(text.seq, m.endClient, m.endClock, m.endAfter);
    if (from >= to || allGoing(text, from, to, goes)) continue;
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
      for (const [from, to] of mergeRanges(ranges)) {
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

/** True when every visible unit `from .. to - 1` of `text` is one that `goes`. */
function allGoing(
  text: Text,
  from: number,
  to: number,
  goes: (client: number, clock: number) => boolean,
): boolean {
  const idx = text.seq.index;
  for (let pos = from; pos < to; ) {
    const it = idx.find(pos);
    const off = idx.fOffset;
    const n = Math.min(it.len - off, to - pos);
    for (let k = 0; k < n; k++) if (!goes(it.client, it.clock + off + k)) return false;
    pos += n;
  }
  return true;
}

/** The value of `key` at position `at` in `spans` (null when unset). */
function valueAt(spans: readonly FormatSpan[], key: string, at: number): unknown {
  for (const s of spans) if (s.from <= at && at < s.to) return s.attributes?.[key] ?? null;
  return null;
}

/** Where unit `(client, clock)` sits in document order: its item's order key and offset. */
function unitPoint(text: Text, client: number, clock: number): [number, number] {
  const it = text.seq.itemOf(client, clock);
  return [text.seq.index.orderKey(it), clock - it.clock];
}

/** Compare two unit points in document order. */
function comparePoints(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * The attributes of unit `(client, clock)` of `text`, deleted or not: the latest mark of each key
 * whose start anchor comes before the unit and whose end anchor after it, in document order.
 */
export function unitAttributes(
  text: Text,
  client: number,
  clock: number,
  ids: readonly number[],
  marks: readonly MarkOp[],
): Attributes {
  const u = unitPoint(text, client, clock);
  const best = new Map<string, MarkOp>();
  for (const m of marks) {
    let covered: boolean;
    if (m.startClient === NO_CLIENT) covered = m.startAfter;
    else {
      const c = comparePoints(unitPoint(text, m.startClient, m.startClock), u);
      covered = c < 0 || (c === 0 && !m.startAfter);
    }
    if (!covered) continue;
    if (m.endClient === NO_CLIENT) covered = !m.endAfter;
    else {
      const c = comparePoints(unitPoint(text, m.endClient, m.endClock), u);
      covered = c > 0 || (c === 0 && m.endAfter);
    }
    if (!covered) continue;
    const cur = best.get(m.key);
    if (cur === undefined || markWins(m, cur, ids)) best.set(m.key, m);
  }
  const out: Attributes = {};
  for (const k of [...best.keys()].sort()) {
    const v = (best.get(k) as MarkOp).value;
    if (v !== null) setOwn(out, k, v);
  }
  return out;
}

/**
 * The attributes deleted units `(client, clock .. clock + len - 1)` of `text` have under `marks`,
 * as runs `[offset, length, attributes]`: they change only where a mark's anchor sits on one of
 * them.
 */
export function deletedAttributes(
  text: Text,
  client: number,
  clock: number,
  len: number,
  ids: readonly number[],
  marks: readonly MarkOp[],
): [number, number, Attributes][] {
  const cuts = new Set<number>([0, len]);
  for (const m of marks) {
    for (const [c, k, after] of [
      [m.startClient, m.startClock, m.startAfter],
      [m.endClient, m.endClock, m.endAfter],
    ] as [number, number, boolean][]) {
      if (c !== client || k < clock || k >= clock + len) continue;
      const at = k - clock + (after ? 1 : 0);
      if (at > 0 && at < len) cuts.add(at);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: [number, number, Attributes][] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i] as number;
    out.push([a, (sorted[i + 1] as number) - a, unitAttributes(text, client, clock + a, ids, marks)]);
  }
  return out;
}

/**
 * Give the units at visible `pos ..` of `text` the attributes `runs` (from
 * {@link deletedAttributes}): a format where they differ from what the units have now.
 */
export function applyAttributes(
  text: Text,
  pos: number,
  runs: readonly [number, number, Attributes][],
): void {
  for (const [off, n, want] of runs) {
    const have = text.attributesAt(pos + off);
    if (sameAttributes(want, have)) continue;
    const patch: Attributes = { ...want };
    for (const k of Object.keys(have)) if (!Object.hasOwn(want, k)) setOwn(patch, k, null);
    text.format(pos + off, n, patch);
  }
}
