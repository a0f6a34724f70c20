/**
 * The node's durable store: one SQLite file per node (WAL mode) holding every document's update
 * log, its latest snapshot, and a small key/value table for node metadata (election term and
 * vote, snapshot numbers). All methods are synchronous (better-sqlite3); callers that want group
 * commit go through {@link GroupCommitter}.
 *
 * Durability: with `synchronous=FULL` (the default) every committed transaction is fsynced to the
 * WAL before `commit` returns, so an acknowledged update survives a power loss or kernel panic.
 * With `NORMAL` the WAL is fsynced only at checkpoints: a killed process loses nothing (the
 * writes sit in the OS page cache), but a power loss can lose the transactions since the last
 * checkpoint, i.e. acknowledged updates.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_FOLD_ROWS, MIGRATE_ONE_TABLE_SQL, SCHEMA_SQL } from './log-schema.js';
import { prepareStoreStatements, type StoreStatements } from './store-statements.js';

/** A metadata key and the value to set it to. */
export interface MetaEntry {
  /** The key (as `setMeta` and `getMeta` name it). */
  readonly key: string;
  /** The value to store under it. */
  readonly value: string;
}

/** A numbered snapshot to keep as a version (see {@link SqliteStore.putVersion}). */
export interface VersionToKeep {
  /** The term of its number (1 on a node alone). */
  readonly term: number;
  /** Its place in the term's numbering. */
  readonly seq: number;
  /** When it was numbered (ms since the epoch). */
  readonly at: number;
  /** The state vector it covers. */
  readonly stateVector: Uint8Array;
  /** The snapshot update. */
  readonly data: Uint8Array;
}

/** `full`: fsync on every commit (survives power loss). `normal`: fsync at checkpoints (survives a killed process only). */
export type SyncMode = 'full' | 'normal';

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** Directory for the database file; created if missing. */
  readonly dir: string;
  /** Node id: the file is `node-<id>.sqlite`. */
  readonly nodeId: number;
  /** Durability of a commit; default `full`. */
  readonly sync?: SyncMode;
  /** Staged log rows that trigger a fold into the per-document table (`log-schema.ts`); default 2048. */
  readonly foldRows?: number;
}

/** A document's stored state: its latest snapshot (if any) and the log entries after it, in order. */
export interface StoredDocument {
  /** The snapshot update (a full-state update), or `null` when never compacted. */
  readonly snapshot: Uint8Array | null;
  /** Log position covered by the snapshot (0 when none). */
  readonly snapshotUpTo: number;
  /** Updates appended after the snapshot, in log order. */
  readonly updates: readonly Uint8Array[];
  /** Log position of the last update (or `snapshotUpTo` when there are none). */
  readonly lastSeq: number;
}

/** A numbered snapshot of a document as stored: one version of its history. */
export interface StoredVersionInfo {
  readonly term: number;
  readonly seq: number;
  /** When the leader numbered it (ms since the epoch, the leader's clock). */
  readonly at: number;
  /** Bytes of the snapshot update. */
  readonly size: number;
  /** Encoded state vector the snapshot covers. */
  readonly stateVector: Uint8Array;
}

/** One update to append. */
export interface AppendEntry {
  readonly docId: string;
  readonly update: Uint8Array;
}

/** Thrown when the store is used after {@link SqliteStore.close}. */
export class StoreClosedError extends Error {
  readonly code = 'store-closed';
  constructor() {
    super('the store is closed');
    this.name = 'StoreClosedError';
  }
}

/**
 * SQLite-backed update log and snapshot store. Not safe to share between processes (one file per
 * node); within a process every call is atomic.
 */
export class SqliteStore {
  /** Path of the database file. */
  readonly path: string;
  /** The durability mode in effect. */
  readonly sync: SyncMode;
  private readonly db: Database.Database;
  private closed = false;
  private readonly stmts: StoreStatements;
  private readonly appendTx: (entries: readonly AppendEntry[]) => number[];
  private readonly compactTx: (docId: string, snapshot: Uint8Array, upTo: number) => void;
  private readonly foldTx: () => void;
  private readonly loadTx: (docId: string) => StoredDocument;
  private readonly putVersionTx: (
    docId: string,
    v: VersionToKeep,
    keep: number,
    meta: MetaEntry | undefined,
  ) => void;

