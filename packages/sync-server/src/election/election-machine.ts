/**
 * The base every election algorithm's state machine shares: its state, the host's API (status,
 * start, messages in, read leases), and following and leading: terms and one persisted vote per
 * term ({@link TermVote}), following a heartbeat, heartbeats, check-quorum (a leader that has not
 * heard from a majority within its lease steps down), fencing (a higher term deposes, a lower one
 * is refused) and read leases (`read-lease.ts`). The vote rounds are `VoteRounds`
 * (`vote-rounds.ts`); the algorithms decide who stands and when: bully (`ElectionNode`) directly,
 * the others through `VotingCore`. Pure: no I/O, no clock reads.
 */
import type { RandomSource } from '../time/random.js';
import type { ElectionAlgorithm } from './algorithm.js';
import {
  drawElectionTimeout,
  drawRetryDelay,
  type ResolvedElection,
  resolveElectionConfig,
} from './config.js';
import { createReadLeases, leaseAck, leaseHeartbeat, type ReadLeases } from './read-lease.js';
import { StepOutput } from './step-output.js';
import { freshCount, successionOrder } from './succession.js';
import { TermVote } from './term-vote.js';
import {
  type ElectionConfig,
  type ElectionMessage,
  type ElectionOutput,
  type ElectionRole,
  type ElectionStatus,
  type ElectionTimer,
  isValidTerm,
  type NodeId,
  type PersistentElectionState,
} from './types.js';

/** Base of every election machine (see the module comment). */
export abstract class ElectionMachine implements ElectionAlgorithm {
  /** The resolved configuration. */
  readonly config: ResolvedElection;
  protected readonly random: RandomSource;
  protected role: ElectionRole = 'follower';
  protected leader: NodeId | null = null;
  protected successors: NodeId[] = [];
  protected lastLeaderContact = Number.NEGATIVE_INFINITY;
  protected readonly grants = new Set<NodeId>();
  /** Peers whose link went down (or that missed a hop) and were not heard from since. */
  protected readonly suspected = new Set<NodeId>();
  protected readonly lastAck = new Map<NodeId, number>();
  /** Register read leases: this node's promise as a follower, its lease as leader. */
  protected readonly leases: ReadLeases;
  protected readonly out = new StepOutput();
  /** The persisted term and vote. */
  protected readonly vote: TermVote;

  /**
   * Create a machine from its configuration and the state it persisted before (a fresh node
   * passes `{ term: 0, votedFor: null }`). `random` drives the election timeout. Throws
   * `RangeError` for an invalid configuration or persisted state.
   */
  constructor(config: ElectionConfig, persisted: PersistentElectionState, random: RandomSource) {
    this.config = resolveElectionConfig(config);
    this.vote = new TermVote(persisted);
    this.random = random;
    this.leases = createReadLeases(this.config);
  }

  /** The current term. */
  protected get term(): number {
    return this.vote.term;
  }

  /** The node voted for in the current term, if any. */
  protected get votedFor(): NodeId | null {
    return this.vote.votedFor;
  }

  /** See {@link ElectionAlgorithm.fire}. */
  abstract fire(timer: ElectionTimer, now: number): ElectionOutput;
  /** See {@link ElectionAlgorithm.peerDown}. */
  abstract peerDown(peer: NodeId, now: number): ElectionOutput;
  /** See {@link ElectionAlgorithm.peerUp}. */
  abstract peerUp(peer: NodeId, now: number): ElectionOutput;
  /** What `start` does once a restarted node's read-lease promise is restored. */
  protected abstract begin(now: number): void;
  /** Handle an algorithm's own message; return false to let the shared rules handle it. */
  protected abstract onMessage(from: NodeId, m: ElectionMessage, now: number): boolean;
  /** A peer asks whether this node would vote for it in `term` (a pre-vote). */
  protected abstract onPreVote(from: NodeId, term: number, now: number): void;
  /** A peer answered this node's pre-vote for `term`. */
  protected abstract onPreVoteReply(from: NodeId, term: number, granted: boolean, now: number): void;
  /** A peer asks for this node's vote in `term`. */
  protected abstract onVoteRequest(from: NodeId, term: number, now: number): void;
  /** A peer answered this node's vote request for `term`. */
  protected abstract onVoteReply(from: NodeId, term: number, granted: boolean, now: number): void;

