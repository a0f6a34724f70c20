/**
 * The anchors of a marks group in the shapes layout (`marks-shapes.ts`), read first as how each
 * was written and resolved to units once what they refer to is known. An anchor may repeat one of
 * an earlier mark, be a clock delta, a unit named by replica and clock, or (in a snapshot, form
 * bit 3) a **position**: the index of a unit in the stored order of the text's own group
 * (tombstones included), which the writer and every reader of the update know. A start is then
 * written as its position, an end as the distance from its start's position: a short length where
 * the clocks of the two ends are as far apart as when the text around them was typed.
 *
 * Positions are resolved after the text's group is read (and its clocks counted back,
 * `skip-marks.ts`), by {@link resolveAnchors}: a position past the text's units, or a start given
 * by clock that is not a unit of the text while its end is a distance from it, is refused. The
 * work is a sort of the text's runs per replica and a binary search per anchor.
 */
import { DecodeError } from '../errors.js';
import { MAX_CLOCK } from './group-codec.js';
import { type MarkRecord, NONE } from './records.js';

/** Start kinds: the start of the text, the previous mark's start, set when read, a position. */
export const S_EDGE = 0;
export const S_REPEAT = 1;
/** The previous mark's start, which must be a unit of the mark's own replica. */
export const S_REPEAT_OWN = 2;
export const S_SET = 3;
export const S_POS = 4;

/**
 * End kinds: the end of the text, the end of the mark `value` before, a clock delta from the
 * start (same replica), set when read, a position delta from the start's position.
 */
export const E_EDGE = 0;
export const E_REPEAT = 1;
/** As {@link E_REPEAT}, and the end must be on the start's replica (info bit "near"). */
export const E_REPEAT_NEAR = 2;
export const E_NEAR = 3;
export const E_SET = 4;
export const E_POS = 5;

/** How the anchors of one group's marks were written, resolved by {@link resolveAnchors}. */
export interface PendingAnchors {
  /** The group's marks, in order (their anchors are filled in). */
  readonly marks: MarkRecord[];
  readonly sKind: number[];
  readonly sValue: number[];
  readonly eKind: number[];
  readonly eValue: number[];
  /** Whether any anchor is a position (then the text's units are needed). */
  positions: boolean;
}

/** An empty record of pending anchors for `marks` (filled as they are read). */
export function pendingAnchors(marks: MarkRecord[]): PendingAnchors {
  return { marks, sKind: [], sValue: [], eKind: [], eValue: [], positions: false };
}

/** The runs of a text's group in stored order (clients as the marks name them). */
export interface UnitRuns {
  readonly n: number;
  readonly client: ArrayLike<number>;
  readonly clock: ArrayLike<number>;
  readonly len: ArrayLike<number>;
}

/** Lookups from positions to units and back, over a text's runs (built once, on demand). */
class UnitIndex {
  /** Position of each run's first unit, and the total after the last run. */
  private readonly starts: Float64Array;
  /** Per replica, its runs' indexes in clock order (built on first use). */
  private byClient: Map<number, Int32Array> | null = null;

  constructor(private readonly runs: UnitRuns) {
    this.starts = new Float64Array(runs.n + 1);
    let p = 0;
    for (let i = 0; i < runs.n; i++) {
      this.starts[i] = p;
      p += runs.len[i] as number;
    }
    this.starts[runs.n] = p;
  }

  /** Units in the text. */
  get total(): number {
    return this.starts[this.runs.n] as number;
  }

  /** Position of run `i`'s first unit. */
  startOf(i: number): number {
    return this.starts[i] as number;
  }

  /** The run holding position `p` (0 <= p < total). */
  runAt(p: number): number {
    let lo = 0;
    let hi = this.runs.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Position of unit `(client, clock)`, or -1 when it is not a unit of the text. */
  positionOf(client: number, clock: number): number {
    const runs = this.runs;
    if (this.byClient === null) {
      const lists = new Map<number, number[]>();
      for (let i = 0; i < runs.n; i++) {
        const c = runs.client[i] as number;
        let l = lists.get(c);
        if (l === undefined) {
          l = [];
          lists.set(c, l);
        }
        l.push(i);
      }
      this.byClient = new Map();
      for (const [c, l] of lists) {
        const order = Int32Array.from(l);
        order.sort((a, b) => (runs.clock[a] as number) - (runs.clock[b] as number));
        this.byClient.set(c, order);
      }
    }
    const order = this.byClient.get(client);
    if (order === undefined || order.length === 0) return -1;
    let lo = 0;
    let hi = order.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((runs.clock[order[mid] as number] as number) <= clock) lo = mid;
      else hi = mid - 1;
    }
    const i = order[lo] as number;
    const start = runs.clock[i] as number;
    if (clock < start || clock >= start + (runs.len[i] as number)) return -1;
    return (this.starts[i] as number) + clock - start;
  }
}

