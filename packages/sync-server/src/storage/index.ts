export { type BatchListener, GroupCommitter } from './group-commit.js';
export {
  type AppendEntry,
  SqliteStore,
  type SqliteStoreOptions,
  StoreClosedError,
  type StoredDocument,
  type SyncMode,
} from './sqlite-store.js';
