/**
 * Formatting marks on a text, with the semantics of Peritext (Litt, Lim, Kleppmann and van
 * Hardenberg, "Peritext: A CRDT for Collaborative Rich Text Editing", 2022).
 *
 * A mark is an operation of its own (a {@link MarkOp}, one clock of its replica), stored apart from
 * the characters: plain text pays nothing for formatting. It sets one attribute (`key`) to a JSON
 * value, or removes it (`value === null`: unmarking is a mark too), over the characters between two
 * anchors. An anchor sits on one side (`before` or `after`) of a character, named by its id, or on
 * an edge of the text. Anchors never move: a deleted character keeps its place as a tombstone, so a
 * mark survives the deletion of its edges.
 *
 * A character is covered by a mark when it lies between the mark's start and end anchors in the
 * sequence order (tombstones included). Where marks of one key overlap, the mark with the latest
 * timestamp wins for the characters they share: hybrid logical clock time, then logical counter,
 * then replica id (the same last-writer rule as map keys), so every replica that holds the same
 * marks shows the same formatting, whatever order they arrived in.
 *
 * Text typed next to a mark inherits it or not depending on where the mark's anchors sit, which
 * {@link markExpands} decides per key when the mark is made:
 * - expanding keys (`bold`, `italic` and every key not listed below) end `before` the character
 *   after the range (or at the end of the text), so text typed at the end of the range is
 *   covered, also when it is typed concurrently;
 * - `link`, `comment` and `comment:<id>` end `after` the last character of the range, so text
 *   typed at the end is not covered.
 *
 * Every mark starts `before` the first character of its range: text typed at its start is never
 * covered. Comments that must overlap without conflict use one key per comment
 * (`comment:<id>`).
 */

import { type MarkRecord, NONE } from '../format/records.js';
import { setOwn } from '../own-keys.js';
import type { Item } from '../sequence/item.js';
import { NO_CLIENT } from '../sequence/item.js';
import type { Sequence } from '../sequence/sequence.js';
import { sortByKey } from '../sorted.js';
import { canonicalJson } from './attribute-values.js';
import type { Container } from './container.js';
import type { Attributes } from './text-delta.js';

export { MAX_MARK_KEY } from './attribute-values.js';

/** What holds a text's marks (the text itself): its `marks`, in arrival order, null until the first. */
export interface MarkSource {
  readonly marks: readonly MarkOp[] | null;
}

/** One formatting operation on a text (see the module comment). */
export class MarkOp {
  /** Always one clock. */
  readonly len = 1;
  /** Canonical JSON of `value`, computed on first comparison. */
  private canon: string | undefined;
  /** {@link MarkOp.keyValue}, computed on first use. */
  private kv: string | undefined;

  constructor(
    /** Client index of the replica that made the mark. */
    readonly client: number,
    readonly clock: number,
    /** The text. */
    readonly parent: Container,
    /** Start anchor: character (client index, clock), or client {@link NO_CLIENT} for an edge. */
    readonly startClient: number,
    readonly startClock: number,
    /** True when the start anchor sits after its character (for an edge: the start of the text). */
    readonly startAfter: boolean,
    /** End anchor, as the start anchor. */
    readonly endClient: number,
    readonly endClock: number,
    readonly endAfter: boolean,
    /** The attribute name. */
    readonly key: string,
    /** Its JSON value, or `null` to remove the attribute. */
    readonly value: unknown,
    /** HLC wall time and logical counter of the mark (the replica id breaks ties). */
    readonly wall: number,
    readonly logical: number,
  ) {}

  /**
   * The mark a decoded record describes, in `parent`, made by client index `client`; `indexOf`
   * maps the record's anchor clients to client indexes (an edge anchor stays {@link NO_CLIENT}).
   */
  static fromRecord(
    r: MarkRecord,
    client: number,
    parent: Container,
    indexOf: (c: number) => number,
  ): MarkOp {
    return new MarkOp(
      client,
      r.clock,
      parent,
      r.sClient === NONE ? NO_CLIENT : indexOf(r.sClient),
      r.sClock,
      r.sAfter,
      r.eClient === NONE ? NO_CLIENT : indexOf(r.eClient),
      r.eClock,
      r.eAfter,
      r.key,
      r.value,
      r.wall,
      r.logical,
    );
  }

  /** Canonical JSON of the value (object keys sorted): equal values give equal strings. */
  get canonicalValue(): string {
    this.canon ??= canonicalJson(this.value);
    return this.canon;
  }

