/**
 * The binary update format. One format serves incremental updates, diffs and full snapshots:
 *
 * ```
 * u8 version (2; 1 is read too), u8 flags (bit 0: a snapshot in document order; bit 1: text
 *   groups count clocks without their marks' clocks, `skip-marks.ts`)
 * clients: count, replica ids             records name clients by index in this table
 * groups: count, then per group:
 *   u8 tag: 0 root (u8 kind, name) | 1 nested (u8 kind, holder client index, clock) | 2 collected
 *     | 3 a text's marks (version 4; layout in `marks-codec.ts`)
 *   records: count, then per record: u8 info, id, origins, length/content
 *   text groups: then all live text of the group as one UTF-8 string (tag bit 3, version 3: packed)
 * delete set: count, then per client: client index, count, (gap, len) pairs
 * ```
 *
 * Info byte: bits 0-1 content (0 live, 1 deleted, 2 one live unit, 3 one deleted unit; a live
 * length written as 0 announces raw UTF-16 code units for text that is not well-formed), bits 2-3
 * id mode (0 continues the previous record, 1 same client with a signed clock delta, 2 client
 * index and clock, 3 same client, ending where the previous record starts), bits 4-5 left origin (0 the previous record's last unit, 1 none, 2 the unit
 * before the record's own first clock, 3 a reference), bits 6-7 right origin (0 the next record's
 * first unit, 1 none, 2 a reference, 3 the previous record's right origin). A reference is one
 * varuint `2 * zigzag(clock delta)` for the record's own client, `1` followed by a client index
 * and a clock, or `2 * k + 1` (k >= 1, version 2): the last unit of the record k before (left
 * origins) or the first unit of the record k after (right origins) in the same group. A group
 * tag with bit 2 set (version 2) writes the group's info bytes first as runs (count of runs,
 * then info byte and repeat count each) and no info byte per record. Record layout: info, length (unless implied), id, origins, inline content. A map
 * record is info (bits 2-3 the id mode, bit 0 a tombstone), id, key, HLC wall and logical time,
 * then its value unless a tombstone. In a snapshot,
 * records follow document order, so origins are nearly always implicit. Every count is checked
 * against the bytes left before anything is allocated or looped over.
 */

import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { ClientNumbering } from './client-numbering.js';
import { type Group, MAX_CLOCK, newGroup, readGroup } from './group-codec.js';
import { swapPackedCount, swapTextPacking, writeGroup } from './group-writer.js';
import type { ContainerKind } from './kinds.js';
import { type PendingAnchors, resolveAnchors } from './mark-anchors.js';
import { G_MARKS, MARKS_VERSION, readMarksGroup, writeMarksGroup } from './marks-codec.js';
import {
  type DecodedUpdate,
  type MarkRecord,
  type ParentRef,
  parentKey,
  type SeqRecord,
  type UpdateRecord,
} from './records.js';
import { markClocks, unskipRecords } from './skip-marks.js';

/**
 * Newest format version, read and written. Version 4 added marks groups (`marks-codec.ts`: the
 * formatting marks of a text; written only by updates that carry marks). Version 3 added packed text (group tag bit 3, a text
 * group's live text Huffman-coded; written only when it is shorter). Version 2 added map tombstones (info bit 0 of a map record: the
 * deleted top entry of a key, with key and timestamp, no value) and the container code 4 (a map
 * keeping concurrent values); version 1 bytes, which have neither, are read as before.
 */
export const UPDATE_VERSION = 4;
/** The version that added packed text: written when a group is packed, and needed to read one. */
export const PACKED_TEXT_VERSION = 3;
/**
 * The version written when no group uses a version-3 feature (packed text, `G_PACKED`): a
 * keystroke's update, or any update whose text is small, keeps the bytes older readers accept.
 */
export const PLAIN_UPDATE_VERSION = 2;
/** The oldest format version still read. */
export const MIN_UPDATE_VERSION = 1;

