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
 * work is a sort of the text's runs per replica (unless the caller has a faster lookup) and a
 * search per anchor, near the last run found first.
 */
import { DecodeError } from '../errors.js';
import { type FindRun, type RunClocks, searchRuns } from './find-run.js';
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

/**
 * What a caller that already indexed the text's runs gives {@link resolveAnchors}: each run's
 * first position (and the total after the last), and the run holding a unit (-1: none).
 */
export interface UnitLookup {
  readonly starts: Float64Array;
  readonly runOf: FindRun;
}

/**
 * `x` as a small integer when it is one. Numbers read from typed arrays (the fast load's run
 * columns) are boxed doubles: stored in a record whose fields hold small integers, each would
 * change the fields' representation and move every record to a new hidden class, one at a time.
 */
function small(x: number): number {
  return x >= -0x40000000 && x <= 0x3fffffff ? x | 0 : x;
}

/**
 * Fill in the anchors of `p`'s marks, in order (a repeat takes the anchor an earlier mark
 * resolved to); `units` are the runs of the marks' text in stored order, needed when `p` has
 * positions (null otherwise).
 * @throws {DecodeError} when an anchor repeats an edge, a position is out of range, a start given
 * by clock is not a unit of the text while its end is a distance from it, or a clock overflows.
 */
export function resolveAnchors(
  p: PendingAnchors,
  units: RunClocks | null,
  lookup: UnitLookup | null = null,
): void {
  if (p.positions && units === null) throw new DecodeError('invalid', 'mark anchor positions without a text');
  const marks = p.marks;
  const { sKind, sValue, eKind, eValue } = p;
  // Position of each run's first unit, and the total after the last run (with positions).
  let starts: Float64Array = new Float64Array(1);
  let clocks: ArrayLike<number> = starts;
  let clients: ArrayLike<number> = starts;
  let runOf: FindRun | null = null;
  if (p.positions && units !== null) {
    if (lookup !== null) {
      starts = lookup.starts;
      runOf = lookup.runOf;
    } else {
      starts = new Float64Array(units.n + 1);
      let at = 0;
      const len = units.len;
      for (let r = 0; r < units.n; r++) {
        starts[r] = at;
        at += len[r] as number;
      }
      starts[units.n] = at;
    }
    clocks = units.clock;
    clients = units.client;
  }
  const total = starts[starts.length - 1] as number;
  const last = starts.length - 2;
  // The run last found: an end is usually a few runs from its start.
  let near = 0;
  let prevStartPos = -1;
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i] as MarkRecord;
    const sk = sKind[i] as number;
    // The start's position when known without a search (-1: not yet).
    let sPos = -1;
    if (sk === S_EDGE) {
      m.sClient = NONE;
      m.sClock = 0;
    } else if (sk === S_REPEAT || sk === S_REPEAT_OWN) {
      const prev = marks[i - 1];
      if (prev === undefined || prev.sClient === NONE)
        throw new DecodeError('invalid', 'an anchor repeats no unit anchor');
      if (sk === S_REPEAT_OWN && prev.sClient !== m.client)
        throw new DecodeError('invalid', 'a repeated start is not on the mark’s replica');
      m.sClient = prev.sClient;
      m.sClock = prev.sClock;
      sPos = prevStartPos;
    }
    const ek = eKind[i] as number;
    // A position to look up: the start's (S_POS), then the end's (E_POS).
    for (let pass = 0; pass < 2; pass++) {
      let at: number;
      if (pass === 0) {
        if (sk !== S_POS) continue;
        at = sValue[i] as number;
      } else {
        if (ek !== E_POS) break;
        if (m.sClient !== NONE && sPos < 0) {
          if (runOf === null) runOf = searchRuns(units as RunClocks, () => false);
          const r = runOf(m.sClient, m.sClock);
          if (r < 0) throw new DecodeError('invalid', 'a mark’s start is not a unit of its text');
          sPos = (starts[r] as number) + m.sClock - (clocks[r] as number);
          near = r;
        }
        at = (m.sClient === NONE ? 0 : sPos) + (eValue[i] as number);
      }
      if (!(at >= 0 && at < total)) throw new DecodeError('invalid', 'mark anchor position out of range');
      let r = near;
      let steps = 0;
      while (steps < 8 && ((starts[r] as number) > at || (starts[r + 1] as number) <= at)) {
        r += (starts[r] as number) > at ? -1 : 1;
        steps++;
      }
      if (steps === 8) {
        let lo = 0;
        let hi = last;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if ((starts[mid] as number) <= at) lo = mid;
          else hi = mid - 1;
        }
        r = lo;
      }
      near = r;
      const clock = small((clocks[r] as number) + at - (starts[r] as number));
      if (pass === 0) {
        m.sClient = small(clients[r] as number);
        m.sClock = clock;
        sPos = at;
      } else {
        m.eClient = small(clients[r] as number);
        m.eClock = clock;
      }
    }
    if (ek === E_EDGE) {
      m.eClient = NONE;
      m.eClock = 0;
    } else if (ek === E_REPEAT || ek === E_REPEAT_NEAR) {
      const from = marks[i - (eValue[i] as number)];
      if (from === undefined || from === m || from.eClient === NONE)
        throw new DecodeError('invalid', 'an anchor repeats no unit anchor');
      if (ek === E_REPEAT_NEAR && from.eClient !== m.sClient)
        throw new DecodeError('invalid', 'a repeated end is not near its start');
      m.eClient = from.eClient;
      m.eClock = from.eClock;
    } else if (ek === E_NEAR) {
      if (m.sClient === NONE) throw new DecodeError('invalid', 'an edge anchor has no client');
      m.eClient = m.sClient;
      m.eClock = m.sClock + (eValue[i] as number);
      if (m.eClock < 0 || m.eClock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    }
    prevStartPos = sPos;
  }
}
