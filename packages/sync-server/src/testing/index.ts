/**
 * `@accord/sync-server/testing`: helpers for testing with and against Accord relays (Node only).
 * Nothing here is needed to run a relay.
 *
 * - The election in a deterministic simulator: `SimulatedCluster` runs election machines (any of
 *   `ELECTION_ALGORITHMS`) on a virtual clock and network (messages delayed, dropped, partitioned; nodes paused and killed);
 *   `simulateFailover` kills the leader of such a cluster under a mix of faults and measures how
 *   long until a new one leads.
 * - The one polling wait of the tests, `waitFor` (bounded, with a descriptive timeout error).
 * - The one launcher of real relay processes for tests, `RelayProcess` (the built `dist/main.js`
 *   on loopback, on ports from `freePorts`, stopped with real signals, its temporary data
 *   directory removed).
 * @packageDocumentation
 */
export {
  ELECTION_ALGORITHMS,
  type ElectionAlgorithmName,
  isElectionAlgorithm,
} from '../election/algorithm.js';
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
  type HealSimulationOptions,
  type HealSimulationResult,
  simulateHeal,
  unanimousLeader,
} from '../election/heal-simulation.js';
export {
  type LeaderRecord,
  type SimNetwork,
  SimulatedCluster,
  type SimulatedClusterOptions,
} from '../election/simulated-cluster.js';
export {
  canBind,
  freePort,
  freePorts,
  RELAY_MAIN,
  type RelayExit,
  RelayProcess,
  type RelayProcessOptions,
  relayBuilt,
} from './relay-process.js';
export { type WaitForOptions, WaitTimeoutError, waitFor } from './wait-for.js';