  /** Key and canonical value as one string (equal for marks setting one key to equal values). */
  get keyValue(): string {
    this.kv ??= `${JSON.stringify(this.key)}:${this.canonicalValue}`;
    return this.kv;
  }
}

/**
 * Whether text typed at the end of a mark of `key` is covered by it: false for `link`,
 * `comment`, keys starting with `comment:`, and keys starting with U+0000 or U+0001 (reserved by
 * `Blocks` for a block's type and attributes, held on one unit); true for every other key
 * (`bold`, `italic`, ...).
 */
export function markExpands(key: string): boolean {
  const c = key.charCodeAt(0);
  return !(key === 'link' || key === 'comment' || key.startsWith('comment:') || c === 0 || c === 1);
}

/** True when mark `a` wins over mark `b` (later timestamp, then higher replica id). */
export function markWins(a: MarkOp, b: MarkOp, ids: readonly number[]): boolean {
  if (a.wall !== b.wall) return a.wall > b.wall;
  if (a.logical !== b.logical) return a.logical > b.logical;
  if (a.client !== b.client) return (ids[a.client] as number) > (ids[b.client] as number);
  return a.clock > b.clock;
}

/** A run of text with one set of attributes (null when it has none). */
export interface FormatSpan {
  /** Visible positions `from .. to - 1`. */
  from: number;
  to: number;
  attributes: Attributes | null;
}

/**
 * The visible boundary an anchor resolves to: the number of visible units before it. An edge
 * anchor resolves to 0 (start, `after`) or to the length (end, `before`).
 */
export function anchorBoundary(seq: Sequence, client: number, clock: number, after: boolean): number {
  if (client === NO_CLIENT) return after ? 0 : seq.length;
  const s = seq.itemOf(client, clock) as Item;
  const base = seq.index.visibleIndexOf(s);
  if (s.deleted) return base;
  return base + (clock - s.clock) + (after ? 1 : 0);
}

/** A mark resolved to visible positions `from .. to - 1`. */
export interface MarkInterval {
  from: number;
  to: number;
  op: MarkOp;
}

/** The marks resolved to visible positions, those covering nothing left out. */
export function markIntervals(seq: Sequence, marks: readonly MarkOp[]): MarkInterval[] {
  const out: MarkInterval[] = [];
  for (const op of marks) {
    const from = anchorBoundary(seq, op.startClient, op.startClock, op.startAfter);
    const to = anchorBoundary(seq, op.endClient, op.endClock, op.endAfter);
    if (from < to) out.push({ from, to, op });
  }
  return out;
}

/**
 * The formatting of `seq` under `marks`: spans in order covering `0 .. length`, neighbours with
 * equal attributes merged. A sweep over the marks' boundaries keeps the marks covering the
 * current segment, winners first: O(m log m + s * a) for m marks, s boundaries and at most a
 * marks covering one place. A text without marks gives one span.
 */
export function formatSpans(seq: Sequence, marks: readonly MarkOp[], ids: readonly number[]): FormatSpan[] {
  return spansBetween(markIntervals(seq, marks), ids, 0, seq.length);
}

/**
 * The formatting of positions `from .. to - 1` under resolved marks `intervals`, as
 * {@link formatSpans} gives it; only the intervals overlapping the range take part in the sweep.
 *
 * The sweep keeps, per key, the marks of that key covering the current segment, winners first.
 * A segment whose winners are those of the segment before extends the span before; otherwise its
 * winners are compared with those before by key and canonical value.
 */
