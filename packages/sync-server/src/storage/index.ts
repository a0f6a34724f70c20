export type { BatchListener, Committer } from './committer.js';
export { GroupCommitter } from './group-commit.js';
export {
  type AppendEntry,
  type MetaEntry,
  SqliteStore,
  type SqliteStoreOptions,
  StoreClosedError,
  type StoredDocument,
  type SyncMode,
  type VersionToKeep,
} from './sqlite-store.js';
export { WorkerCommitter } from './worker-committer.js';
