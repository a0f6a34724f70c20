/**
 * @accord/core/crdts: the standalone CRDTs, for applications that replicate their own state
 * rather than a document: state-based (G-, PN-counter; G-, 2P-, OR-set; LWW- and MV-register;
 * LWW- and OR-map) and op-based types with their replica, vector clocks, dots, causal contexts,
 * the hybrid logical clock, and the causal delivery buffer. Values are written by the value
 * codecs (`stringCodec`, `numberCodec`, `jsonCodec` or your own `ValueCodec`).
 * @packageDocumentation
 */

export {
  CausalBuffer,
  type CausalBufferOptions,
  type CausalMessage,
  type DotRange,
} from './causal/causal-buffer.js';
export { decodeCausalMessage, encodeCausalMessage } from './causal/causal-message.js';
export { CausalContext } from './clock/causal-context.js';
export {
  assertReplicaId,
  compareDots,
  createDot,
  type Dot,
  decodeDot,
  dotKey,
  dotsEqual,
  encodeDot,
  isReplicaId,
  type ReplicaId,
  randomReplicaId,
} from './clock/dot.js';
export {
  compareTimestamps,
  decodeTimestamp,
  encodeTimestamp,
  HybridClock,
  type HybridClockOptions,
  type Timestamp,
  timestampFromBytes,
  timestampToBytes,
} from './clock/hlc.js';
export { type ClockOrder, VectorClock } from './clock/vector-clock.js';
export { Decoder, decodeWith } from './encoding/decoder.js';
export { Encoder } from './encoding/encoder.js';
export { AccordError, type AccordErrorCode, DecodeError, type DecodeErrorCode } from './errors.js';
export { OpCounter, type OpCounterOp } from './op/op-counter.js';
export { type OpCrdt, OpTag, opFromBytes, opToBytes } from './op/op-crdt.js';
export { OpLWWRegister, type OpLWWSet } from './op/op-lww-register.js';
export { OpMVRegister, type OpMVSet } from './op/op-mv-register.js';
export { OpORSet, type OpORSetAdd, type OpORSetOp, type OpORSetRemove } from './op/op-or-set.js';
export { type OpOf, OpReplica, type OpReplicaOptions } from './op/op-replica.js';
export { GCounter } from './state/g-counter.js';
export { GSet } from './state/g-set.js';
export { LWWMap } from './state/lww-map.js';
export type { LWWOptions } from './state/lww-order.js';
export { LWWRegister } from './state/lww-register.js';
export { MVRegister } from './state/mv-register.js';
export { ORMap } from './state/or-map.js';
export { ORSet } from './state/or-set.js';
export { PNCounter } from './state/pn-counter.js';
export { type StateCrdt, StateTag } from './state/state-crdt.js';
export { TwoPSet } from './state/two-p-set.js';
export {
  compareValueKeys,
  type JsonValue,
  jsonCodec,
  MAX_JSON_DEPTH,
  numberCodec,
  stringCodec,
  type ValueCodec,
  type ValueKey,
} from './state/value-codec.js';
