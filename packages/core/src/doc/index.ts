/**
 * The JSON document: `Doc` and its containers (`Text`, `List`, `DocMap`, `Counter`), change
 * events, cursor anchors, undo and version diffs. Builds on the wire format (`format/`), the
 * sequence CRDT (`sequence/`) and the struct store (`store/`); imports nothing from `sync/`
 * (see ../README.md).
 */

export * from './anchor.js';
export { DocMap, List, type MapOptions } from './collections.js';
export {
  type ChangeEvent,
  type ChangeListener,
  Container,
  type DeepChangeListener,
  type DocCore,
  type SequenceChange,
} from './container.js';
export { Counter } from './counter.js';
export { Doc, type DocOptions, type UpdateListener } from './doc.js';
export type { HeldRange, HeldStruct, HeldStructs, WaitEntry, WaitIndex } from './pending.js';
export { Text } from './text.js';
export * from './undo-manager.js';
export { type DeltaOp, diffVersions, type KeyChange, restoreVersion, type VersionDiff } from './versions.js';
