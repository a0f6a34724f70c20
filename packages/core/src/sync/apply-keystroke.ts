/**
 * The fast path of the most common remote update: one keystroke of a collaborator, that is one
 * run typed into a root text (a character, a word, a paste), ranges of ids this document holds
 * deleted (backspace, a selection cut), or both (a selection typed over). Such an update is read
 * straight from the bytes into a located insert or a deletion, without the record objects, the
 * planner and the validator of the general path (`apply.ts`), with the same checks and the same
 * outcome: the same structs, events and `'update'`. Ids and origins are read with the format's
 * own readers (`readClock`, `readRefInto`).
 *
 * Anything else, or anything unusual (a record the document cannot integrate at once, held
 * structs or deletions, malformed bytes, a shape the writer does not produce for a keystroke),
 * returns false before the document is touched, and the caller takes the general path, which
 * decides and reports errors precisely.
 */
import type { Doc } from '../doc/doc.js';
import { Text } from '../doc/text.js';
import { Decoder } from '../encoding/decoder.js';
import { DecodeError } from '../errors.js';
import { C_LIVE, C_LIVE1, MAX_CLOCK, readClock, readRefInto } from '../format/group-codec.js';
import { KIND_CODES } from '../format/kinds.js';
import { MIN_UPDATE_VERSION, UPDATE_VERSION } from '../format/update-codec.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import { deleteRange } from './delete-range.js';

/** Most replica ids a keystroke's update names (its author and the origins' authors). */
const MAX_IDS = 4;
/** Most deleted ranges a keystroke's update carries (a selection deleted or typed over). */
const MAX_RANGES = 16;

/**
 * Most bytes of an update this path reads (a paste of a whole file fits). Larger ones go to the
 * general path at once; below it, an update this path cannot take costs at most one extra read
 * of its bytes before the general path reads them again.
 */
const MAX_BYTES = 1 << 20;

/** What the scratch decoder reads between keystrokes. */
const NO_BYTES = new Uint8Array(0);

/** What {@link parse} read from a keystroke's bytes (module scratch: one parse at a time). */
class Keystroke {
  /** True when the update inserts one run into the root text {@link name}. */
  insert = false;
  readonly ids: number[] = [0, 0, 0, 0];
  nIds = 0;
  name = '';
  client = 0;
  clock = 0;
  len = 0;
  olClient = NO_CLIENT;
  olClock = 0;
  orClient = NO_CLIENT;
  orClock = 0;
  text = '';
  /** The id the last origin reference read (scratch of `readRefInto`). */
  refClient = 0;
  refClock = 0;
  /**
   * Deleted ranges in the update's order, the first {@link nRanges} of each array (reused, never
   * shortened): the replica id of range `i` in `rangeIds[i]`, its start and length in
   * `spans[2i]` and `spans[2i + 1]`. Ids and clocks are kept apart because replica ids are
   * mostly above 2^31: in one array they would make V8 store every number as a double, and each
   * clock read from it by unoptimized code would be a new heap number, which, stored in a struct
   * or a run table, turns that field into a double field for every object of its class.
   */
  readonly rangeIds: number[] = new Array<number>(MAX_RANGES).fill(0);
  readonly spans: number[] = new Array<number>(2 * MAX_RANGES).fill(0);
  nRanges = 0;
  /**
   * The decoder of the update being parsed, reset to no bytes between parses (kept, not made per
   * update: one allocation less per keystroke, and a live decoder keeps V8's optimized code for
   * decoders through a full garbage collection, which discards code whose object shapes died).
   */
  readonly dec = new Decoder(NO_BYTES);

  /**
   * Read a replica id written as an index into the update's table (the reader `readRefInto` takes).
   * @throws {DecodeError} `invalid` for an index past the table.
   */
  readonly readId = (): number => {
    const i = this.dec.readVarUint();
    if (i >= this.nIds) throw new DecodeError('invalid', `client index ${i} out of range`);
    return this.ids[i] as number;
  };
}

const scratch = new Keystroke();

/**
 * Apply `bytes` to `doc` when it is one keystroke (see the module comment) that `doc` can
 * integrate at once; false (nothing changed) otherwise.
 */
export function tryApplyKeystroke(doc: Doc, bytes: Uint8Array, origin: unknown): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_BYTES) return false;
  if (doc.pendingCount !== 0 || doc.pendingDeleteCount !== 0) return false;
  const k = scratch;
  k.dec.reset(bytes);
  try {
    if (!parse(k.dec, k)) return false;
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  } finally {
    k.dec.reset(NO_BYTES);
  }
  return apply(doc, k, origin, bytes);
}

/**
 * Read a keystroke's update into `k`; false when the bytes are anything else.
 * @throws {DecodeError} on malformed bytes (the caller turns it into "not a keystroke").
 */
function parse(dec: Decoder, k: Keystroke): boolean {
  const version = dec.readU8();
  if (version < MIN_UPDATE_VERSION || version > UPDATE_VERSION || dec.readU8() !== 0) return false;
  const nIds = dec.readVarUint();
  if (nIds < 1 || nIds > MAX_IDS) return false;
  for (let i = 0; i < nIds; i++) k.ids[i] = dec.readVarUint();
  k.nIds = nIds;
  const nGroups = dec.readVarUint();
  if (nGroups > 1) return false;
  k.insert = nGroups === 1;
  if (k.insert && !parseInsert(dec, k)) return false;
  const { rangeIds, spans } = k;
  let n = 0;
  const nDel = dec.readVarUint();
  if (nDel > MAX_IDS || (nDel === 0 && !k.insert)) return false;
  for (let i = 0; i < nDel; i++) {
    const client = k.readId();
    // A replica named twice would have its ranges regrouped by the general path: not a keystroke.
    for (let j = 0; j < n; j++) if (rangeIds[j] === client) return false;
    const m = dec.readVarUint();
    if (m < 1 || n + m > MAX_RANGES) return false;
    let end = 0;
    for (let r = 0; r < m; r++) {
      const start = end + dec.readVarUint();
      const len = dec.readVarUint();
      if (len < 1 || start + len > MAX_CLOCK) return false;
      rangeIds[n] = client;
      spans[2 * n] = start;
      spans[2 * n + 1] = len;
      n++;
      end = start + len;
    }
  }
  k.nRanges = n;
  return dec.done;
}

