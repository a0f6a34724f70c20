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

/**
 * What a caller that already indexed the text's runs gives {@link resolveAnchors}: each run's
 * first position (and the total after the last), and the run holding a unit (-1: none; -2: not
 * known, search).
 */
export interface UnitLookup {
  readonly starts: Float64Array;
  runOf(client: number, clock: number): number;
}

/** Largest clock span per run (on average) for which a replica gets a dense table of its clocks. */
const DENSE_PER_RUN = 64;

/** Longest walk back through a dense table before a search by sorted runs is used instead. */
const MAX_WALK = 32;

/** Runs are packed with their clock in one double below this many (2^20). */
const PACK = 2 ** 20;

/**
 * The unit `(client, clock)` as a position, over a text's runs: per replica whose clocks are
 * dense (a span of at most {@link DENSE_PER_RUN} clocks per run on average, as in documents) a
 * table with each run's index + 1 at its first clock, walked back from the clock looked up (at
 * most {@link MAX_WALK} entries); otherwise, or past that, a binary search of its runs sorted by
 * clock. Built on first use; one pass over the runs, no call per unit.
 */
class ClockIndex {
  private readonly tables = new Map<number, Int32Array>();
  private readonly sorted = new Map<number, Float64Array>();
  /** Run index the last lookup found. */
  found = -1;

  constructor(
    private readonly runs: UnitRuns,
    private readonly starts: Float64Array,
  ) {
    const span = new Map<number, { end: number; runs: number }>();
    // Runs of one replica usually follow each other: its entry is kept at hand.
    let lastClient = Number.NaN;
    let last: { end: number; runs: number } = { end: 0, runs: 0 };
    const { client, clock, len } = runs;
    for (let i = 0; i < runs.n; i++) {
      const c = client[i] as number;
      if (c !== lastClient) {
        lastClient = c;
        const s = span.get(c);
        if (s === undefined) {
          last = { end: 0, runs: 0 };
          span.set(c, last);
        } else last = s;
      }
      const end = (clock[i] as number) + (len[i] as number);
      if (end > last.end) last.end = end;
      last.runs++;
    }
    // Bounded by the runs read, not their lengths (a tombstone run may be long).
    for (const [c, s] of span)
      if (s.end <= DENSE_PER_RUN * s.runs + 65536) this.tables.set(c, new Int32Array(s.end));
    lastClient = Number.NaN;
    let table: Int32Array | undefined;
    for (let i = 0; i < runs.n; i++) {
      const c = client[i] as number;
      if (c !== lastClient) {
        lastClient = c;
        table = this.tables.get(c);
      }
      if (table !== undefined) table[clock[i] as number] = i + 1;
    }
  }

  /** Position of unit `(client, clock)`, or -1 when it is not a unit of the text. */
  positionOf(c: number, k: number): number {
    const runs = this.runs;
    let i = -1;
    const table = this.tables.get(c);
    if (table !== undefined) {
      if (!(k >= 0 && k < table.length)) return -1;
      const stop = Math.max(0, k - MAX_WALK);
      for (let j = k; j >= stop; j--) {
        const e = table[j] as number;
        if (e !== 0) {
          i = e - 1;
          break;
        }
      }
    }
    if (i < 0) i = this.search(c, k);
    if (i < 0) return -1;
    const first = runs.clock[i] as number;
    if (k < first || k >= first + (runs.len[i] as number)) return -1;
    this.found = i;
    return (this.starts[i] as number) + k - first;
  }

  /** The run of replica `c` with the last first clock at or below `k` (-1: none). */
  private search(c: number, k: number): number {
    const runs = this.runs;
    let keys = this.sorted.get(c);
    if (keys === undefined) {
      // Its runs by first clock: (clock, run) packed in one double each and sorted natively
      // when that is exact (clocks below 2^32, fewer than 2^20 runs), else by a comparator.
      const mine: number[] = [];
      let packable = runs.n < PACK;
      for (let i = 0; i < runs.n; i++)
        if (runs.client[i] === c) {
          mine.push(i);
          if ((runs.clock[i] as number) >= 2 ** 32) packable = false;
        }
      keys = new Float64Array(mine.length);
      if (packable) {
        for (let j = 0; j < mine.length; j++) {
          const i = mine[j] as number;
          keys[j] = (runs.clock[i] as number) * PACK + i;
        }
        keys.sort();
        for (let j = 0; j < keys.length; j++) keys[j] = (keys[j] as number) % PACK;
      } else {
        const order = Float64Array.from(mine);
        order.sort((a, b) => (runs.clock[a] as number) - (runs.clock[b] as number) || a - b);
        keys = order;
      }
      this.sorted.set(c, keys);
    }
    const clock = runs.clock;
    let lo = 0;
    let hi = keys.length - 1;
    if (hi < 0 || (clock[keys[0] as number] as number) > k) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((clock[keys[mid] as number] as number) <= k) lo = mid;
      else hi = mid - 1;
    }
    return keys[lo] as number;
  }
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
  units: UnitRuns | null,
  lookup: UnitLookup | null = null,
): void {
  if (p.positions && units === null) throw new DecodeError('invalid', 'mark anchor positions without a text');
  const marks = p.marks;
  const { sKind, sValue, eKind, eValue } = p;
  // Position of each run's first unit, and the total after the last run (with positions).
  let starts: Float64Array = new Float64Array(1);
  let clocks: ArrayLike<number> = starts;
  let clients: ArrayLike<number> = starts;
  let index: ClockIndex | null = null;
  if (p.positions && units !== null) {
    if (lookup !== null) starts = lookup.starts;
    else {
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
          const r = lookup === null ? -2 : lookup.runOf(m.sClient, m.sClock);
          if (r >= 0) {
            sPos = (starts[r] as number) + m.sClock - (clocks[r] as number);
            near = r;
          } else if (r === -2) {
            if (index === null) index = new ClockIndex(units as UnitRuns, starts);
            sPos = index.positionOf(m.sClient, m.sClock);
            near = index.found;
          }
          if (sPos < 0) throw new DecodeError('invalid', 'a mark’s start is not a unit of its text');
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