  /** This node is about to follow a heartbeat's sender: end any round it ran. */
  protected beforeFollow(): void {
    this.cancelRoundTimers();
  }

  /** Current role, term, vote, known leader and successor list. */
  status(): ElectionStatus {
    return {
      id: this.config.id,
      role: this.role,
      term: this.term,
      votedFor: this.votedFor,
      leader: this.leader,
      successors: [...this.successors],
    };
  }

  /**
   * True when this node is leader and has heard from a majority within its lease at `now`: the
   * condition under which it may issue snapshots.
   */
  hasQuorumLease(now: number): boolean {
    return this.role === 'leader' && this.freshAcks(now) >= this.config.majority;
  }

  /** See {@link ElectionAlgorithm.wantReadLease}. */
  wantReadLease(now: number): void {
    this.leases.lease.want(now);
  }

  /** See {@link ElectionAlgorithm.holdsReadLease}. */
  holdsReadLease(now: number): boolean {
    return this.role === 'leader' && this.leases.lease.holds(now);
  }

  /**
   * Begin: arm the election timer (a cluster of one elects itself at once). A node with peers
   * and a persisted term above 0 may have promised a leader before it (re)started, so it neither
   * votes nor stands for `leasePromiseMs` (see `read-lease.ts`).
   */
  start(now: number): ElectionOutput {
    this.out.reset();
    // Term 0: it never followed a leader (a term is persisted before any ack), so never promised.
    if (this.config.peers.length > 0 && this.term > 0) this.leases.promise.restarted(now);
    this.begin(now);
    return this.out.take();
  }

  /**
   * Handle a message from peer `from`. Messages from non-members or from itself, and messages
   * naming a term outside `0..MAX_TERM`, are ignored.
   */
  receive(from: NodeId, message: ElectionMessage, now: number): ElectionOutput {
    this.out.reset();
    if (from !== this.config.id && this.config.peers.includes(from) && isValidTerm(message.term)) {
      this.suspected.delete(from);
      if (!this.onMessage(from, message, now)) this.dispatch(from, message, now);
    }
    return this.out.take();
  }

  private dispatch(from: NodeId, m: ElectionMessage, now: number): void {
    switch (m.type) {
      case 'heartbeat':
        this.onHeartbeat(from, m.term, m.successors, now, m.lease);
        return;
      case 'heartbeat-ack':
        if (m.term > this.term) this.adoptTerm(m.term, now);
        else if (this.role === 'leader' && m.term === this.term) {
          this.lastAck.set(from, now);
          if (m.lease !== undefined) this.leases.lease.ack(from, m.lease);
        }
        return;
      case 'pre-vote':
        this.onPreVote(from, m.term, now);
        return;
      case 'pre-vote-reply':
        this.onPreVoteReply(from, m.term, m.granted, now);
        return;
      case 'vote-request':
        this.onVoteRequest(from, m.term, now);
        return;
      case 'vote-reply':
        this.onVoteReply(from, m.term, m.granted, now);
        return;
      default:
        return; // another algorithm's message (a misconfigured peer): ignored
    }
  }

  /**
   * A heartbeat of `term` from `from`: follow it, or tell a stale leader the newer term. With a
   * lease round, the follower promises (see `read-lease.ts`) and echoes the round in its ack.
   */
  protected onHeartbeat(from: NodeId, term: number, successors: NodeId[], now: number, lease?: number): void {
    if (term < this.term) {
      this.out.send(from, { type: 'heartbeat-ack', term: this.term });
      return;
    }
    if (term > this.term) this.adoptTerm(term, now);
    if (this.role === 'leader') return; // no other leader can exist in our term
    if (this.leader !== from) this.out.event({ type: 'leader-seen', term, leader: from, at: now });
    this.beforeFollow();
    this.role = 'follower';
    this.leader = from;
    this.successors = successors.filter((s) => this.config.members.includes(s));
    this.lastLeaderContact = now;
    this.armElectionTimer();
    this.out.send(from, leaseAck(this.leases, this.term, lease, now));
  }

