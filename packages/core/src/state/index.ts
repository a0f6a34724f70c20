/**
 * State-based (convergent) CRDTs: replicas exchange whole states and `merge` them. Every type
 * here has a canonical, bounded binary encoding and merges that are commutative, associative,
 * idempotent and inflationary.
 */
export { GCounter } from './g-counter.js';
export { GSet } from './g-set.js';
export { LWWMap } from './lww-map.js';
export type { LWWOptions } from './lww-order.js';
export { LWWRegister } from './lww-register.js';
export { MVRegister } from './mv-register.js';
export { ORMap } from './or-map.js';
export { ORSet } from './or-set.js';
export { PNCounter } from './pn-counter.js';
export { type StateCrdt, StateTag } from './state-crdt.js';
export { TwoPSet } from './two-p-set.js';
export {
  compareValueKeys,
  type JsonValue,
  jsonCodec,
  MAX_JSON_DEPTH,
  numberCodec,
  stringCodec,
  type ValueCodec,
  type ValueKey,
} from './value-codec.js';