/** The kind of container a record belongs to. */
function groupKind(r: UpdateRecord): ContainerKind | 'gc' | 'marks' {
  if (r.t === 3) return 'gc';
  if (r.t === 4) return 'marks';
  if (r.t === 1) return 'map';
  if (r.t === 2) return 'counter';
  return r.parent.kind === 'list' ? 'list' : 'text';
}

/**
 * Encode a decoded update (records in any order; each group keeps the given order). With
 * `packText: false` no text is packed (format version 3): a transaction's own update is applied
 * once, by each peer, so building and reading a Huffman code for a paste costs more time than its
 * bytes save; snapshots, diffs and merged updates (stored, or sent to a joining replica) pack.
 */
export function encodeUpdate(update: DecodedUpdate, options?: { packText?: boolean }): Uint8Array {
  const groups = new Map<string, Group>();
  // Records of one container usually follow each other and share one parent object: reuse the
  // last group without building its key.
  let lastRef: ParentRef | null | undefined;
  let lastKind: ContainerKind | 'gc' | 'marks' | undefined;
  let last: Group | undefined;
  for (const r of update.records) {
    const ref = r.t === 3 ? null : r.parent;
    const kind = groupKind(r);
    let g = ref === lastRef && kind === lastKind ? last : undefined;
    if (g === undefined) {
      const key = ref === null ? '' : `${parentKey(ref)}|${kind}`;
      g = groups.get(key);
      if (g === undefined) {
        g = newGroup(ref, kind, []);
        groups.set(key, g);
      }
      lastRef = ref;
      lastKind = kind;
      last = g;
    }
    g.records.push(r);
  }
  return encodeGroups(
    [...groups.values()],
    update.deletes,
    update.snapshot === true,
    options?.packText ?? true,
  );
}

/**
 * The encoders an update is written with, reused from one update to the next: a fresh
 * `Uint8Array` above 64 bytes is an off-heap allocation that cost more than writing a keystroke's
 * whole update. `null` while in use (a value's getter that encodes an update gets fresh ones).
 */
let scratch: { body: Encoder; head: Encoder; table: ClientNumbering } | null = {
  body: new Encoder(4096),
  head: new Encoder(256),
  table: new ClientNumbering(),
};

/** Scratch encoders that grew past this many bytes are dropped after use rather than kept. */
const SCRATCH_KEEP = 1 << 20;

/**
 * Encode records already grouped by container (each group's records in the order they are
 * written), a delete set and the snapshot flag: what {@link encodeUpdate} does after grouping,
 * and what the document snapshot calls directly (its records come grouped).
 * @internal
 */
export function encodeGroups(
  groups: readonly Group[],
  deletes: ReadonlyMap<number, number[]>,
  snapshot: boolean,
  packText = true,
): Uint8Array {
  const mine = scratch;
  if (mine === null)
    return writeUpdate(
      new Encoder(256),
      new Encoder(64),
      new ClientNumbering(),
      groups,
      deletes,
      snapshot,
      packText,
    );
  scratch = null;
  try {
    return writeUpdate(mine.body, mine.head, mine.table, groups, deletes, snapshot, packText);
  } finally {
    const big = mine.body.length > SCRATCH_KEEP;
    mine.body.reset();
    mine.head.reset();
    mine.table.reset();
    scratch = big ? { body: new Encoder(4096), head: mine.head, table: mine.table } : mine;
  }
}

/**
 * Write an update with `body` and `head` (both empty) and the client table `table` (empty), and
 * return it as one new array.
 */