  /** Lead: the voters count as heard from now; heartbeats start at once. */
  protected becomeLeader(now: number): void {
    this.leases.lease.reset();
    this.role = 'leader';
    this.leader = this.config.id;
    this.lastAck.clear();
    for (const v of this.grants) if (v !== this.config.id) this.lastAck.set(v, now);
    this.out.event({ type: 'became-leader', term: this.term, at: now, voters: [...this.grants] });
    this.out.timer('election', null);
    this.cancelRoundTimers();
    this.broadcastHeartbeat(now);
  }

  /** Follow (no leader known yet unless `leader` is set): cancel round timers, arm the election timer. */
  protected becomeFollower(): void {
    this.leases.lease.reset();
    if (this.role === 'leader') {
      // The list it published names the others; as a follower it falls back to rank order.
      this.successors = [];
      this.out.timer('heartbeat', null);
    }
    this.cancelRoundTimers();
    this.role = 'follower';
    if (this.leader === this.config.id) this.leader = null;
    this.armElectionTimer();
  }

  /** Fencing: a higher term seen anywhere; forget the vote and any leadership. */
  protected adoptTerm(term: number, now: number): void {
    this.leases.lease.reset();
    const wasLeader = this.role === 'leader';
    this.vote.adopt(term, now, this.out);
    if (wasLeader) this.out.event({ type: 'stepped-down', term, at: now, reason: 'higher-term' });
    this.leader = null;
    if (this.role !== 'follower' && this.role !== 'deferring') this.becomeFollower();
  }

  /** Check-quorum, on a leader's heartbeat timer: step down without a majority, else beat. */
  protected checkQuorum(now: number): void {
    if (this.freshAcks(now) < this.config.majority) {
      this.out.event({ type: 'stepped-down', term: this.term, at: now, reason: 'lost-quorum' });
      this.leader = null;
      this.becomeFollower();
    } else this.broadcastHeartbeat(now);
  }

  /** Send every peer a heartbeat (stamped with a lease round while reads want one); re-arm. */
  protected broadcastHeartbeat(now: number): void {
    const successors = this.currentSuccessors(now);
    this.successors = successors;
    const heartbeat = leaseHeartbeat(this.leases, this.term, successors, now);
    for (const p of this.config.peers) this.out.send(p, heartbeat);
    this.out.timer('heartbeat', this.config.heartbeatMs);
  }

  /** A leader shows `to` that it is alive (it follows if its term allows). */
  protected sendHeartbeat(to: NodeId, now: number): void {
    this.out.send(to, { type: 'heartbeat', term: this.term, successors: this.currentSuccessors(now) });
  }

  /** Reachable followers (acked within the lease), highest rank first: the order of succession. */
  protected currentSuccessors(now: number): NodeId[] {
    return successionOrder(this.config.peers, this.lastAck, this.suspected, now, this.config.leaseMs);
  }

  /** How many nodes (this leader included) acknowledged it within the lease. */
  protected freshAcks(now: number): number {
    return freshCount(this.config.peers, this.lastAck, now, this.config.leaseMs);
  }

  /** Whether the leader this node follows was heard within the stickiness window. */
  protected leaderFresh(now: number): boolean {
    return now - this.lastLeaderContact < this.config.stickinessMs;
  }

  /** Cancel the timers of a pre-vote or vote round. */
  protected cancelRoundTimers(): void {
    this.out.timer('round', null);
    this.out.timer('retry', null);
  }

  /** Arm the election timer with a fresh randomized timeout. */
  protected armElectionTimer(): void {
    this.out.timer('election', this.randomTimeout());
  }

  /** A randomized election timeout. */
  protected randomTimeout(): number {
    return drawElectionTimeout(this.config, this.random);
  }

  /** A randomized retry interval (pre-vote and vote requests). */
  protected retryDelay(): number {
    return drawRetryDelay(this.config, this.random);
  }
}
