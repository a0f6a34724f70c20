/**
 * The default election algorithm as the package exports it: {@link ElectionNode}, the bully
 * algorithm with terms, pre-vote, one persisted vote per term, majority quorum, next-in-line
 * succession, leader stickiness and check-quorum. A pure state machine: inputs are messages and
 * timer fires with the current time; each step returns an {@link ElectionOutput} (state to persist
 * first, timers to set, messages to send, events to log). No I/O, no clock reads: the host
 * supplies `now` and a random source.
 *
 * The machine itself is `BullyMachine` (`bully-machine.ts`), built on the rules every algorithm
 * shares (`election-machine.ts`, `vote-rounds.ts`); this facade exposes only the host's API.
 *
 * Safety: a node wins only with votes from a majority of all N members, and each node persists
 * at most one vote per term before replying, so two leaders can never share a term.
 */
import type { RandomSource } from '../time/random.js';
import type { ElectionAlgorithm } from './algorithm.js';
import { BullyMachine } from './bully-machine.js';
import type { ResolvedElection } from './config.js';
import type {
  ElectionConfig,
  ElectionMessage,
  ElectionOutput,
  ElectionStatus,
  ElectionTimer,
  NodeId,
  PersistentElectionState,
} from './types.js';

/** One node's election state machine. Not shared between nodes; every method is synchronous. */
export class ElectionNode implements ElectionAlgorithm {
  /** The resolved configuration. */
  readonly config: ResolvedElection;
  private readonly machine: BullyMachine;

  /**
   * Create a node from its configuration and the state it persisted before (a fresh node passes
   * `{ term: 0, votedFor: null }`). `random` drives the election timeout; pass a seeded one in
   * tests. Throws `RangeError` for an invalid configuration or persisted state.
   */
  constructor(
    config: ElectionConfig,
    persisted: PersistentElectionState,
    random: RandomSource = Math.random,
  ) {
    this.machine = new BullyMachine(config, persisted, random);
    this.config = this.machine.config;
  }

  /** Current role, term, vote, known leader and successor list. */
  status(): ElectionStatus {
    return this.machine.status();
  }

  /**
   * True when this node is leader and has heard from a majority within its lease at `now`: the
   * condition under which it may issue snapshots.
   */
  hasQuorumLease(now: number): boolean {
    return this.machine.hasQuorumLease(now);
  }

  /** See {@link ElectionAlgorithm.wantReadLease}. */
  wantReadLease(now: number): void {
    this.machine.wantReadLease(now);
  }

  /** See {@link ElectionAlgorithm.holdsReadLease}. */
  holdsReadLease(now: number): boolean {
    return this.machine.holdsReadLease(now);
  }

  /**
   * Begin: arm the election timer (a cluster of one elects itself at once). A node with peers
   * and a persisted term above 0 may have promised a leader before it (re)started, so it neither
   * votes nor stands for `leasePromiseMs` (see `read-lease.ts`).
   */
  start(now: number): ElectionOutput {
    return this.machine.start(now);
  }

  /** Handle a timer the host set earlier. Stale fires (for a timer of another role) are ignored. */
  fire(timer: ElectionTimer, now: number): ElectionOutput {
    return this.machine.fire(timer, now);
  }

  /**
   * The host's link with `peer` went down (its connection closed: the process died or restarted,
   * or a partition was reset). The peer is suspected until it is heard from again: a node in line
   * does not wait for it in the bully phase, and a leader drops it from the successor list at once
   * and publishes the new list with an immediate heartbeat. A leader's death is still concluded
   * only from missed heartbeats, but a follower whose link from its leader closed no longer
   * refuses votes for having heard it recently (stickiness): it cannot hear it any more. This
   * matters after a pause: a node resumed after its leader died reads the heartbeats buffered in
   * its socket, then the close, and would otherwise refuse the survivor's vote request for
   * another `stickinessMs` and hold the next leader back by a whole round.
   */
  peerDown(peer: NodeId, now: number): ElectionOutput {
    return this.machine.peerDown(peer, now);
  }

  /**
   * The host's link with `peer` is up again: the peer gets at once what the current round still
   * needs from it (a pre-vote or vote request it has not granted; a leader's heartbeat), instead
   * of after the next retry or heartbeat.
   */
  peerUp(peer: NodeId, now: number): ElectionOutput {
    return this.machine.peerUp(peer, now);
  }

  /**
   * Handle a message from peer `from`. Messages from non-members or from itself, and messages
   * naming a term outside `0..MAX_TERM`, are ignored.
   */
  receive(from: NodeId, message: ElectionMessage, now: number): ElectionOutput {
    return this.machine.receive(from, message, now);
  }
}
