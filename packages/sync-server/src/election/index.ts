export {
  DEFAULT_ELECTION_ALGORITHM,
  ELECTION_ALGORITHMS,
  type ElectionAlgorithm,
  type ElectionAlgorithmName,
  isElectionAlgorithm,
} from './algorithm.js';
export {
  DEFAULT_ELECTION_TIMEOUT_MAX_MS,
  DEFAULT_ELECTION_TIMEOUT_MIN_MS,
  DEFAULT_HEARTBEAT_MS,
  majorityOf,
  type ResolvedElection,
  resolveElectionConfig,
} from './config.js';
export { createElection } from './create-election.js';
export { ElectionNode } from './election-node.js';
export {
  DEFAULT_LEASE_DRIFT,
  DEFAULT_LEASE_IDLE_MS,
  DEFAULT_LEASE_MARGIN_MS,
  type LeaseTiming,
  leaseDurationMs,
} from './read-lease.js';
export type * from './types.js';
export { isValidTerm, MAX_TERM } from './types.js';
