/**
 * @accord/core/testing: deterministic helpers for testing code built on Accord (a seeded
 * in-memory network that drops, duplicates, delays and reorders messages).
 * @packageDocumentation
 */
export { SeededRandom } from './prng.js';
export {
  type MessageHandler,
  type NetworkEndpoint,
  type NetworkEvent,
  type NetworkOptions,
  type NetworkStats,
  SeededNetwork,
} from './seeded-network.js';
