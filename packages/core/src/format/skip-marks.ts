/**
 * Text groups whose clocks skip the clocks of the text's own marks (update flag bit 1, written by
 * full snapshots). A mark takes one clock of its replica, so the characters typed before and after
 * it are two items with clocks that do not follow on: written as they are, a formatted text has a
 * record boundary (length, id delta, a break in the info runs) at every mark. In such a group every
 * clock of a replica (ids and origins) is counted without the clocks of that replica's marks in the
 * text's marks group, and the writer joins the runs that then follow on; the reader counts the
 * clocks back ({@link unskipClock}) and cuts a record at each mark clock inside it, the part after
 * it having the unit before the mark as left origin and the record's right origin, which is
 * exactly how such runs were typed (and the writer joins nothing else).
 */

import { DecodeError } from '../errors.js';
import { lowerBound } from '../sorted.js';
import { MAX_CLOCK } from './group-codec.js';
import { NONE, type SeqRecord } from './records.js';

/** Per client, the distinct clocks of `marks` in ascending order. */
export function markClocks(marks: readonly { client: number; clock: number }[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const m of marks) {
    let list = out.get(m.client);
    if (list === undefined) {
      list = [];
      out.set(m.client, list);
    }
    list.push(m.clock);
  }
  for (const [c, list] of out) {
    list.sort((a, b) => a - b);
    let k = 0;
    for (let i = 0; i < list.length; i++)
      if (k === 0 || list[k - 1] !== list[i]) list[k++] = list[i] as number;
    list.length = k;
    out.set(c, list);
  }
  return out;
}

/** Clock `c` counted without the clocks in `skipped` (ascending) below it. */
export function skipClock(skipped: readonly number[] | undefined, c: number): number {
  if (skipped === undefined) return c;
  return c - lowerBound(skipped, c);
}

/** The clock that {@link skipClock} maps to `s` and that is not in `skipped`. */
export function unskipClock(skipped: readonly number[] | undefined, s: number): number {
  if (skipped === undefined) return s;
  // skipped[i] - i never decreases: the skipped clocks at or below the result are those with
  // skipped[i] - i <= s.
  let lo = 0;
  let hi = skipped.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((skipped[mid] as number) - mid <= s) lo = mid + 1;
    else hi = mid;
  }
  return s + lo;
}

/**
 * The records of a text group read with skipped clocks, counted back and cut at the mark clocks
 * inside them (see the module comment); `clocks` from {@link markClocks} of the text's marks.
 * @throws {DecodeError} when the records would be cut more often than there are marks (records
 * that overlap, which no snapshot has) or a clock leaves the valid range.
 */
export function unskipRecords(records: readonly SeqRecord[], clocks: Map<number, number[]>): SeqRecord[] {
  let cuts = 0;
  let budget = 0;
  for (const list of clocks.values()) budget += list.length;
  const out: SeqRecord[] = [];
  for (const r of records) {
    const skipped = clocks.get(r.client);
    const olClock = r.olClient === NONE ? r.olClock : unskipClock(clocks.get(r.olClient), r.olClock);
    const orClock = r.orClient === NONE ? r.orClock : unskipClock(clocks.get(r.orClient), r.orClock);
    let clock = unskipClock(skipped, r.clock);
    if (olClock >= MAX_CLOCK || orClock >= MAX_CLOCK || clock + r.len > MAX_CLOCK)
      throw new DecodeError('overflow', 'clock out of range');
    if (skipped === undefined) {
      out.push({ ...r, clock, olClock, orClock });
      continue;
    }
    // The first mark clock above the record's start (the start is never one).
    let k = clock - skipClock(skipped, clock);
    let done = 0;
    let ol = r.olClient;
    let olk = olClock;
    for (;;) {
      const next = k < skipped.length ? (skipped[k] as number) : Number.POSITIVE_INFINITY;
      const take = Math.min(r.len - done, next - clock);
      const c = r.content;
      const content = c === null || take === r.len ? c : c.slice(done, done + take);
      out.push({ ...r, clock, len: take, olClient: ol, olClock: olk, orClock, content });
      done += take;
      if (done === r.len) break;
      if (++cuts > budget) throw new DecodeError('invalid', 'records overlap the marks');
      ol = r.client;
      olk = clock + take - 1;
      clock = next + 1;
      k++;
      while (k < skipped.length && skipped[k] === clock) {
        clock++;
        k++;
      }
      if (clock + r.len - done > MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    }
  }
  return out;
}