export function spansBetween(
  all: readonly MarkInterval[],
  ids: readonly number[],
  from: number,
  to: number,
): FormatSpan[] {
  if (from >= to) return [];
  const intervals = all.filter((iv) => iv.from < to && iv.to > from);
  if (intervals.length === 0) return [{ from, to, attributes: null }];
  const starts = sortedBy(intervals, (iv) => iv.from);
  const ends = sortedBy(intervals, (iv) => iv.to);
  const sorted = boundaries(starts, ends, from, to);
  /** Per key, the marks of that key covering the current segment, winners first. */
  const active = new Map<string, MarkOp[]>();
  /** The keys of `active` in sorted order, and their lists. */
  const activeKeys: string[] = [];
  const activeLists: MarkOp[][] = [];
  let next = 0;
  let gone = 0;
  const out: FormatSpan[] = [];
  /** The winning marks of the segment before, by key (sorted), those removing left out. */
  let prevOps: MarkOp[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i] as number;
    const b = sorted[i + 1] as number;
    let changed = out.length === 0;
    // Every interval ending here started at an earlier point, so it is active.
    while (gone < ends.length && (ends[gone] as MarkInterval).to <= a) {
      const op = (ends[gone] as MarkInterval).op;
      gone++;
      const list = active.get(op.key) as MarkOp[];
      const at = list.indexOf(op);
      if (at === 0) changed = true;
      list.splice(at, 1);
      if (list.length === 0) {
        active.delete(op.key);
        const ki = activeKeys.indexOf(op.key);
        activeKeys.splice(ki, 1);
        activeLists.splice(ki, 1);
      }
    }
    while (next < starts.length && (starts[next] as MarkInterval).from <= a) {
      const op = (starts[next] as MarkInterval).op;
      next++;
      let list = active.get(op.key);
      if (list === undefined) {
        list = [];
        active.set(op.key, list);
        let ki = 0;
        while (ki < activeKeys.length && (activeKeys[ki] as string) < op.key) ki++;
        activeKeys.splice(ki, 0, op.key);
        activeLists.splice(ki, 0, list);
      }
      let at = 0;
      while (at < list.length && markWins(list[at] as MarkOp, op, ids)) at++;
      if (at === 0) changed = true;
      list.splice(at, 0, op);
    }
    const last = out[out.length - 1];
    if (!changed && last !== undefined) {
      last.to = b;
      continue;
    }
    const keys: string[] = [];
    const ops: MarkOp[] = [];
    for (let j = 0; j < activeKeys.length; j++) {
      const op = (activeLists[j] as MarkOp[])[0] as MarkOp;
      if (op.value === null) continue;
      keys.push(activeKeys[j] as string);
      ops.push(op);
    }
    // Same attributes as the segment before: same keys, each winner the same mark or one setting
    // an equal value.
    let same = last !== undefined && ops.length === prevOps.length;
    for (let j = 0; same && j < ops.length; j++) {
      const op = ops[j] as MarkOp;
      const prev = prevOps[j] as MarkOp;
      same = op === prev || op.keyValue === prev.keyValue;
    }
    prevOps = ops;
    if (same && last !== undefined) {
      last.to = b;
      continue;
    }
    let attributes: Attributes | null = null;
    if (keys.length > 0) {
      attributes = {};
      for (let j = 0; j < keys.length; j++) setOwn(attributes, keys[j] as string, (ops[j] as MarkOp).value);
    }
    out.push({ from: a, to: b, attributes });
  }
  return out;
}

/** `intervals` sorted by `key` (a non-negative integer), ties kept in input order. */
function sortedBy(intervals: readonly MarkInterval[], key: (iv: MarkInterval) => number): MarkInterval[] {
  const idx = new Int32Array(intervals.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  const order = sortByKey(idx, (i) => key(intervals[i] as MarkInterval));
  return Array.from(order, (i) => intervals[i] as MarkInterval);
}

/**
 * The distinct positions `from`, `to` and the interval edges between them, in order, merged from
 * the intervals sorted by start (`starts`) and by end (`ends`).
 */
function boundaries(
  starts: readonly MarkInterval[],
  ends: readonly MarkInterval[],
  from: number,
  to: number,
): number[] {
  const out: number[] = [from];
  const add = (p: number): void => {
    if (p > from && p < to && p !== out[out.length - 1]) out.push(p);
  };
  let i = 0;
  let j = 0;
  while (i < starts.length || j < ends.length) {
    const s = i < starts.length ? (starts[i] as MarkInterval).from : Number.POSITIVE_INFINITY;
    const e = j < ends.length ? (ends[j] as MarkInterval).to : Number.POSITIVE_INFINITY;
    if (s <= e) {
      add(s);
      i++;
    } else {
      add(e);
      j++;
    }
  }
  out.push(to);
  return out;
}

/** True when two attribute sets (null: none) hold the same names and equal values. */
export function sameAttributes(a: Attributes | null, b: Attributes | null): boolean {
  const ka = a === null ? [] : Object.keys(a);
  const kb = b === null ? [] : Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (b === null || !Object.hasOwn(b, k)) return false;
    if (canonicalJson((a as Attributes)[k]) !== canonicalJson(b[k])) return false;
  }
  return true;
}

/** Ranges `[from, to]` sorted by start, overlapping and touching ones merged (new tuples; the input is not changed). */
export function mergeRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = ranges.map(([a, b]): [number, number] => [a, b]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