function writeUpdate(
  body: Encoder,
  head: Encoder,
  table: ClientNumbering,
  groups: readonly Group[],
  deletes: ReadonlyMap<number, number[]>,
  snapshot: boolean,
  packText: boolean,
): Uint8Array {
  const ci = table.ci;
  body.writeVarUint(groups.length);
  const outer = swapPackedCount(0);
  const outerPacking = swapTextPacking(packText);
  let packed = 0;
  let marks = false;
  try {
    for (const g of groups) {
      if (g.kind === 'marks') {
        writeMarksGroup(body, g.ref as ParentRef, g.records as MarkRecord[], ci, g.anchorPositions ?? null);
        marks = true;
      } else writeGroup(body, g, ci);
    }
  } finally {
    packed = swapPackedCount(outer);
    swapTextPacking(outerPacking);
  }
  body.writeVarUint(deletes.size);
  for (const client of deletes.keys()) {
    const ranges = normalizeRanges(deletes.get(client) as number[]);
    body.writeVarUint(ci(client));
    body.writeVarUint(ranges.length / 2);
    let end = 0;
    for (let i = 0; i < ranges.length; i += 2) {
      const s = ranges[i] as number;
      const l = ranges[i + 1] as number;
      body.writeVarUint(s - end);
      body.writeVarUint(l);
      end = s + l;
    }
  }
  head.writeU8(marks ? MARKS_VERSION : packed > 0 ? PACKED_TEXT_VERSION : PLAIN_UPDATE_VERSION);
  let skips = false;
  for (let k = 0; k < groups.length; k++) if ((groups[k] as Group).skipsMarks === true) skips = true;
  head.writeU8((snapshot ? 1 : 0) | (skips ? F_SKIPS_MARKS : 0));
  head.writeVarUint(table.size);
  for (let i = 0; i < table.size; i++) head.writeVarUint(table.idAt(i));
  const out = new Uint8Array(head.length + body.length);
  head.copyTo(out, 0);
  body.copyTo(out, head.length);
  return out;
}

/** Update flag bit: text groups skip their marks' clocks (`skip-marks.ts`). */
const F_SKIPS_MARKS = 2;

/**
 * The records of an update with flag {@link F_SKIPS_MARKS}: every text group that has a marks
 * group counted back to real clocks (`skip-marks.ts`); `starts` and `isMarks` describe the groups.
 */
function unskipGroups(
  records: UpdateRecord[],
  starts: readonly number[],
  isMarks: readonly boolean[],
): UpdateRecord[] {
  const marksOf = new Map<string, MarkRecord[]>();
  for (let g = 0; g < starts.length; g++) {
    if (!isMarks[g]) continue;
    const group = records.slice(starts[g], starts[g + 1] ?? records.length) as MarkRecord[];
    const first = group[0];
    if (first !== undefined) marksOf.set(parentKey(first.parent), group);
  }
  const out: UpdateRecord[] = [];
  for (let g = 0; g < starts.length; g++) {
    const group = records.slice(starts[g], starts[g + 1] ?? records.length);
    const first = group[0];
    const marks =
      first?.t === 0 && first.parent.kind === 'text' ? marksOf.get(parentKey(first.parent)) : undefined;
    if (marks === undefined) {
      for (const r of group) out.push(r);
      continue;
    }
    for (const r of unskipRecords(group as SeqRecord[], markClocks(marks))) out.push(r);
  }
  return out;
}

/**
 * Resolve the anchors of marks groups written as positions (`mark-anchors.ts`) against the runs
 * of their text's group in `records` (real clocks, in stored order).
 * @throws {DecodeError} when a text has no group or several, or an anchor does not resolve.
 */
function resolvePositions(records: readonly UpdateRecord[], pending: readonly PendingAnchors[]): void {
  const wanted = new Map<string, PendingAnchors>();
  for (const p of pending) {
    const first = p.marks[0] as MarkRecord;
    const key = parentKey(first.parent);
    if (wanted.has(key)) throw new DecodeError('invalid', 'two marks groups of one text');
    wanted.set(key, p);
  }
  const runs = new Map<string, { client: number[]; clock: number[]; len: number[]; group: number }>();
  let groupNo = 0;
  let lastKey = '';
  let lastParent: ParentRef | null = null;
  for (const r of records) {
    if (r.t !== 0 || r.parent.kind !== 'text') {
      lastParent = null;
      continue;
    }
    const key = r.parent === lastParent ? lastKey : parentKey(r.parent);
    if (r.parent !== lastParent) groupNo++;
    lastParent = r.parent;
    lastKey = key;
    if (!wanted.has(key)) continue;
    let u = runs.get(key);
    if (u === undefined) {
      u = { client: [], clock: [], len: [], group: groupNo };
      runs.set(key, u);
    } else if (u.group !== groupNo)
      throw new DecodeError('invalid', 'a text of marked positions in two groups');
    u.client.push(r.client);
    u.clock.push(r.clock);
    u.len.push(r.len);
  }
  for (const [key, p] of wanted) {
    const u = runs.get(key);
    resolveAnchors(p, u === undefined ? null : { n: u.client.length, ...u });
  }
}

