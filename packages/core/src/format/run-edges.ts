/**
 * Finding, for an origin reference by distance (format version 2, `group-writer.ts`), the record
 * of a group whose first or last unit is a given unit, up to {@link MAX_HOPS} records away.
 *
 * A group whose records follow one another (typing, a snapshot in document order) finds its
 * origins one or two records away, and a scan of the neighbours is the cheapest way. A large
 * transaction of scattered edits (6,000 random insertions) names origins that are rarely that
 * close, and each miss scanned 63 neighbours: measured, that was two thirds of writing such an
 * update. So once its misses have cost a few passes over its records, a large group indexes their
 * first and last units, per replica, and answers each reference with one table read. The answer
 * is the scan's, always: a replica whose clocks are too sparse for a table, or that holds two
 * records with the same edge unit (no document writes such a group), keeps the scan.
 */
import type { SeqColumns } from './seq-columns.js';

/** Farthest neighbour record an origin reference names by distance (`2 * hops + 1` fits a byte). */
export const MAX_HOPS = 63;

/**
 * Groups of at most this many records only scan ({@link runEdgesFor}): a table would cost more
 * than it saves.
 */
const INDEX_MIN_RECORDS = 128;

/**
 * A large group builds its tables once its scans that found nothing (each {@link MAX_HOPS} steps
 * or fewer) have cost this many passes over its records: a build costs a few. A snapshot in
 * document order finds most origins a step or two away and rarely pays for tables.
 */
const MISSED_PASSES_BEFORE_INDEX = 8;

/**
 * A replica's tables are built only while its clock span is at most this many slots per record
 * (plus {@link SPAN_SLACK}): so all tables together hold at most 16 slots per record plus 64 per
 * replica (a transaction's own runs, keystrokes or words, span about their units), and a replica
 * whose few records lie far apart in its clocks keeps the scan.
 */
const SPAN_PER_RECORD = 16;
const SPAN_SLACK = 64;

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
  // Consecutive records mostly share a replica: the last one's entry saves a map lookup.
  const spans = new Map<number, { lo: number; hi: number; records: number }>();
  let lastC = Number.NaN;
  let span = { lo: 0, hi: 0, records: 0 };
  for (let j = 0; j < n; j++) {
    const c = client[j] as number;
    const lo = clock[j] as number;
    const hi = lo + (len[j] as number);
    if (c !== lastC) {
      const s = spans.get(c);
      if (s === undefined) {
        span = { lo, hi, records: 0 };
        spans.set(c, span);
      } else span = s;
      lastC = c;
    }
    if (lo < span.lo) span.lo = lo;
    if (hi > span.hi) span.hi = hi;
    span.records++;
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
  lastC = Number.NaN;
  let t: EdgeTable | null | undefined = null;
  for (let j = 0; j < n; j++) {
    const c = client[j] as number;
    if (c !== lastC) {
      t = tables.get(c);
      lastC = c;
    }
    if (t === undefined || t === null) continue;
    const first = (clock[j] as number) - t.base;
    const last = first + (len[j] as number) - 1;
    if (t.starts[first] !== 0 || t.ends[last] !== 0) {
      tables.set(c, null);
      t = null;
      continue;
    }
    t.starts[first] = j + 1;
    t.ends[last] = j + 1;
  }
  return tables;
}

/**
 * Answers {@link scanHops} for the records of one group being written, from tables once a large
 * group's misses have cost enough to pay for them (see {@link edgeHops}). Not valid once the
 * columns change.
 */
export class RunEdges {
  /** Scans that found nothing, while there are no tables. */
  private missed = 0;
  private tables: Map<number, EdgeTable | null> | null = null;

  constructor(private readonly cols: SeqColumns) {}

  /**
   * The answer from the tables (built now if the misses so far pay for them), or -1 when the
   * caller is to scan (no tables yet, or none for that replica).
   */
  fromTables(i: number, dir: 1 | -1, client: number, clock: number): number {
    let tables = this.tables;
    if (tables === null) {
      if (this.missed * MAX_HOPS < MISSED_PASSES_BEFORE_INDEX * this.cols.length) return -1;
      tables = buildTables(this.cols);
      this.tables = tables;
    }
    const t = tables.get(client);
    // No record of that replica: the scan finds none either.
    if (t === undefined) return 0;
    if (t === null) return -1;
    const at = clock - t.base;
    if (!(at >= 0 && at < t.starts.length)) return 0;
    const j = (dir === 1 ? (t.starts[at] as number) : (t.ends[at] as number)) - 1;
    if (j < 0) return 0;
    const k = dir === 1 ? j - i : i - j;
    return k >= 1 && k <= MAX_HOPS ? k : 0;
  }

  /** Count a scan that found nothing. */
  noteMiss(): void {
    this.missed++;
  }
}

/** A finder for the records of a group being written, or null for a group small enough to scan. */
export function runEdgesFor(cols: SeqColumns): RunEdges | null {
  return cols.length > INDEX_MIN_RECORDS ? new RunEdges(cols) : null;
}

/**
 * `scanHops(cols, i, dir, client, clock)`, read from `edges`' tables where it has them (`edges`
 * null: a small group, always scanned).
 */
export function edgeHops(
  edges: RunEdges | null,
  cols: SeqColumns,
  i: number,
  dir: 1 | -1,
  client: number,
  clock: number,
): number {
  const fromTables = edges === null ? -1 : edges.fromTables(i, dir, client, clock);
  if (fromTables >= 0) return fromTables;
  const k = scanHops(cols, i, dir, client, clock);
  if (k === 0 && edges !== null) edges.noteMiss();
  return k;
}
