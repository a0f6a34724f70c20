export { applyUpdate } from './apply.js';
export { addsToCoverage, coverageOf, type UpdateCoverage } from './coverage.js';
export { diffUpdate, mergeUpdates } from './merge.js';
export type { HeldRange, HeldStruct, HeldStructs, WaitEntry, WaitIndex } from './pending.js';
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
export { decodeStateVector, encodeStateVector, encodeStateVectorMap, stateVectorOf } from './state-vector.js';
export { encodeStateAsUpdate } from './update.js';
export { decodeUpdate, encodeUpdate } from './update-codec.js';
