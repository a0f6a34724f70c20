/**
 * The seam between an election algorithm and its hosts (the relay's `ClusterReplicator` and the
 * `SimulatedCluster`): every algorithm is a pure state machine with the same methods, created by
 * name. All of them keep the same safety rules: terms, one persisted vote per term, a majority of
 * all N before leading, check-quorum, and fencing of older terms; they differ in who stands and
 * how many messages an election costs. The factory is `createElection` (`create-election.ts`).
 */
import type { ResolvedElection } from './config.js';
import type { ElectionMessage, ElectionOutput, ElectionStatus, ElectionTimer, NodeId } from './types.js';

/** One node's election state machine, whatever the algorithm. Every method is synchronous. */
export interface ElectionAlgorithm {
  /** The resolved configuration. */
  readonly config: ResolvedElection;
  /** Current role, term, vote, known leader and successor list. */
  status(): ElectionStatus;
  /** True when this node leads and heard from a majority within its lease at `now`. */
  hasQuorumLease(now: number): boolean;
  /**
   * A register read is being served at `now`: a leader asks for promises with its heartbeats for
   * the next `leaseIdleMs` (see `read-lease.ts`). Changes nothing else; no-op on a follower.
   */
  wantReadLease(now: number): void;
  /**
   * True when this node leads and holds a read lease at `now`: no node can lead a newer term
   * before the lease ends, so a register read may be answered without a round.
   */
  holdsReadLease(now: number): boolean;
  /** Begin (arm the first timers). */
  start(now: number): ElectionOutput;
  /** Handle a timer the host set earlier; stale fires are ignored. */
  fire(timer: ElectionTimer, now: number): ElectionOutput;
  /** Handle a message from `from`; non-members, itself and out-of-range terms are ignored. */
  receive(from: NodeId, message: ElectionMessage, now: number): ElectionOutput;
  /** The host's link with `peer` went down. */
  peerDown(peer: NodeId, now: number): ElectionOutput;
  /** The host's link with `peer` is up again. */
  peerUp(peer: NodeId, now: number): ElectionOutput;
}

/** The algorithms a relay can run (`--election`). */
export const ELECTION_ALGORITHMS = ['bully', 'candidates', 'invitation', 'ring'] as const;

/** The name of an election algorithm. */
export type ElectionAlgorithmName = (typeof ELECTION_ALGORITHMS)[number];

/** The default algorithm. */
export const DEFAULT_ELECTION_ALGORITHM: ElectionAlgorithmName = 'bully';

/** Whether `name` names an algorithm. */
export function isElectionAlgorithm(name: string): name is ElectionAlgorithmName {
  return (ELECTION_ALGORITHMS as readonly string[]).includes(name);
}