/** Sort `[start, len, ...]` ranges and merge overlapping or touching ones (one range: `ranges` itself). */
export function normalizeRanges(ranges: number[]): number[] {
  // One range (a keystroke's deletion) is already normal.
  if (ranges.length === 2) return ranges;
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, l] of pairs) {
    const n = out.length;
    const lastEnd = n > 0 ? (out[n - 2] as number) + (out[n - 1] as number) : -1;
    if (n > 0 && lastEnd >= s) out[n - 1] = Math.max(lastEnd, s + l) - (out[n - 2] as number);
    else out.push(s, l);
  }
  return out;
}

/**
 * Decode an update. Checks the structure fully (every count against the bytes left, valid tags,
 * UTF-8, origin references) but not its meaning against a document (see `applyUpdate`).
 * @throws {DecodeError} for any malformed input.
 */
export function decodeUpdate(bytes: Uint8Array): DecodedUpdate {
  return decodeWith(bytes, (dec) => {
    const version = dec.readU8();
    if (version < MIN_UPDATE_VERSION || version > UPDATE_VERSION)
      throw new DecodeError('bad-version', `unknown update version ${version}`);
    const flags = dec.readU8();
    if (flags > 3) throw new DecodeError('bad-tag', `unknown update flags ${flags}`);
    const nClients = dec.readCount(1);
    const clients: number[] = [];
    for (let i = 0; i < nClients; i++) clients.push(dec.readVarUint());
    const clientOf = (i: number): number => {
      const c = clients[i];
      if (c === undefined) throw new DecodeError('invalid', `client index ${i} out of range`);
      return c;
    };
    const client = (): number => clientOf(dec.readVarUint());
    let records: UpdateRecord[] = [];
    const nGroups = dec.readCount(2);
    /** Where each group's records start in `records`, and which groups are marks. */
    const starts: number[] = [];
    const isMarks: boolean[] = [];
    /** Marks groups whose anchors are positions in their text's group, resolved at the end. */
    const pending: PendingAnchors[] = [];
    for (let g = 0; g < nGroups; g++) {
      starts.push(records.length);
      isMarks.push(dec.peekU8() === G_MARKS);
      if (dec.peekU8() === G_MARKS) {
        if (version < MARKS_VERSION) throw new DecodeError('bad-tag', 'a marks group before version 4');
        dec.readU8();
        readMarksGroup(dec, clientOf, records, pending);
      } else readGroup(dec, client, records, version >= PACKED_TEXT_VERSION);
    }
    if ((flags & F_SKIPS_MARKS) !== 0) records = unskipGroups(records, starts, isMarks);
    if (pending.length > 0) resolvePositions(records, pending);
    const deletes = new Map<number, number[]>();
    const nDel = dec.readCount(2);
    for (let i = 0; i < nDel; i++) {
      const c = client();
      const m = dec.readCount(2);
      let ranges = deletes.get(c);
      if (ranges === undefined) {
        ranges = [];
        deletes.set(c, ranges);
      }
      let end = 0;
      for (let k = 0; k < m; k++) {
        const s = end + dec.readVarUint();
        const l = dec.readVarUint();
        if (l < 1 || s + l > MAX_CLOCK) throw new DecodeError('invalid', 'bad delete range');
        ranges.push(s, l);
        end = s + l;
      }
    }
    return (flags & 1) === 1 ? { records, deletes, snapshot: true } : { records, deletes };
  });
}
