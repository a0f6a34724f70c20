/**
 * Binary sync of a document: apply an update to a `Doc`, and encode what a `Doc` holds (the
 * full snapshot, or the diff a peer with a given state vector lacks). Builds on the wire format
 * (`format/`) and the document (`doc/`); neither imports from here (see ../README.md).
 */

export { applyUpdate } from './apply.js';
export { encodeStateVector, stateVectorOf } from './state-vector.js';
export { encodeStateAsUpdate } from './update.js';
