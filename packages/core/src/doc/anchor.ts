/**
 * Cursor anchors: a position in a text or list that stays attached to a character (or element)
 * across local and remote edits, for remote cursors (sent in presence messages) and for keeping
 * the local selection in place while remote edits land.
 *
 * An anchor names a unit by its id (replica id and clock), which never changes, so resolving it
 * is an id lookup in the struct store (binary search) plus the item's visible position from the
 * sequence index (leaf totals), never a scan of all items.
 */
import { Decoder } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { KIND_CODES, KINDS } from '../format/kinds.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { List } from './collections.js';
import { Container } from './container.js';
import type { Doc } from './doc.js';
import { MapEntry } from './structs.js';
import type { Text } from './text.js';
import { checkIndex } from './values.js';

/**
 * Which side of the anchor's character the anchor sits on.
 * - `'before'`: just before the unit at `index` (it follows that unit; text typed at the anchor's
 *   place lands before the anchor, which moves right, like a caret after typing). At
 *   `index === length` this is the end-of-sequence anchor.
 * - `'after'`: just after the unit at `index - 1` (text typed at the anchor's place lands after
 *   the anchor, which stays). At `index === 0` this is the start-of-sequence anchor.
 */
export type AnchorAssoc = 'before' | 'after';

/** The container an anchor belongs to: a root (kind and name) or a nested one (holder id). */
export type AnchorContainerRef =
  | { readonly root: string; readonly kind: 'text' | 'list' }
  | { readonly holderReplica: number; readonly holderClock: number };

/**
 * A position attached to a unit of a text or list. Immutable and portable: it holds replica ids
 * (not this document's internal client indexes), so any replica can resolve it.
 */
export interface Anchor {
  /** The text or list. */
  readonly container: AnchorContainerRef;
  /**
   * `'unit'`: attached to unit `(replica, clock)`; `'start'`/`'end'`: the sequence edges, which
   * always resolve to 0 and to the current length.
   */
  readonly kind: 'unit' | 'start' | 'end';
  /** Replica id of the unit's inserter (0 for edge anchors). */
  readonly replica: number;
  /** Clock of the unit (0 for edge anchors). */
  readonly clock: number;
  /** Side of the unit the anchor sits on (see {@link AnchorAssoc}). */
  readonly assoc: AnchorAssoc;
}

/** Largest encoded anchor accepted by {@link decodeAnchor} (a root name is at most this long). */
export const MAX_ANCHOR_BYTES = 4096;

const ANCHOR_VERSION = 1;

function containerRef(c: Text | List): AnchorContainerRef {
  if (c.rootName !== null) return { root: c.rootName, kind: c.kind as 'text' | 'list' };
  return { holderReplica: c.doc.clientIds[c.holderClient] as number, holderClock: c.holderClock };
}

/**
 * An anchor at `index` (0 <= index <= length) of `container`, on the `assoc` side of its unit
 * (default `'before'`: attached to the unit at `index`, as a caret moves with the text after it).
 * @throws {AccordError} `out-of-range` for a bad index, `invalid-argument` for a non-sequence.
 */
export function createAnchor(container: Text | List, index: number, assoc: AnchorAssoc = 'before'): Anchor {
  const seq = sequenceOf(container);
  index = checkIndex(index, 0, seq.length, 'index');
  const ref = containerRef(container);
  if (assoc === 'before' && index === seq.length) return edgeAnchor(ref, 'end');
  if (assoc === 'after' && index === 0) return edgeAnchor(ref, 'start');
  const item = seq.index.find(assoc === 'before' ? index : index - 1);
  const replica = container.doc.clientIds[item.client] as number;
  return { container: ref, kind: 'unit', replica, clock: item.clock + seq.index.fOffset, assoc };
}

/** The anchor that always resolves to the start (`'start'`) or the end (`'end'`) of `container`. */
export function createEdgeAnchor(container: Text | List, edge: 'start' | 'end'): Anchor {
  sequenceOf(container);
  return edgeAnchor(containerRef(container), edge);
}

function edgeAnchor(container: AnchorContainerRef, edge: 'start' | 'end'): Anchor {
  return { container, kind: edge, replica: 0, clock: 0, assoc: edge === 'start' ? 'after' : 'before' };
}

function sequenceOf(c: Text | List): Sequence {
  const seq = (c as { seq?: unknown }).seq;
  if (!(seq instanceof Sequence)) throw new AccordError('invalid-argument', 'anchors need a text or a list');
  return seq;
}

/**
 * The current index of `anchor` in `container`, or null when it cannot be resolved here: it
 * belongs to another container, its unit has not arrived yet, or its container was deleted.
 * A deleted unit resolves to where it was: the position just after its previous live neighbour,
 * which is also the position of its next live neighbour (for either `assoc`). Concurrent remote
 * edits before the unit shift the result; edits after it do not.
 */
export function resolveAnchor(container: Text | List, anchor: Anchor): number | null {
  const seq = sequenceOf(container);
  if (!sameContainer(containerRef(container), anchor.container)) return null;
  if (!container.alive) return null;
  if (anchor.kind === 'start') return 0;
  if (anchor.kind === 'end') return seq.length;
  const doc = container.doc;
  const ci = doc.knownClientIndex(anchor.replica);
  if (ci === undefined || anchor.clock >= doc.store.getState(ci)) return null;
  const s = doc.store.find(ci, anchor.clock);
  if (!(s instanceof Item) || s.leaf === null || Sequence.of(s) !== seq) return null;
  const base = seq.index.visibleIndexOf(s);
  if (s.deleted) return base;
  return base + (anchor.clock - s.clock) + (anchor.assoc === 'after' ? 1 : 0);
}