  private constructor(
    path: string,
    sync: SyncMode,
    /** Staged rows that trigger a fold. */
    readonly foldRows: number,
  ) {
    this.path = path;
    this.sync = sync;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = OFF');
    // The commit worker writes through its own connection: wait for its lock instead of failing.
    this.db.pragma('busy_timeout = 10000');
    this.db
      .transaction(() => {
        this.db.exec(SCHEMA_SQL);
        const oneTable = this.db.prepare(
          "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'updates'",
        );
        if (oneTable.get() !== undefined) this.db.exec(MIGRATE_ONE_TABLE_SQL);
      })
      .immediate();
    this.stmts = prepareStoreStatements(this.db);
    const s = this.stmts;
    // Write transactions take the write lock first (BEGIN IMMEDIATE, waiting under busy_timeout):
    // a deferred one that reads first is refused at once when the commit worker committed since.
    this.appendTx = this.db.transaction((entries: readonly AppendEntry[]) => {
      const seqs: number[] = [];
      for (const e of entries) {
        const r = s.append.run(e.docId, e.update);
        seqs.push(Number(r.lastInsertRowid));
      }
      return seqs;
    }).immediate;
    this.compactTx = this.db.transaction((docId: string, snapshot: Uint8Array, upTo: number) => {
      const cur = s.snapshotUpTo.get(docId) as { upto: number } | undefined;
      if (cur && cur.upto > upTo) return;
      s.upsertSnapshot.run(docId, snapshot, upTo);
      s.deleteFolded.run(docId, upTo);
      s.deleteStaged.run(docId, upTo);
    }).immediate;
    this.foldTx = this.db.transaction(() => {
      s.foldMove.run();
      s.foldClear.run();
    }).immediate;
    // One read transaction: the snapshot and the log entries after it come from the same state,
    // even when the commit worker compacts or folds this document in between.
    this.loadTx = this.db.transaction((docId: string) => this.readDocument(docId));
    this.putVersionTx = this.db.transaction(
      (docId: string, v: VersionToKeep, keep: number, meta: MetaEntry | undefined) => {
        if (meta !== undefined) s.setMeta.run(meta.key, meta.value);
        s.putVersion.run(docId, v.term, v.seq, v.at, v.stateVector, v.data);
        if (keep > 0) s.pruneVersions.run(docId, docId, keep);
      },
    ).immediate;
  }

  /** Open (or create) the node's database under `options.dir`. Throws if SQLite cannot open it. */
  static open(options: SqliteStoreOptions): SqliteStore {
    mkdirSync(options.dir, { recursive: true });
    return new SqliteStore(
      join(options.dir, `node-${options.nodeId}.sqlite`),
      options.sync ?? 'full',
      options.foldRows ?? DEFAULT_FOLD_ROWS,
    );
  }

  private check(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /**
   * Append updates in ONE transaction (one fsync under `full`) and return their log positions,
   * in order. When this returns, every entry is durable; when it throws, none is stored.
   */
  append(entries: readonly AppendEntry[]): number[] {
    this.check();
    if (entries.length === 0) return [];
    const seqs = this.appendTx(entries);
    try {
      this.foldIfDue(seqs[seqs.length - 1] as number);
    } catch {
      // The entries are committed; a failed fold is one rolled-back transaction, retried at the next append.
    }
    return seqs;
  }

  /**
   * Move the staged log rows into the per-document table when at least `foldRows` may be staged
   * (`lastSeq` is the newest position). The log's content does not change, only its layout.
   */
  private foldIfDue(lastSeq: number): void {
    if ((this.stmts.foldDue.get(lastSeq, this.foldRows) as { due: number | null }).due === 1) this.foldTx();
  }

  /**
   * Move every staged log row into the per-document table now (one transaction; the log's
   * content does not change). Staged rows have no index, so a run of many {@link load}s (a
   * catch-up walk over every document) does this first to make each load an index lookup.
   */
  fold(): void {
    this.check();
    this.foldTx();
  }

  /** The document's snapshot and the updates after it. An unknown document has neither. */
  load(docId: string): StoredDocument {
    this.check();
    return this.loadTx(docId);
  }

  private readDocument(docId: string): StoredDocument {
    const snap = this.stmts.getSnapshot.get(docId) as { data: Buffer; upto: number } | undefined;
    const rows = this.stmts.getUpdates.all(docId, docId) as { seq: number; data: Buffer }[];
    const snapshotUpTo = snap?.upto ?? 0;
    const updates: Uint8Array[] = [];
    let lastSeq = snapshotUpTo;
    for (const r of rows) {
      if (r.seq <= snapshotUpTo) continue;
      updates.push(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength));
      lastSeq = r.seq;
    }
    return {
      snapshot: snap ? new Uint8Array(snap.data.buffer, snap.data.byteOffset, snap.data.byteLength) : null,
      snapshotUpTo,
      updates,
      lastSeq,
    };
  }

