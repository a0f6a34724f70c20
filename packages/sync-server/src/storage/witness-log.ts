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

/** A witness's handle on its log. Synchronous (better-sqlite3); not shared between processes. */
export class WitnessLog {
  private readonly db: Database.Database;
  private readonly dropTx: (docId: string, upTo: number) => number;
  private closed = false;

  /** Open a second connection to the node's database file at `path` (the store created it). */
  constructor(private readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 10000');
    const folded = this.db.prepare(LOG_SQL.deleteFolded);
    const staged = this.db.prepare(LOG_SQL.deleteStaged);
    this.dropTx = this.db.transaction(
      (docId: string, upTo: number) => folded.run(docId, upTo).changes + staged.run(docId, upTo).changes,
    );
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
