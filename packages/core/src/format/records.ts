/**
 * The decoded form of an update: structs with real replica ids, grouped by the container they
 * belong to, plus a delete set. Encoders produce it from a document; decoders produce it from
 * bytes; `applyUpdate`, `mergeUpdates` and `diffUpdate` work on it.
 */
import type { ContainerKind } from './kinds.js';

/** "No origin" in a record. */
export const NONE = -1;

/** Where a struct lives: a root container (by name and kind) or a nested one (by holder id). */
export interface ParentRef {
  /** Root name, or null for a nested container. */
  name: string | null;
  /** Root kind (ignored for nested containers). */
  kind: ContainerKind;
  /** Holder id of a nested container. */
  client: number;
  clock: number;
}

/**
 * A new empty container stored as a list element or map value; `concurrent` marks a map that
 * keeps concurrent values (`MapOptions`).
 */
export class ContainerValue {
  constructor(
    readonly kind: ContainerKind,
    readonly concurrent = false,
  ) {}
}

/** A run of sequence units (text or list elements); `content` null for a deleted run. */
export interface SeqRecord {
  t: 0;
  client: number;
  clock: number;
  len: number;
  parent: ParentRef;
  olClient: number;
  olClock: number;
  orClient: number;
  orClock: number;
  content: string | unknown[] | null;
}

/**
 * A map write. `value` is `undefined` for a tombstone: the deleted top entry of its key in a
 * last-writer-wins map, which travels with its key and timestamp (no value) so that a concurrent
 * write it beats is dropped on every replica.
 */
export interface MapRecord {
  t: 1;
  client: number;
  clock: number;
  len: 1;
  parent: ParentRef;
  key: string;
  wall: number;
  logical: number;
  value: unknown;
}

/** A counter increment. */
export interface CounterRecord {
  t: 2;
  client: number;
  clock: number;
  len: 1;
  parent: ParentRef;
  delta: number;
}

/** Collected ids (content gone for good). */
export interface GcRecord {
  t: 3;
  client: number;
  clock: number;
  len: number;
}

/**
 * A formatting mark on a text (`doc/marks.ts`): attribute `key` set to `value` (`null`: removed)
 * between two anchors. An anchor is a unit of the text, `(client, clock)` with the side it sits
 * on (`after` true: after the unit), or an edge: client {@link NONE}, `after` true for the start
 * of the text, false for its end.
 */
export interface MarkRecord {
  t: 4;
  client: number;
  clock: number;
  len: 1;
  parent: ParentRef;
  sClient: number;
  sClock: number;
  sAfter: boolean;
  eClient: number;
  eClock: number;
  eAfter: boolean;
  key: string;
  wall: number;
  logical: number;
  value: unknown;
}

/** Any struct of an update. */
export type UpdateRecord = SeqRecord | MapRecord | CounterRecord | GcRecord | MarkRecord;

/** A decoded update: structs and deleted ranges (`client -> [start, len, ...]`). */
export interface DecodedUpdate {
  records: UpdateRecord[];
  deletes: Map<number, number[]>;
  /**
   * True for a full snapshot whose groups list each container's runs in document order (it can
   * be loaded into an empty document without integration).
   */
  snapshot?: boolean;
}

/** A string key identifying the parent container. */
export function parentKey(p: ParentRef): string {
  return p.name !== null ? `r${p.kind}:${p.name}` : `n${p.client}:${p.clock}`;
}

/** The part of `r` from clock `from` on (r.clock < from < r.clock + r.len). */
export function sliceRecord(r: UpdateRecord, from: number): UpdateRecord {
  const off = from - r.clock;
  if (r.t === 3) return { t: 3, client: r.client, clock: from, len: r.len - off };
  if (r.t === 0) {
    return {
      t: 0,
      client: r.client,
      clock: from,
      len: r.len - off,
      parent: r.parent,
      olClient: r.client,
      olClock: from - 1,
      orClient: r.orClient,
      orClock: r.orClock,
      content: r.content === null ? null : r.content.slice(off),
    };
  }
  return r;
}

/** The part of `r` before clock `to` (r.clock < to < r.clock + r.len). */
export function truncateRecord(r: UpdateRecord, to: number): UpdateRecord {
  const n = to - r.clock;
  if (r.t === 3) return { t: 3, client: r.client, clock: r.clock, len: n };
  if (r.t === 0) return { ...r, len: n, content: r.content === null ? null : r.content.slice(0, n) };
  return r;
}
