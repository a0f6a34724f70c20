export {
  DEFAULT_ELECTION_TIMEOUT_MAX_MS,
  DEFAULT_ELECTION_TIMEOUT_MIN_MS,
  DEFAULT_HEARTBEAT_MS,
  majorityOf,
  type ResolvedElection,
  resolveElectionConfig,
} from './config.js';
export { ElectionNode } from './election-node.js';
export type * from './types.js';
export { isValidTerm, MAX_TERM } from './types.js';
