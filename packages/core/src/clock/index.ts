/** Clocks: replica ids and dots, vector clocks, compact causal contexts, hybrid logical clocks. */

export { CausalContext } from './causal-context.js';
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
} from './dot.js';
export {
  compareTimestamps,
  decodeTimestamp,
  encodeTimestamp,
  HybridClock,
  type HybridClockOptions,
  type Timestamp,
  timestampFromBytes,
  timestampToBytes,
} from './hlc.js';
export { type ClockOrder, VectorClock } from './vector-clock.js';