/** Read one group holding one live run of a root text (tag 0, one info byte, no runs). */
function parseInsert(dec: Decoder, k: Keystroke): boolean {
  if (dec.readU8() !== 0 || dec.readU8() !== KIND_CODES.text) return false;
  k.insert = true;
  k.name = dec.readString();
  if (dec.readVarUint() !== 1) return false;
  const info = dec.readU8();
  const content = info & 3;
  // An explicit id (the first record of a group always has one).
  if (((info >> 2) & 3) !== 2) return false;
  if (content === C_LIVE1) k.len = 1;
  else if (content === C_LIVE) {
    k.len = dec.readVarUint();
    if (k.len < 1) return false; // 0: raw UTF-16 units follow
  } else return false;
  k.client = k.readId();
  k.clock = readClock(dec);
  if (k.clock + k.len > MAX_CLOCK) return false;
  k.olClient = NO_CLIENT;
  k.olClock = 0;
  k.orClient = NO_CLIENT;
  k.orClock = 0;
  const olMode = (info >> 4) & 3;
  if (olMode === 2) {
    if (k.clock === 0) return false;
    k.olClient = k.client;
    k.olClock = k.clock - 1;
  } else if (olMode !== 1 && (olMode !== 3 || !readOrigin(dec, k, true))) return false;
  const orMode = (info >> 6) & 3;
  if (orMode !== 1 && (orMode !== 2 || !readOrigin(dec, k, false))) return false;
  k.text = dec.readString();
  return k.text.length === k.len;
}

/**
 * Read an origin written as a reference (`writeRef`) into `k`; false for a hop to another record
 * of the group (a keystroke's group has one).
 */
function readOrigin(dec: Decoder, k: Keystroke, left: boolean): boolean {
  if (readRefInto(dec, k.client, k.clock, k.readId, k) >= 0) return false;
  if (left) {
    k.olClient = k.refClient;
    k.olClock = k.refClock;
  } else {
    k.orClient = k.refClient;
    k.orClock = k.refClock;
  }
  return true;
}

/** The item holding origin `(id, clock)` when it is a unit of `seq` this document holds; else null. */
function originItem(doc: Doc, seq: Sequence, id: number, clock: number): Item | null {
  const ci = doc.knownClientIndex(id);
  if (ci === undefined) return null;
  const s = doc.store.find(ci, clock);
  return s instanceof Item && Sequence.of(s) === seq ? s : null;
}

/**
 * Apply the keystroke read into `k` when its run is next in its replica's clocks, its origins are
 * units of the root text here, and every deleted id is held here once the run is in; false
 * (nothing changed) otherwise. Integrates the run, then deletes, as the general path does. Applied,
 * the keystroke is all its transaction changed, so `bytes` are its `'update'` event's bytes.
 */
function apply(doc: Doc, k: Keystroke, origin: unknown, bytes: Uint8Array): boolean {
  let seq: Sequence | null = null;
  let ol = NO_CLIENT;
  let or = NO_CLIENT;
  // The items holding the origins, looked up once (nothing changes before the integration).
  let left: Item | null = null;
  let right: Item | null = null;
  if (k.insert) {
    if (k.clock !== doc.knownState(k.client)) return false; // known, or a gap: the general path
    const last = doc.keystrokeText;
    const text = last !== null && last.rootName === k.name ? last : doc.findRoot('text', k.name);
    if (!(text instanceof Text)) return false;
    doc.keystrokeText = text;
    seq = text.seq;
    if (k.olClient !== NO_CLIENT) {
      left = originItem(doc, seq, k.olClient, k.olClock);
      if (left === null) return false;
      ol = left.client;
    }
    if (k.orClient !== NO_CLIENT) {
      right = originItem(doc, seq, k.orClient, k.orClock);
      if (right === null) return false;
      or = right.client;
    }
  }
  const { rangeIds, spans, nRanges } = k;
  for (let i = 0; i < nRanges; i++) {
    const client = rangeIds[i] as number;
    const known = k.insert && client === k.client ? k.clock + k.len : doc.knownState(client);
    if ((spans[2 * i] as number) + (spans[2 * i + 1] as number) > known) return false;
  }
  const opened = doc.begin(origin, false);
  try {
    if (seq !== null) {
      const ci = doc.clientIndex(k.client);
      doc.transaction.touchClient(ci, k.clock);
      seq.integrate(new Item(ci, k.clock, k.len, ol, k.olClock, or, k.orClock, k.text), left, right);
    }
    let named = 0;
    for (let i = 0; i < nRanges; i++) {
      const start = spans[2 * i] as number;
      const len = spans[2 * i + 1] as number;
      const ci = doc.clientIndex(rangeIds[i] as number);
      deleteRange(doc, ci, start, start + len);
      named += len;
    }
    // Set once all of it is in, and only if every id it names was deleted here now: the event
    // says what this keystroke changed.
    if (opened && doc.transaction.deletedUnits === named) doc.transaction.verbatim = bytes;
  } finally {
    if (opened) doc.commit();
  }
  return true;
}
