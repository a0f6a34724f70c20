/**
 * @accord/core: clocks, causal delivery, state- and op-based CRDTs, the JSON document and its
 * binary sync. Pure algorithms: no I/O, no runtime dependencies; runs in Node and browsers.
 * @packageDocumentation
 */

export * from './causal/index.js';
export * from './clock/index.js';
export * from './doc/index.js';
export * from './encoding/index.js';
export * from './errors.js';
export * from './format/index.js';
export * from './op/index.js';
export * from './protocol/index.js';
export * from './sequence/index.js';
export * from './state/index.js';
export * from './sync/index.js';
export * from './time/index.js';
