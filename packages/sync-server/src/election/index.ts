export {
  DEFAULT_ELECTION_TIMEOUT_MAX_MS,
  DEFAULT_ELECTION_TIMEOUT_MIN_MS,
  DEFAULT_HEARTBEAT_MS,
  majorityOf,
  type ResolvedElection,
  resolveElectionConfig,
} from './config.js';
export { ElectionNode } from './election-node.js';
export {
  FAILOVER_SCENARIOS,
  type FailoverScenario,
  planScenario,
  type ScenarioPlan,
} from './failover-faults.js';
export {
  type FailoverSimulationOptions,
  type FailoverSimulationResult,
  quantile,
  type ScenarioResult,
  simulateFailover,
} from './failover-simulation.js';
export {
  type LeaderRecord,
  type SimNetwork,
  SimulatedCluster,
  type SimulatedClusterOptions,
} from './simulated-cluster.js';
export type * from './types.js';
export { isValidTerm, MAX_TERM } from './types.js';
