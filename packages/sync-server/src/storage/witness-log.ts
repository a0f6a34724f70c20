/**
 * What a witness replica (`--witness`) does to its SQLite file beyond the update log it shares
 * with every node: drop a document's log entries once enough full replicas hold them, and say
 * how many bytes of documents it still keeps. It opens its own connection to the node's file
 * (WAL mode, like the commit worker's), so the store's statements stay as they are.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { LOG_SQL } from './log-schema.js';

/** Bytes a node keeps of documents: log entries, snapshots and versions (not metadata). */
export interface StoredBytes {
  /** Log entries (staged and folded) and their total bytes. */
  readonly updates: number;
  readonly updateBytes: number;
  /** Bytes of snapshots and of numbered versions. */
  readonly snapshotBytes: number;
  readonly versionBytes: number;
}

const BYTES_SQL = `SELECT
  (SELECT COUNT(*) FROM doc_updates) + (SELECT COUNT(*) FROM staged_updates) AS updates,
  COALESCE((SELECT SUM(length(data)) FROM doc_updates), 0)
    + COALESCE((SELECT SUM(length(data)) FROM staged_updates), 0) AS updateBytes,
  COALESCE((SELECT SUM(length(data)) FROM snapshots), 0) AS snapshotBytes,
  COALESCE((SELECT SUM(length(data)) FROM versions), 0) AS versionBytes`;

/** The bytes of documents stored in the SQLite file at `path` (a read; any node's file). */
export function storedBytesOf(db: Database.Database): StoredBytes {
  return db.prepare(BYTES_SQL).get() as StoredBytes;
}

/**
 * The stamp of each held update (see `CausalForwarding`), by log position: written once the
 * update itself is durable, dropped with it. An update without one (the witness stopped between
 * the two writes) was never acknowledged and is never handed over.
 */
const STAMPS_SCHEMA = `CREATE TABLE IF NOT EXISTS witness_stamps (
  doc TEXT NOT NULL,
  seq INTEGER NOT NULL,
  origin INTEGER NOT NULL,
  stamp BLOB NOT NULL,
  PRIMARY KEY (doc, seq)
) WITHOUT ROWID`;

const ENTRIES_SQL = `SELECT u.seq AS seq, u.data AS data, s.origin AS origin, s.stamp AS stamp
  FROM (SELECT seq, data FROM staged_updates WHERE doc = ? AND seq > ?
        UNION ALL SELECT seq, data FROM doc_updates WHERE doc = ? AND seq > ?) AS u
  LEFT JOIN witness_stamps AS s ON s.doc = ? AND s.seq = u.seq
  ORDER BY u.seq`;

/** A held update's stamp, to be saved by {@link WitnessLog.saveStamps}. */
export interface StampRow {
  readonly docId: string;
  /** The update's log position. */
  readonly seq: number;
  /** The full replica that forwarded it. */
  readonly origin: number;
  /** The encoded stamp. */
  readonly stamp: Uint8Array;
}

/** A held update with its stamp, as {@link WitnessLog.entries} reads it. */
export interface HeldEntry {
  readonly seq: number;
  readonly origin: number;
  readonly stamp: Uint8Array;
  readonly update: Uint8Array;
}

/** A witness's handle on its log. Synchronous (better-sqlite3); not shared between processes. */
export class WitnessLog {
  private readonly db: Database.Database;
  private readonly dropTx: (docId: string, upTo: number) => number;
  private closed = false;

  /** Open a second connection to the node's database file at `path` (the store created it). */
  constructor(private readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(STAMPS_SCHEMA);
    const folded = this.db.prepare(LOG_SQL.deleteFolded);
    const staged = this.db.prepare(LOG_SQL.deleteStaged);
    const stamps = this.db.prepare('DELETE FROM witness_stamps WHERE doc = ? AND seq <= ?');
    this.dropTx = this.db.transaction((docId: string, upTo: number) => {
      stamps.run(docId, upTo);
      return folded.run(docId, upTo).changes + staged.run(docId, upTo).changes;
    }).immediate;
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO witness_stamps (doc, seq, origin, stamp) VALUES (?, ?, ?, ?)',
    );
    this.saveTx = this.db.transaction((rows: readonly StampRow[]) => {
      for (const r of rows) insert.run(r.docId, r.seq, r.origin, r.stamp);
    }).immediate;
    this.entriesStmt = this.db.prepare(ENTRIES_SQL);
  }

  private readonly saveTx: (rows: readonly StampRow[]) => void;
  private readonly entriesStmt: Database.Statement;

  /** Save the stamps of updates already durable in the log, in one transaction. */
  saveStamps(rows: readonly StampRow[]): void {
    if (this.closed || rows.length === 0) return;
    this.saveTx(rows);
  }

  /**
   * The stamped updates of `docId` after log position `after`, in log order: at most
   * `maxEntries`, and no more than `maxBytes` of updates unless the first alone is larger.
   * `upTo`: the last log position read (0 when nothing was). An unstamped update is skipped (left
   * by a stop between the two writes: never acknowledged) unless `stopAtUnstamped` (a write of the
   * document is under way: its stamp may be about to be saved), which ends the read before it.
   */
  entries(
    docId: string,
    after: number,
    maxEntries: number,
    maxBytes: number,
    stopAtUnstamped = false,
  ): { entries: HeldEntry[]; upTo: number } {
    if (this.closed) return { entries: [], upTo: 0 };
    const entries: HeldEntry[] = [];
    let bytes = 0;
    let upTo = 0;
    for (const row of this.entriesStmt.iterate(docId, after, docId, after, docId) as IterableIterator<{
      seq: number;
      data: Buffer;
      origin: number | null;
      stamp: Buffer | null;
    }>) {
      if (row.origin === null || row.stamp === null) {
        if (stopAtUnstamped) break;
      } else {
        if (entries.length >= maxEntries || (entries.length > 0 && bytes + row.data.length > maxBytes)) break;
        bytes += row.data.length;
        entries.push({
          seq: row.seq,
          origin: row.origin,
          stamp: toBytes(row.stamp),
          update: toBytes(row.data),
        });
      }
      upTo = row.seq;
    }
    return { entries, upTo };
  }

  /**
   * Drop every log entry of `docId` at a position `<= upTo`, in one transaction; returns how many
   * were dropped. Entries appended later have higher positions and stay.
   */
  dropUpTo(docId: string, upTo: number): number {
    if (this.closed) return 0;
    return this.dropTx(docId, upTo);
  }

  /**
   * Give the file's free pages back to the file system when they are at least `minFreeBytes` and
   * at least half of the file (a `VACUUM`, then a WAL checkpoint that truncates): a witness's file
   * otherwise stays at the size of the most it ever held. Cheap only because what is left is small
   * (that is the condition); returns whether it ran. Blocks while the commit worker writes.
   */
  reclaim(minFreeBytes = 256 * 1024): boolean {
    if (this.closed) return false;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    if (free * pageSize < minFreeBytes || free * 2 < pages) return false;
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return true;
  }

  /** Bytes of the database file and its WAL on disk. */
  fileBytes(): number {
    const size = (p: string) => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
    return size(this.path) + size(`${this.path}-wal`);
  }

  /** What the file still keeps of documents. */
  storedBytes(): StoredBytes {
    if (this.closed) return { updates: 0, updateBytes: 0, snapshotBytes: 0, versionBytes: 0 };
    return storedBytesOf(this.db);
  }

  /** Close the connection. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

function toBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