/**
 * Resolve `anchor` in `doc` without knowing its container: the live text or list it belongs to
 * and the index there, or null (see {@link resolveAnchor}). Does not create missing roots.
 */
export function resolveAnchorInDoc(
  doc: Doc,
  anchor: Anchor,
): { container: Text | List; index: number } | null {
  const container = findAnchorContainer(doc, anchor.container);
  if (container === null) return null;
  const index = resolveAnchor(container, anchor);
  return index === null ? null : { container, index };
}

function findAnchorContainer(doc: Doc, ref: AnchorContainerRef): Text | List | null {
  let c: unknown;
  if ('root' in ref) c = doc.findRoot(ref.kind, ref.root);
  else {
    const ci = doc.knownClientIndex(ref.holderReplica);
    if (ci === undefined) return null;
    const s = doc.store.find(ci, ref.holderClock);
    if (s instanceof MapEntry) c = s.value;
    else if (s instanceof Item && Array.isArray(s.content)) c = s.content[ref.holderClock - s.clock];
  }
  if (!(c instanceof Container) || (c.kind !== 'text' && c.kind !== 'list')) return null;
  return c as Text | List;
}

function sameContainer(a: AnchorContainerRef, b: AnchorContainerRef): boolean {
  if ('root' in a) return 'root' in b && a.root === b.root && a.kind === b.kind;
  return !('root' in b) && a.holderReplica === b.holderReplica && a.holderClock === b.holderClock;
}

/** True when `a` and `b` denote the same anchor (same container, unit or edge, and side). */
export function anchorsEqual(a: Anchor, b: Anchor): boolean {
  return (
    sameContainer(a.container, b.container) &&
    a.kind === b.kind &&
    a.replica === b.replica &&
    a.clock === b.clock &&
    a.assoc === b.assoc
  );
}

/**
 * Order two anchors of `container` by their current positions: negative when `a` comes first,
 * 0 at the same index, positive after.
 * @throws {AccordError} `invalid-argument` when either anchor does not resolve in `container`.
 */
export function compareAnchors(container: Text | List, a: Anchor, b: Anchor): number {
  const ia = resolveAnchor(container, a);
  const ib = resolveAnchor(container, b);
  if (ia === null || ib === null) throw new AccordError('invalid-argument', 'anchor does not resolve here');
  return ia - ib;
}

/**
 * The anchor as bytes (a few bytes plus the root name): version, flags (kind and side), the
 * container, and the unit id as varints.
 */
export function encodeAnchor(anchor: Anchor): Uint8Array {
  const enc = new Encoder(16);
  enc.writeU8(ANCHOR_VERSION);
  const kind = anchor.kind === 'unit' ? 0 : anchor.kind === 'start' ? 1 : 2;
  const ref = anchor.container;
  const nested = 'root' in ref ? 0 : 1;
  enc.writeU8(kind | ((anchor.assoc === 'after' ? 1 : 0) << 2) | (nested << 3));
  if ('root' in ref) {
    enc.writeU8(KIND_CODES[ref.kind]);
    enc.writeString(ref.root);
  } else {
    enc.writeVarUint(ref.holderReplica);
    enc.writeVarUint(ref.holderClock);
  }
  if (anchor.kind === 'unit') {
    enc.writeVarUint(anchor.replica);
    enc.writeVarUint(anchor.clock);
  }
  return enc.toBytes();
}

/**
 * Read an anchor written by {@link encodeAnchor}. Bounded: at most {@link MAX_ANCHOR_BYTES}.
 * @throws {DecodeError} for anything malformed (and nothing else).
 */
export function decodeAnchor(bytes: Uint8Array): Anchor {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('invalid', 'anchor is not a Uint8Array');
  if (bytes.length > MAX_ANCHOR_BYTES) throw new DecodeError('too-large', 'anchor too large');
  const dec = new Decoder(bytes);
  const version = dec.readU8();
  if (version !== ANCHOR_VERSION) throw new DecodeError('bad-version', `unknown anchor version ${version}`);
  const flags = dec.readU8();
  const kindCode = flags & 3;
  if (flags > 15 || kindCode === 3) throw new DecodeError('bad-tag', `bad anchor flags ${flags}`);
  const assoc: AnchorAssoc = flags & 4 ? 'after' : 'before';
  let container: AnchorContainerRef;
  if (flags & 8) {
    container = { holderReplica: dec.readVarUint(), holderClock: dec.readVarUint() };
  } else {
    const k = KINDS[dec.readU8()];
    if (k !== 'text' && k !== 'list') throw new DecodeError('bad-tag', 'anchor container is not a sequence');
    container = { root: dec.readString(), kind: k };
  }
  let anchor: Anchor;
  if (kindCode === 0) {
    const replica = dec.readVarUint();
    anchor = { container, kind: 'unit', replica, clock: dec.readVarUint(), assoc };
  } else {
    const edge = kindCode === 1 ? 'start' : 'end';
    if (assoc !== (edge === 'start' ? 'after' : 'before'))
      throw new DecodeError('invalid', 'bad edge anchor side');
    anchor = edgeAnchor(container, edge);
  }
  dec.expectEnd();
  return anchor;
}
