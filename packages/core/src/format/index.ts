/**
 * The wire format of document updates, on bytes alone: the binary codec of updates
 * (`encodeUpdate`/`decodeUpdate`) and of state vectors, the decoded records, and the operations
 * relays and storage run without a document (merge, diff, split, coverage). This layer imports
 * nothing from `doc/` or `sync/` (see ../README.md).
 */

export { addsToCoverage, coverageOf, type UpdateCoverage } from './coverage.js';
export type { ContainerKind } from './kinds.js';
export { diffUpdate, mergeUpdates } from './merge.js';
export {
  ContainerValue,
  type CounterRecord,
  type DecodedUpdate,
  type GcRecord,
  type MapRecord,
  type ParentRef,
  type SeqRecord,
  type UpdateRecord,
} from './records.js';
export { MIN_SPLIT_BYTES, splitUpdate } from './split.js';
export { decodeStateVector, encodeStateVectorMap } from './state-vector.js';
export { decodeUpdate, encodeUpdate } from './update-codec.js';