  /**
   * Replace the document's snapshot with `snapshot`, which must contain every update at log
   * positions `<= upTo`, and drop those log entries, atomically. A snapshot older than the
   * stored one (smaller `upTo`) is ignored.
   */
  compact(docId: string, snapshot: Uint8Array, upTo: number): void {
    this.check();
    this.compactTx(docId, snapshot, upTo);
  }

  /** Log position of the document's last stored update (0 when it has none). */
  lastSeq(docId: string): number {
    this.check();
    return (this.stmts.lastSeq.get(docId, docId) as { seq: number | null }).seq ?? 0;
  }

  /** Number of log entries stored for the document after its snapshot. */
  logLength(docId: string): number {
    this.check();
    return (this.stmts.countUpdates.get(docId, docId) as { n: number }).n;
  }

  /** Ids of every stored document. */
  documents(): string[] {
    this.check();
    return (this.stmts.listDocs.all() as { doc: string }[]).map((r) => r.doc);
  }

  /**
   * Up to `limit` stored document ids after `after` (`''`: from the first), in SQLite's order
   * (bytewise UTF-8). Pages through any number of documents without holding all their ids:
   * each table is read through its primary key from `after` on.
   */
  documentsAfter(after: string, limit: number): string[] {
    this.check();
    const s = this.stmts;
    const lists = [s.snapshotDocsAfter, s.foldedDocsAfter, s.stagedDocsAfter].map((q) =>
      (q.all(after, limit) as { doc: string }[]).map((r) => r.doc),
    );
    const all = [...new Set(lists.flat())].map((doc) => ({ doc, key: Buffer.from(doc, 'utf8') }));
    all.sort((a, b) => Buffer.compare(a.key, b.key));
    return all.slice(0, limit).map((d) => d.doc);
  }

  /** A metadata value, or `undefined`. */
  getMeta(key: string): string | undefined {
    this.check();
    return (this.stmts.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  /**
   * Durably set a metadata value: its own transaction, fsynced before it returns whatever the
   * store's `sync` mode (votes, terms and snapshot promises must survive a power loss, or a node
   * could vote twice in one term; `sync` governs update commits only).
   */
  setMeta(key: string, value: string): void {
    this.check();
    this.durably(() => this.stmts.setMeta.run(key, value));
  }

  /** Run `write` (one transaction) fsynced at its commit whatever `sync` says. */
  private durably(write: () => void): void {
    if (this.sync === 'full') {
      write();
      return;
    }
    this.db.pragma('synchronous = FULL');
    try {
      write();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /**
   * Keep snapshot (`term`, `seq`) of `docId` as a version: its time, the state vector it covers
   * and its bytes; then drop the oldest versions of the document beyond the newest `keep`
   * (0: keep all). One transaction. Storing the same number again replaces it. With `meta`, that
   * metadata value is set in the same transaction, durably as {@link setMeta} sets it (a node's
   * snapshot number and the version it numbers are stored together or not at all).
   */
  putVersion(docId: string, v: VersionToKeep, keep: number, meta?: MetaEntry): void {
    this.check();
    if (meta === undefined) this.putVersionTx(docId, v, keep, meta);
    else this.durably(() => this.putVersionTx(docId, v, keep, meta));
  }

  /** The versions stored for `docId`, oldest first (without their bytes). */
  listVersions(docId: string): StoredVersionInfo[] {
    this.check();
    return (
      this.stmts.listVersions.all(docId) as {
        term: number;
        seq: number;
        at: number;
        size: number;
        state_vector: Buffer;
      }[]
    ).map((r) => ({
      term: r.term,
      seq: r.seq,
      at: r.at,
      size: r.size,
      stateVector: new Uint8Array(
        r.state_vector.buffer,
        r.state_vector.byteOffset,
        r.state_vector.byteLength,
      ),
    }));
  }

  /** The bytes and time of version (`term`, `seq`) of `docId`, or `null` when it is not stored. */
  getVersion(docId: string, term: number, seq: number): { at: number; data: Uint8Array } | null {
    this.check();
    const r = this.stmts.getVersion.get(docId, term, seq) as { at: number; data: Buffer } | undefined;
    return r === undefined
      ? null
      : { at: r.at, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength) };
  }

  /**
   * Run `fn` inside one transaction (for callers composing several writes atomically). Write
   * transactions here take the write lock first (BEGIN IMMEDIATE): one that read first would be
   * refused at once when the commit worker's connection committed in between.
   */
  transaction<T>(fn: () => T): T {
    this.check();
    return this.db.transaction(fn).immediate();
  }

  /** Checkpoint the WAL into the main file and close. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
