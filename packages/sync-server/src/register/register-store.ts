/**
 * Durable register state of one node, kept in its SQLite `meta` table (each write its own
 * fsynced transaction, whatever `--sync` says: a register write is acknowledged to the leader
 * only after it is on disk). Per document: an index of its keys, and one row per key holding its
 * {@link RegisterRecord}. Per node: the register promise, the highest term whose leader this node
 * answered (writes from older terms are refused: fencing).
 */
import type { SqliteStore } from '../storage/sqlite-store.js';
import type { RegisterEntry, RegisterRecord } from './register-state.js';
import { compareVersions } from './register-state.js';

const PROMISE_KEY = 'register-promise';
const indexKey = (docId: string) => `register-keys:${JSON.stringify(docId)}`;
const recordKey = (docId: string, key: string) => `register:${JSON.stringify([docId, key])}`;

function parseRecord(text: string | undefined): RegisterRecord | null {
  if (text === undefined) return null;
  const r = JSON.parse(text) as RegisterRecord;
  return typeof r === 'object' && r !== null && Number.isSafeInteger(r.term) && Array.isArray(r.ops)
    ? r
    : null;
}

/** The register rows of one node's store. */
export class RegisterStore {
  private promiseCache: number | null = null;

  /** `store`: the node's SQLite store (or anything with its durable `getMeta`/`setMeta`). */
  constructor(private readonly store: Pick<SqliteStore, 'getMeta' | 'setMeta'>) {}

  /** The highest term promised (0: none). */
  promise(): number {
    if (this.promiseCache === null) {
      const v = Number(this.store.getMeta(PROMISE_KEY) ?? '0');
      this.promiseCache = Number.isSafeInteger(v) && v >= 0 ? v : 0;
    }
    return this.promiseCache;
  }

  /** Raise the promise to `term` (durably); a lower or equal term changes nothing. */
  promiseTerm(term: number): void {
    if (term <= this.promise()) return;
    this.store.setMeta(PROMISE_KEY, String(term));
    this.promiseCache = term;
  }

  /** Every key of `docId` with its record. */
  load(docId: string): RegisterEntry[] {
    const keys = JSON.parse(this.store.getMeta(indexKey(docId)) ?? '[]') as string[];
    const out: RegisterEntry[] = [];
    for (const key of keys) {
      const record = parseRecord(this.store.getMeta(recordKey(docId, key)));
      if (record !== null) out.push({ key, record });
    }
    return out;
  }

  /**
   * Store `entries` durably, each only if its version is not older than the stored one (a
   * duplicated or reordered write never moves a key back). The key index is written first: a
   * crash in between leaves an indexed key without a record, read as absent.
   */
  put(docId: string, entries: readonly RegisterEntry[]): void {
    if (entries.length === 0) return;
    const keys = JSON.parse(this.store.getMeta(indexKey(docId)) ?? '[]') as string[];
    const known = new Set(keys);
    const added = entries.filter((e) => !known.has(e.key)).map((e) => e.key);
    if (added.length > 0) this.store.setMeta(indexKey(docId), JSON.stringify([...keys, ...new Set(added)]));
    for (const { key, record } of entries) {
      const cur = parseRecord(this.store.getMeta(recordKey(docId, key)));
      if (cur !== null && compareVersions(record, cur) < 0) continue;
      this.store.setMeta(recordKey(docId, key), JSON.stringify(record));
    }
  }
}
