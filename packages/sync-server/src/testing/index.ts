/**
 * `@accord/sync-server/testing`: the election in a deterministic simulator, for tests and
 * benchmarks. `SimulatedCluster` runs `ElectionNode`s on a virtual clock and network (messages
 * delayed, dropped, partitioned; nodes paused and killed); `simulateFailover` kills the leader of
 * such a cluster under a mix of faults and measures how long until a new one leads. Nothing here
 * is needed to run a relay.
 * @packageDocumentation
 */
export {
  FAILOVER_SCENARIOS,
  type FailoverScenario,
  planScenario,
  type ScenarioPlan,
} from '../election/failover-faults.js';
export {
  type FailoverSimulationOptions,
  type FailoverSimulationResult,
  quantile,
  type ScenarioResult,
  simulateFailover,
} from '../election/failover-simulation.js';
export {
  type LeaderRecord,
  type SimNetwork,
  SimulatedCluster,
  type SimulatedClusterOptions,
} from '../election/simulated-cluster.js';
