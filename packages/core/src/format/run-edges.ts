/**
 * Finding, for an origin reference by distance (format version 2, `group-writer.ts`), the record
 * of a group whose first or last unit is a given unit, up to {@link MAX_HOPS} records away.
 *
 * A group whose records follow one another (typing, a snapshot in document order) finds its
 * origins one or two records away, and a scan of the neighbours is the cheapest way. A large
 * transaction of scattered edits (6,000 random insertions) names origins that are rarely that
 * close, and each miss scanned 2 × 63 neighbours: measured, that was two thirds of writing such an
 * update. So after a few scans a large group indexes its records' first and last units once, per
 * replica, and answers each reference with one table read. The answer is the scan's, always: a
 * replica whose clocks are too sparse for a table, or that holds two records with the same edge
 * unit (no document writes such a group), keeps the scan.
 */
import type { SeqColumns } from './seq-columns.js';

/** Farthest neighbour record an origin reference names by distance (`2 * hops + 1` fits a byte). */
export const MAX_HOPS = 63;

/** Groups of at most this many records only scan: a table would cost more than it saves. */
const INDEX_MIN_RECORDS = 128;

/** Lookups a large group answers by scanning before it builds its tables. */
const SCANS_BEFORE_INDEX = 16;

/** A replica's tables are built only while its clock span is at most this many slots per record (plus {@link SPAN_SLACK}). */
const SPAN_PER_RECORD = 4;
const SPAN_SLACK = 1024;

/** One replica's records by edge unit: slot `clock - base` holds a record's index + 1, or 0. */
interface EdgeTable {
  readonly base: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/**
 * How many records back (`dir` -1: a record whose last unit is `(client, clock)`) or ahead (`dir`
 * 1: one whose first unit is it) of record `i` the unit is, within {@link MAX_HOPS}; 0 if not. A
 * scan of the neighbours, nearest first.
 */
export function scanHops(cols: SeqColumns, i: number, dir: 1 | -1, client: number, clock: number): number {
  const n = cols.length;
  const clients = cols.client;
  const clocks = cols.clock;
  const lens = cols.len;
  for (let k = 1; k <= MAX_HOPS; k++) {
    const j = i + dir * k;
    if (j < 0 || j >= n) return 0;
    if (
      clients[j] === client &&
      (dir === 1 ? clocks[j] : (clocks[j] as number) + (lens[j] as number) - 1) === clock
    )
      return k;
  }
  return 0;
}

/** Per replica (as the group's client column names it), its edge table, or null where it scans. */
function buildTables(cols: SeqColumns): Map<number, EdgeTable | null> {
  const n = cols.length;
  const { client, clock, len } = cols;
  const spans = new Map<number, { lo: number; hi: number; records: number }>();
  for (let j = 0; j < n; j++) {
    const c = client[j] as number;
    const lo = clock[j] as number;
    const hi = lo + (len[j] as number);
    const s = spans.get(c);
    if (s === undefined) spans.set(c, { lo, hi, records: 1 });
    else {
      if (lo < s.lo) s.lo = lo;
      if (hi > s.hi) s.hi = hi;
      s.records++;
    }
  }
  const tables = new Map<number, EdgeTable | null>();
  for (const [c, s] of spans) {
    const size = s.hi - s.lo;
    tables.set(
      c,
      size <= SPAN_PER_RECORD * s.records + SPAN_SLACK
        ? { base: s.lo, starts: new Int32Array(size), ends: new Int32Array(size) }
        : null,
    );
  }
  for (let j = 0; j < n; j++) {
    const c = client[j] as number;
    const t = tables.get(c);
    if (t === undefined || t === null) continue;
    const first = (clock[j] as number) - t.base;
    const last = first + (len[j] as number) - 1;
    if (t.starts[first] !== 0 || t.ends[last] !== 0) {
      tables.set(c, null);
      continue;
    }
    t.starts[first] = j + 1;
    t.ends[last] = j + 1;
  }
  return tables;
}

/**
 * Answers {@link scanHops} for the records of one group being written: by scanning, until a large
 * group has asked often enough to pay for its tables. Not valid once the columns change.
 */
export class RunEdges {
  private asked = 0;
  private tables: Map<number, EdgeTable | null> | null = null;

  constructor(private readonly cols: SeqColumns) {}

  /** The same answer as `scanHops(cols, i, dir, client, clock)`. */
  hops(i: number, dir: 1 | -1, client: number, clock: number): number {
    let tables = this.tables;
    if (tables === null) {
      if (this.cols.length <= INDEX_MIN_RECORDS || ++this.asked <= SCANS_BEFORE_INDEX)
        return scanHops(this.cols, i, dir, client, clock);
      tables = buildTables(this.cols);
      this.tables = tables;
    }
    const t = tables.get(client);
    // No record of that replica: the scan finds none either.
    if (t === undefined) return 0;
    if (t === null) return scanHops(this.cols, i, dir, client, clock);
    const at = clock - t.base;
    if (!(at >= 0 && at < t.starts.length)) return 0;
    const j = (dir === 1 ? (t.starts[at] as number) : (t.ends[at] as number)) - 1;
    if (j < 0) return 0;
    const k = dir === 1 ? j - i : i - j;
    return k >= 1 && k <= MAX_HOPS ? k : 0;
  }
}
