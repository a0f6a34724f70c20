/**
 * @accord/core/testing: deterministic helpers for testing code built on Accord (a seeded
 * in-memory network that drops, duplicates, delays and reorders messages; a virtual-time
 * scheduler; one seeded PRNG; editing-trace positions in UTF-16 units).
 * @packageDocumentation
 */
export { ManualScheduler } from './manual-scheduler.js';
export { SeededRandom } from './prng.js';
export {
  type MessageHandler,
  type NetworkEndpoint,
  type NetworkEvent,
  type NetworkOptions,
  type NetworkStats,
  SeededNetwork,
} from './seeded-network.js';
export { type TracePatch, tracePatchesToUtf16 } from './trace-positions.js';
