/**
 * The statements of the store's own connection (`sqlite-store.ts`): the log statements it shares
 * with the commit worker (`log-schema.ts`: the log, versions and metadata writes), prepared, plus
 * the reads only this connection runs.
 */
import type Database from 'better-sqlite3';
import { LOG_SQL } from './log-schema.js';

/**
 * The store's prepared statements, by name: the shared log statements ({@link LOG_SQL}) and the
 * ones only this connection runs (named so that the declaration emit can name the return type of
 * {@link prepareStoreStatements}).
 * @internal
 */
export type StoreStatements = {
  [K in
    | keyof typeof LOG_SQL
    | 'getUpdates'
    | 'countUpdates'
    | 'lastSeq'
    | 'getSnapshot'
    | 'listDocs'
    | 'snapshotDocsAfter'
    | 'foldedDocsAfter'
    | 'stagedDocsAfter'
    | 'listVersions'
    | 'getVersion'
    | 'getMeta']: Database.Statement;
};

/**
 * Prepares the store's statements: the shared log statements plus the reads only this connection runs.
 * @internal
 */
export function prepareStoreStatements(db: Database.Database): StoreStatements {
  const shared = Object.fromEntries(Object.entries(LOG_SQL).map(([k, sql]) => [k, db.prepare(sql)])) as {
    [K in keyof typeof LOG_SQL]: Database.Statement;
  };
  return {
    ...shared,
    // Staged positions are all greater than folded ones, so the union in this order is the log.
    getUpdates: db.prepare(
      'SELECT seq, data FROM doc_updates WHERE doc = ? UNION ALL SELECT seq, data FROM staged_updates WHERE doc = ? ORDER BY seq',
    ),
    countUpdates: db.prepare(
      'SELECT (SELECT COUNT(*) FROM doc_updates WHERE doc = ?) + (SELECT COUNT(*) FROM staged_updates WHERE doc = ?) AS n',
    ),
    lastSeq: db.prepare(
      'SELECT COALESCE((SELECT MAX(seq) FROM staged_updates WHERE doc = ?), (SELECT MAX(seq) FROM doc_updates WHERE doc = ?)) AS seq',
    ),
    getSnapshot: db.prepare('SELECT data, upto FROM snapshots WHERE doc = ?'),
    listDocs: db.prepare(
      'SELECT doc FROM snapshots UNION SELECT doc FROM doc_updates UNION SELECT doc FROM staged_updates',
    ),
    snapshotDocsAfter: db.prepare('SELECT doc FROM snapshots WHERE doc > ? ORDER BY doc LIMIT ?'),
    foldedDocsAfter: db.prepare('SELECT DISTINCT doc FROM doc_updates WHERE doc > ? ORDER BY doc LIMIT ?'),
    stagedDocsAfter: db.prepare('SELECT DISTINCT doc FROM staged_updates WHERE doc > ? ORDER BY doc LIMIT ?'),
    listVersions: db.prepare(
      'SELECT term, seq, at, length(data) AS size, state_vector FROM versions WHERE doc = ? ORDER BY term, seq',
    ),
    getVersion: db.prepare('SELECT at, data FROM versions WHERE doc = ? AND term = ? AND seq = ?'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
  };
}