/** The unit `[client, clock]` at position `p` of the text, refusing one out of range. */
function unitAt(index: UnitIndex, runs: UnitRuns, p: number): [number, number] {
  if (!(p >= 0 && p < index.total)) throw new DecodeError('invalid', 'mark anchor position out of range');
  const i = index.runAt(p);
  return [runs.client[i] as number, (runs.clock[i] as number) + p - index.startOf(i)];
}

/**
 * Fill in the anchors of `p`'s marks, in order (a repeat takes the anchor an earlier mark
 * resolved to); `units` are the runs of the marks' text in stored order, needed when `p` has
 * positions (null otherwise).
 * @throws {DecodeError} when an anchor repeats an edge, a position is out of range, a start given
 * by clock is not a unit of the text while its end is a distance from it, or a clock overflows.
 */
export function resolveAnchors(p: PendingAnchors, units: UnitRuns | null): void {
  if (p.positions && units === null) throw new DecodeError('invalid', 'mark anchor positions without a text');
  const index = p.positions && units !== null ? new UnitIndex(units) : null;
  const marks = p.marks;
  let prevStartPos = -1;
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i] as MarkRecord;
    const sKind = p.sKind[i] as number;
    // The start's position when known without a search (-1: not yet).
    let sPos = -1;
    if (sKind === S_EDGE) {
      m.sClient = NONE;
      m.sClock = 0;
    } else if (sKind === S_REPEAT || sKind === S_REPEAT_OWN) {
      const prev = marks[i - 1];
      if (prev === undefined || prev.sClient === NONE)
        throw new DecodeError('invalid', 'an anchor repeats no unit anchor');
      if (sKind === S_REPEAT_OWN && prev.sClient !== m.client)
        throw new DecodeError('invalid', 'a repeated start is not on the mark’s replica');
      m.sClient = prev.sClient;
      m.sClock = prev.sClock;
      sPos = prevStartPos;
    } else if (sKind === S_POS) {
      [m.sClient, m.sClock] = unitAt(index as UnitIndex, units as UnitRuns, p.sValue[i] as number);
      sPos = p.sValue[i] as number;
    }
    const eKind = p.eKind[i] as number;
    if (eKind === E_EDGE) {
      m.eClient = NONE;
      m.eClock = 0;
    } else if (eKind === E_REPEAT || eKind === E_REPEAT_NEAR) {
      const from = marks[i - (p.eValue[i] as number)];
      if (from === undefined || from === m || from.eClient === NONE)
        throw new DecodeError('invalid', 'an anchor repeats no unit anchor');
      if (eKind === E_REPEAT_NEAR && from.eClient !== m.sClient)
        throw new DecodeError('invalid', 'a repeated end is not near its start');
      m.eClient = from.eClient;
      m.eClock = from.eClock;
    } else if (eKind === E_NEAR) {
      if (m.sClient === NONE) throw new DecodeError('invalid', 'an edge anchor has no client');
      m.eClient = m.sClient;
      m.eClock = m.sClock + (p.eValue[i] as number);
      if (m.eClock < 0 || m.eClock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    } else if (eKind === E_POS) {
      const idx = index as UnitIndex;
      if (m.sClient !== NONE && sPos < 0) {
        sPos = idx.positionOf(m.sClient, m.sClock);
        if (sPos < 0) throw new DecodeError('invalid', 'a mark’s start is not a unit of its text');
      }
      [m.eClient, m.eClock] = unitAt(
        idx,
        units as UnitRuns,
        (m.sClient === NONE ? 0 : sPos) + (p.eValue[i] as number),
      );
    }
    prevStartPos = sPos;
  }
}
