/**
 * The SQL of the update log, shared by the store's connection (`sqlite-store.ts`) and the commit
 * worker's (`worker-committer.ts`, which receives these strings as worker data).
 *
 * The log lives in two tables. A commit appends its rows to `staged_updates`, which has no
 * secondary index, so a commit writes one or two table pages to the WAL whatever documents its
 * rows belong to. Every {@link DEFAULT_FOLD_ROWS} rows the staged rows move, sorted, into
 * `doc_updates`, a table clustered by (document, position): each document's rows lie together
 * there, so a fold writes each document's last page once, and a compaction deletes a contiguous
 * range instead of rows scattered over the whole file. (With one table and an index on
 * (document, position), a commit spanning 40 documents rewrote about 40 index pages, and a
 * compaction touched a table page per deleted row; measured, commits plus compactions cost three
 * times the CPU of this layout.)
 *
 * Log positions come from `staged_updates`' AUTOINCREMENT, so they only grow, even when a fold
 * or a compaction empties the table. Every staged position is greater than every position in
 * `doc_updates` (a fold moves all staged rows), so the union of both, ordered by position, is the
 * log.
 */

/** Staged rows that trigger a fold into the clustered table. */
export const DEFAULT_FOLD_ROWS = 2048;

/** Creates the tables (idempotent). */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS staged_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_updates (
  doc TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (doc, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  doc TEXT PRIMARY KEY,
  data BLOB NOT NULL,
  upto INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions (
  doc TEXT NOT NULL,
  term INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  state_vector BLOB NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (doc, term, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Moves a log in the earlier one-table layout (`updates` with an index on (doc, seq)) into
 * `doc_updates` and carries its AUTOINCREMENT counter over, so positions keep growing. Run in one
 * transaction, only when the `updates` table exists.
 */
export const MIGRATE_ONE_TABLE_SQL = `
INSERT INTO doc_updates (doc, seq, data) SELECT doc, seq, data FROM updates;
DELETE FROM sqlite_sequence WHERE name = 'staged_updates';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'staged_updates', MAX(seq) FROM (
    SELECT seq FROM sqlite_sequence WHERE name = 'updates'
    UNION ALL SELECT MAX(seq) FROM updates
    UNION ALL SELECT 0
  );
DROP TABLE updates;
`;

/** The statements both connections run, by name. */
export const LOG_SQL = {
  append: 'INSERT INTO staged_updates (doc, data) VALUES (?, ?)',
  /**
   * `due` is 1 when a fold is due after appending up to position (first parameter), with a fold
   * every (second parameter) rows: the staged positions span at least that many (an upper bound
   * of the staged count, read from the primary key's ends). Null or 0 otherwise.
   */
  foldDue: 'SELECT ? - MIN(seq) + 1 >= ? AS due FROM staged_updates',
  foldMove:
    'INSERT INTO doc_updates (doc, seq, data) SELECT doc, seq, data FROM staged_updates ORDER BY doc, seq',
  foldClear: 'DELETE FROM staged_updates',
  snapshotUpTo: 'SELECT upto FROM snapshots WHERE doc = ?',
  upsertSnapshot:
    'INSERT INTO snapshots (doc, data, upto) VALUES (?, ?, ?) ON CONFLICT(doc) DO UPDATE SET data = excluded.data, upto = excluded.upto',
  deleteFolded: 'DELETE FROM doc_updates WHERE doc = ? AND seq <= ?',
  deleteStaged: 'DELETE FROM staged_updates WHERE doc = ? AND seq <= ?',
  putVersion:
    'INSERT OR REPLACE INTO versions (doc, term, seq, at, state_vector, data) VALUES (?, ?, ?, ?, ?, ?)',
  pruneVersions:
    'DELETE FROM versions WHERE doc = ? AND (term, seq) NOT IN (SELECT term, seq FROM versions WHERE doc = ? ORDER BY term DESC, seq DESC LIMIT ?)',
  setMeta:
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
} as const;

/** The SQL strings of {@link LOG_SQL}, as plain data for a worker thread. */
export type LogSql = typeof LOG_SQL;
