/**
 * `splitUpdate`: cut one update into several, each at most a given size, that together carry
 * exactly what it carries. A relay caps frames (`--max-payload`), so a client whose pending
 * update outgrew the cap (a large paste, a long offline session, a whole document's initial
 * state) sends it as parts instead of being disconnected for an oversized frame.
 */
import { isHighSurrogate, isLowSurrogate } from '../encoding/utf16.js';
import { AccordError } from '../errors.js';
import { sliceRecord, truncateRecord, type UpdateRecord } from './records.js';
import { decodeUpdate, encodeUpdate } from './update-codec.js';

/** Smallest `maxBytes` accepted: room for one record with its header. */
export const MIN_SPLIT_BYTES = 256;

const NO_DELETES: ReadonlyMap<number, number[]> = new Map();

/** Where to cut a run of `len` units near its middle, never between the halves of a surrogate pair. */
function cutPoint(content: string | unknown[] | null, len: number): number {
  let k = Math.floor(len / 2);
  if (typeof content === 'string') {
    if (isHighSurrogate(content.charCodeAt(k - 1)) && isLowSurrogate(content.charCodeAt(k)))
      k = k + 1 < len ? k + 1 : k - 1;
  }
  return k;
}

/** Encode `records` as updates of at most `maxBytes`, halving the set (and long runs) until each fits. */
function splitRecords(records: UpdateRecord[], maxBytes: number, out: Uint8Array[]): void {
  const bytes = encodeUpdate({ records, deletes: NO_DELETES as Map<number, number[]> });
  if (bytes.length <= maxBytes) {
    out.push(bytes);
    return;
  }
  if (records.length > 1) {
    const mid = records.length >> 1;
    splitRecords(records.slice(0, mid), maxBytes, out);
    splitRecords(records.slice(mid), maxBytes, out);
    return;
  }
  const r = records[0] as UpdateRecord;
  if (r.t === 0 && r.len > 1) {
    const k = cutPoint(r.content, r.len);
    if (k > 0 && k < r.len) {
      // The second part's left origin is the first part's last unit: the same run, integrated alike.
      splitRecords([truncateRecord(r, r.clock + k)], maxBytes, out);
      splitRecords([sliceRecord(r, r.clock + k)], maxBytes, out);
      return;
    }
  }
  throw new AccordError(
    'too-large',
    `one value of ${bytes.length} bytes cannot be split below ${maxBytes} bytes`,
  );
}

/** The delete set in chunks of at most `pairs` ranges. */
function chunkDeletes(deletes: Map<number, number[]>, pairs: number): Map<number, number[]>[] {
  const chunks: Map<number, number[]>[] = [];
  let cur = new Map<number, number[]>();
  let n = 0;
  for (const [client, ranges] of deletes) {
    for (let i = 0; i < ranges.length; i += 2) {
      if (n === pairs) {
        chunks.push(cur);
        cur = new Map();
        n = 0;
      }
      let list = cur.get(client);
      if (list === undefined) {
        list = [];
        cur.set(client, list);
      }
      list.push(ranges[i] as number, ranges[i + 1] as number);
      n++;
    }
  }
  if (n > 0) chunks.push(cur);
  return chunks;
}

/**
 * Split `update` into updates of at most `maxBytes` bytes each. Applying all of them, in order or
 * in any order (an update whose dependencies have not arrived is held until they do), gives the
 * same document as applying `update`. An update already within the limit is returned as is.
 * Long text and list runs are cut between units (never inside a surrogate pair).
 * @throws {DecodeError} if `update` is malformed.
 * @throws {AccordError} `invalid-argument` if `maxBytes` is below {@link MIN_SPLIT_BYTES};
 * `too-large` if one indivisible value (a map entry's value, one list element) alone exceeds it.
 */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_SPLIT_BYTES)
    throw new AccordError('invalid-argument', `maxBytes must be an integer >= ${MIN_SPLIT_BYTES}`);
  if (update.length <= maxBytes) return [update];
  const decoded = decodeUpdate(update);
  const out: Uint8Array[] = [];
  if (decoded.records.length > 0) splitRecords(decoded.records, maxBytes, out);
  // A range costs at most 2 varints of 8 bytes and its client at most 10 more: 32 is safe.
  for (const deletes of chunkDeletes(decoded.deletes, Math.floor((maxBytes - 64) / 32)))
    out.push(encodeUpdate({ records: [], deletes }));
  return out;
}
