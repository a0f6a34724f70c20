/**
 * The compare-and-set register of a document, as pure data and functions (no I/O, no clock).
 * Each key holds a {@link RegisterRecord}: its value, the version (term, seq) of the write that
 * set it, and the operation ids of the latest successful compare-and-sets that set it (so a
 * client retrying an operation after a failover gets its first outcome instead of applying it
 * twice). Versions order records across leaders: a new leader adopts, per key, the record with
 * the highest version among a majority, and rewrites it under its own term.
 */
import type { RegisterValue } from '@accord/core/protocol';

/** Keys one document's register may hold; a `cas` creating one more is refused. */
export const MAX_REGISTER_KEYS = 64;
/** Operation ids remembered per key for deduplication of retries (the latest ones). */
export const MAX_REMEMBERED_OPS = 16;

/** A write's version: the leader's term, then a sequence number within that term. */
export interface RegisterVersion {
  readonly term: number;
  readonly seq: number;
}

/** One key's replicated state. */
export interface RegisterRecord extends RegisterVersion {
  readonly value: RegisterValue;
  /** Ids of the latest successful operations on the key (oldest first), at most {@link MAX_REMEMBERED_OPS}. */
  readonly ops: readonly string[];
}

/** A key and its record, as replicated. */
export interface RegisterEntry {
  readonly key: string;
  readonly record: RegisterRecord;
}

/** A compare-and-set request. */
export interface CasRequest {
  readonly opId: string;
  readonly key: string;
  readonly expected: RegisterValue;
  readonly next: RegisterValue;
}

/** What a compare-and-set found. */
export interface CasDecision {
  /**
   * Whether the value was `expected` (now `next`), or the op had already succeeded (a retry: then
   * `value` is its `next`, the answer it got then, whatever the key holds now).
   */
  readonly ok: boolean;
  /** The value after the operation. */
  readonly value: RegisterValue;
  /** The record to replicate when the op changes state; `null` for a read (failed or retried op). */
  readonly write: RegisterRecord | null;
  /** True when the key is new and the document already has {@link MAX_REGISTER_KEYS} keys. */
  readonly refused: boolean;
}

/** Compare two versions: negative, zero or positive. */
export function compareVersions(a: RegisterVersion, b: RegisterVersion): number {
  return a.term - b.term || a.seq - b.seq;
}

/**
 * Decide `req` against the current records of a document. A retried op (its id remembered on the
 * key) answers its first outcome; a matching value yields a new record at `version`; otherwise
 * it is a read of the current value. Pure: `records` is not changed.
 */
export function decideCas(
  records: ReadonlyMap<string, RegisterRecord>,
  req: CasRequest,
  version: RegisterVersion,
): CasDecision {
  const cur = records.get(req.key);
  const value = cur?.value ?? null;
  // A retry of an op that already succeeded: its outcome was `{ ok: true, value: next }`.
  if (cur?.ops.includes(req.opId)) return { ok: true, value: req.next, write: null, refused: false };
  if (value !== req.expected) return { ok: false, value, write: null, refused: false };
  if (cur === undefined && records.size >= MAX_REGISTER_KEYS)
    return { ok: false, value, write: null, refused: true };
  const ops = [...(cur?.ops ?? []), req.opId].slice(-MAX_REMEMBERED_OPS);
  return {
    ok: true,
    value: req.next,
    write: { value: req.next, term: version.term, seq: version.seq, ops },
    refused: false,
  };
}

/**
 * Merge what a majority answered: per key, the record with the highest version. Used by a new
 * leader before it serves anything; keys beyond {@link MAX_REGISTER_KEYS} (only a corrupt peer
 * sends them) are dropped, lowest version first.
 */
export function adoptHighest(answers: readonly (readonly RegisterEntry[])[]): Map<string, RegisterRecord> {
  const out = new Map<string, RegisterRecord>();
  for (const entries of answers)
    for (const { key, record } of entries) {
      const cur = out.get(key);
      if (cur === undefined || compareVersions(record, cur) > 0) out.set(key, record);
    }
  if (out.size <= MAX_REGISTER_KEYS) return out;
  const kept = [...out].sort(([, a], [, b]) => compareVersions(b, a)).slice(0, MAX_REGISTER_KEYS);
  return new Map(kept);
}

/** The highest sequence number of `term` among `records` (0: none). */
export function highestSeqOf(records: ReadonlyMap<string, RegisterRecord>, term: number): number {
  let seq = 0;
  for (const r of records.values()) if (r.term === term && r.seq > seq) seq = r.seq;
  return seq;
}
