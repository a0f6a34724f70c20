/**
 * @accord/core: the JSON document (maps, lists, text, counters) with binary updates, state-vector
 * sync, snapshots, events, undo, cursor anchors and version diffs. Pure algorithms: no I/O, no
 * runtime dependencies; runs in Node and browsers.
 *
 * Other entry points: `@accord/core/crdts` (the standalone state- and op-based CRDTs, clocks,
 * causal delivery), `@accord/core/protocol` (the client–relay wire protocol and the update
 * format on bytes, for relay authors), `@accord/core/testing` (deterministic schedulers,
 * networks and randomness for tests).
 * @packageDocumentation
 */

// Documents and their containers.
export {
  type Anchor,
  type AnchorAssoc,
  type AnchorContainerRef,
  anchorsEqual,
  compareAnchors,
  createAnchor,
  createEdgeAnchor,
  decodeAnchor,
  encodeAnchor,
  MAX_ANCHOR_BYTES,
  resolveAnchor,
  resolveAnchorInDoc,
} from './doc/anchor.js';
export { Blocks, type BlocksChangeEvent, type BlocksListener } from './doc/blocks.js';
export {
  applyBlocksDelta,
  type BlockInfo,
  type BlockJSON,
  type BlockSpec,
  type BlocksDelete,
  type BlocksDelta,
  type BlocksDeltaOp,
  type BlocksInsertBlock,
  type BlocksInsertText,
  type BlocksRetain,
  type BlocksRetainBlock,
  diffBlocks,
} from './doc/blocks-delta.js';
export { DocMap, List, type MapOptions } from './doc/collections.js';
export {
  type ChangeEvent,
  type ChangeListener,
  Container,
  type DeepChangeListener,
  type SequenceChange,
} from './doc/container.js';
export { Counter } from './doc/counter.js';
export { Doc, type DocOptions, type UpdateListener } from './doc/doc.js';
export { markExpands } from './doc/marks.js';
export { SequenceContainer } from './doc/sequence-container.js';
export { Text } from './doc/text.js';
export type {
  Attributes,
  AttributesPatch,
  TextDelta,
  TextDeltaDelete,
  TextDeltaInsert,
  TextDeltaOp,
  TextDeltaRetain,
} from './doc/text-delta.js';
export {
  UndoManager,
  type UndoManagerOptions,
  type UndoStackEvent,
  type UndoStackListener,
  type UndoStackReason,
  UndoStep,
} from './doc/undo-manager.js';
export {
  type DeltaOp,
  diffVersions,
  type KeyChange,
  restoreVersion,
  type VersionDiff,
} from './doc/versions.js';
export { AccordError, type AccordErrorCode, DecodeError, type DecodeErrorCode } from './errors.js';
export type { ContainerKind } from './format/kinds.js';
// Updates: applying, encoding, and working on their bytes without a document.
export { diffUpdate, mergeUpdates } from './format/merge.js';
export { MIN_SPLIT_BYTES, splitUpdate } from './format/split.js';
export { decodeStateVector } from './format/state-vector.js';
export { applyUpdate } from './sync/apply.js';
export { encodeStateVector, stateVectorOf } from './sync/state-vector.js';
export { encodeStateAsUpdate } from './sync/update.js';
// Time, injected wherever timers run.
export {
  type Clock,
  RealScheduler,
  type RealSchedulerOptions,
  type Scheduler,
  type TimerHandle,
  type TimerOptions,
} from './time/scheduler.js';
