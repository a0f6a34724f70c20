export { applyUpdate } from './apply.js';
export { decodeUpdate, encodeUpdate } from './codec.js';
export { diffUpdate, mergeUpdates } from './merge.js';
export type { DecodedUpdate, UpdateRecord } from './records.js';
export { decodeStateVector, encodeStateVector, stateVectorOf } from './state-vector.js';
export { encodeStateAsUpdate } from './update.js';
