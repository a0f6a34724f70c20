/**
 * The safety core shared by the candidates, ring and invitation algorithms: terms, one persisted
 * vote per term (written before the reply that depends on it), a vote round that needs a majority
 * of all N members, heartbeats, check-quorum (a leader that has not heard from a majority within
 * its lease steps down), pre-vote ({@link VotingCore.stand}) and fencing (a higher term deposes, a
 * lower one is refused). Subclasses
 * decide who stands and when (`onLeaderLost`, `onMessage`, `mayStand`, `mayGrant`); whoever
 * stands, at most one node can collect a majority of votes in a term, so two leaders never share
 * one. Pure: no I/O, no clock reads.
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
import {
  type ElectionConfig,
  type ElectionMessage,
  type ElectionOutput,
  type ElectionPhaseCause,
  type ElectionRole,
  type ElectionStatus,
  type ElectionTimer,
  isValidTerm,
  MAX_TERM,
  type NodeId,
  type PersistentElectionState,
} from './types.js';

/** Base of the non-bully election machines (see the module comment). */
export abstract class VotingCore implements ElectionAlgorithm {
  /** The resolved configuration. */
  readonly config: ResolvedElection;
  protected readonly random: RandomSource;
  protected term: number;
  protected votedFor: NodeId | null;
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

  /** See `ElectionNode`'s constructor: throws `RangeError` for a bad config or persisted state. */
  constructor(config: ElectionConfig, persisted: PersistentElectionState, random: RandomSource) {
    this.config = resolveElectionConfig(config);
    if (!isValidTerm(persisted.term)) throw new RangeError(`election: bad persisted term ${persisted.term}`);
    this.term = persisted.term;
    this.votedFor = persisted.votedFor;
    this.random = random;
    this.leases = createReadLeases(this.config);
  }

  /** What the machine does when its leader is gone (its election timer fired). */
  protected abstract onLeaderLost(now: number): void;
  /** Handle an algorithm-specific message; return false to let the core handle it. */
  protected abstract onMessage(from: NodeId, m: ElectionMessage, now: number): boolean;

  /** Whether this node may stand for election at all. */
  protected mayStand(): boolean {
    return true;
  }

  /** Whether this node may vote for `candidate`. */
  protected mayGrant(_candidate: NodeId): boolean {
    return true;
  }

  /** An algorithm's own timer (any timer the core does not handle in the current role). */
  protected onTimer(_timer: ElectionTimer, _now: number): void {}

  /** A peer's link went down (after the core marked it suspected). */
  protected onPeerDown(_peer: NodeId, _now: number): void {}

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

  /** True when this node leads and heard from a majority within its lease at `now`. */
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
   * and a persisted term above 0 may have promised a leader before it (re)started: it neither
   * votes nor stands for `leasePromiseMs` (see `read-lease.ts`).
   */
  start(now: number): ElectionOutput {
    this.out.reset();
    // Term 0: it never followed a leader (a term is persisted before any ack), so never promised.
    if (this.config.peers.length > 0 && this.term > 0) this.leases.promise.restarted(now);
    this.begin(now);
    return this.out.take();
  }

  /** What `start` does; the invitation algorithm starts as the coordinator of its own group. */
  protected begin(now: number): void {
    if (this.config.peers.length === 0 && this.mayStand()) this.becomeCandidate(now, 'start');
    else this.armElectionTimer();
  }

  /** Handle a timer the host set earlier; stale fires are ignored. */
  fire(timer: ElectionTimer, now: number): ElectionOutput {
    this.out.reset();
    const standing = this.role === 'leader' || this.role === 'candidate' || this.role === 'pre-candidate';
    if (timer === 'election' && !standing) {
      this.onLeaderLost(now);
    } else if (timer === 'round' && this.role === 'pre-candidate') {
      this.out.phaseEnded('pre-vote', this.term + 1, now, 'timed-out', this.grants);
      this.becomeFollower();
    } else if (timer === 'round' && this.role === 'candidate') {
      this.out.phaseEnded('vote', this.term, now, 'timed-out', this.grants);
      this.becomeFollower();
    } else if (timer === 'retry' && this.role === 'candidate') {
      this.askForVotes();
    } else if (timer === 'heartbeat' && this.role === 'leader') {
      if (this.freshAcks(now) < this.config.majority) {
        this.out.event({ type: 'stepped-down', term: this.term, at: now, reason: 'lost-quorum' });
        this.leader = null;
        this.becomeFollower();
      } else this.broadcastHeartbeat(now);
    } else this.onTimer(timer, now);
    return this.out.take();
  }

  /** The link with `peer` went down: suspect it; a leader it followed is no longer fresh. */
  peerDown(peer: NodeId, now: number): ElectionOutput {
    this.out.reset();
    if (this.config.peers.includes(peer)) {
      this.suspected.add(peer);
      if (peer === this.leader) {
        this.lastLeaderContact = Number.NEGATIVE_INFINITY;
        // Promised it a lease: stand once the promise ends (see `ElectionNode.peerDown`).
        if (this.role === 'follower' && this.leases.promise.binds(now))
          this.out.timer('election', this.leases.promise.remaining(now));
      }
      this.onPeerDown(peer, now);
    }
    return this.out.take();
  }

  /** The link with `peer` is up: send what the current round still needs from it. */
  peerUp(peer: NodeId, now: number): ElectionOutput {
    this.out.reset();
    if (this.config.peers.includes(peer)) {
      this.suspected.delete(peer);
      if (this.role === 'pre-candidate' && !this.grants.has(peer)) {
        this.out.send(peer, { type: 'pre-vote', term: this.term + 1 });
      } else if (this.role === 'candidate' && !this.grants.has(peer)) {
        this.out.send(peer, { type: 'vote-request', term: this.term });
      } else if (this.role === 'leader') {
        this.out.send(peer, { type: 'heartbeat', term: this.term, successors: this.currentSuccessors(now) });
      }
    }
    return this.out.take();
  }

  /** Handle a message from a peer; non-members, itself and out-of-range terms are ignored. */
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
      case 'pre-vote': {
        // Would we vote for `from` in m.term? Changes no state.
        // A grant echoes the term asked for; a refusal carries our own term, so a node that asks
        // from behind (it was down while the others moved on) learns the newer term.
        const granted =
          this.role !== 'leader' && m.term > this.term && !this.bound(now) && this.mayGrant(from);
        this.out.send(from, { type: 'pre-vote-reply', term: granted ? m.term : this.term, granted });
        return;
      }
      case 'pre-vote-reply':
        if (!m.granted && m.term > this.term) this.adoptTerm(m.term, now);
        else if (this.role === 'pre-candidate' && m.term === this.term + 1 && m.granted) {
          this.grants.add(from);
          if (this.grants.size >= this.config.majority) {
            this.out.phaseEnded('pre-vote', m.term, now, 'won', this.grants);
            this.becomeCandidate(now, 'pre-vote-won');
          }
        }
        return;
      case 'vote-request':
        this.onVoteRequest(from, m.term, now);
        return;
      case 'vote-reply':
        if (m.term > this.term) this.adoptTerm(m.term, now);
        else if (this.role === 'candidate' && m.term === this.term && m.granted) {
          this.grants.add(from);
          if (this.grants.size >= this.config.majority) {
            this.out.phaseEnded('vote', this.term, now, 'won', this.grants);
            this.becomeLeader(now);
          }
        }
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
    this.cancelRoundTimers();
    this.role = 'follower';
    this.leader = from;
    this.successors = successors.filter((s) => this.config.members.includes(s));
    this.lastLeaderContact = now;
    this.armElectionTimer();
    this.out.send(from, leaseAck(this.leases, this.term, lease, now));
  }

  private onVoteRequest(from: NodeId, term: number, now: number): void {
    if (term < this.term || this.role === 'leader' || this.bound(now) || !this.mayGrant(from)) {
      this.out.send(from, { type: 'vote-reply', term: this.term, granted: false });
      return;
    }
    if (term > this.term) this.adoptTerm(term, now);
    const granted = this.votedFor === null || this.votedFor === from;
    if (granted && this.votedFor === null) {
      this.votedFor = from;
      this.out.persist({ term: this.term, votedFor: from });
    }
    if (granted) this.afterVote(from);
    this.out.send(from, { type: 'vote-reply', term: this.term, granted });
  }

  /** After granting `candidate` a vote: wait for it (or another) to lead. */
  protected afterVote(_candidate: NodeId): void {
    this.becomeFollower();
  }

  /**
   * Pre-vote, then stand: ask every peer whether it would vote for us in the next term (it would
   * not while it hears a live leader); only with a majority of grants bump the term. A node cut
   * off with a minority therefore never raises its term, and cannot depose the majority's leader
   * when the partition heals.
   */
  protected stand(now: number, cause: ElectionPhaseCause): void {
    if (this.term >= MAX_TERM || !this.mayStand()) {
      this.becomeFollower();
      return;
    }
    if (this.leases.promise.binds(now)) {
      this.waitOutPromise(now);
      return;
    }
    this.role = 'pre-candidate';
    this.leader = null;
    this.grants.clear();
    this.grants.add(this.config.id);
    this.out.timer('election', null);
    this.out.phaseStarted('pre-vote', this.term + 1, now, cause, this.successors, this.config.peers);
    if (this.grants.size >= this.config.majority) {
      this.out.phaseEnded('pre-vote', this.term + 1, now, 'won', this.grants);
      this.becomeCandidate(now, 'pre-vote-won');
      return;
    }
    for (const p of this.config.peers) this.out.send(p, { type: 'pre-vote', term: this.term + 1 });
    this.out.timer('round', this.randomTimeout());
  }

  /** Stand: bump and persist the term with a vote for itself, then ask every peer. */
  protected becomeCandidate(now: number, cause: ElectionPhaseCause): void {
    if (this.term >= MAX_TERM || !this.mayStand()) {
      this.becomeFollower();
      return;
    }
    if (this.leases.promise.binds(now)) {
      this.waitOutPromise(now);
      return;
    }
    this.role = 'candidate';
    this.leader = null;
    this.term += 1;
    this.votedFor = this.config.id;
    this.out.persist({ term: this.term, votedFor: this.config.id });
    this.out.event({ type: 'term-changed', term: this.term, at: now });
    this.out.timer('election', null);
    this.out.phaseStarted('vote', this.term, now, cause, this.successors, this.config.peers);
    this.grants.clear();
    this.grants.add(this.config.id);
    if (this.grants.size >= this.config.majority) {
      this.out.phaseEnded('vote', this.term, now, 'won', this.grants);
      this.becomeLeader(now);
      return;
    }
    this.out.timer('round', this.randomTimeout());
    this.askForVotes();
  }

  /** Ask the peers that have not granted yet, and again after a retry interval. */
  protected askForVotes(): void {
    for (const p of this.config.peers) {
      if (!this.grants.has(p)) this.out.send(p, { type: 'vote-request', term: this.term });
    }
    this.out.timer('retry', drawRetryDelay(this.config, this.random));
  }

  /**
   * Promised a leader (see `read-lease.ts`): follow, and try again once the promise ends (a
   * subclass that does not follow, such as an invitation coordinator, retries on its own timer).
   */
  protected waitOutPromise(now: number): void {
    this.becomeFollower();
    if (this.role === 'follower') this.out.timer('election', this.leases.promise.remaining(now));
  }

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
    this.term = term;
    this.votedFor = null;
    this.out.persist({ term, votedFor: null });
    this.out.event({ type: 'term-changed', term, at: now });
    if (wasLeader) this.out.event({ type: 'stepped-down', term, at: now, reason: 'higher-term' });
    this.leader = null;
    if (this.role !== 'follower') this.becomeFollower();
  }

  protected broadcastHeartbeat(now: number): void {
    const successors = this.currentSuccessors(now);
    this.successors = successors;
    const heartbeat = leaseHeartbeat(this.leases, this.term, successors, now);
    for (const p of this.config.peers) this.out.send(p, heartbeat);
    this.out.timer('heartbeat', this.config.heartbeatMs);
  }

  protected currentSuccessors(now: number): NodeId[] {
    return successionOrder(this.config.peers, this.lastAck, this.suspected, now, this.config.leaseMs);
  }

  protected freshAcks(now: number): number {
    return freshCount(this.config.peers, this.lastAck, now, this.config.leaseMs);
  }

  /** Whether the leader this node follows was heard within the stickiness window. */
  protected leaderFresh(now: number): boolean {
    return now - this.lastLeaderContact < this.config.stickinessMs;
  }

  /**
   * Whether this node may grant no (pre-)vote now: it heard its leader within the stickiness
   * window, or it promised a leader a read lease that has not ended (even if the link closed).
   */
  private bound(now: number): boolean {
    return this.leaderFresh(now) || this.leases.promise.binds(now);
  }

  protected cancelRoundTimers(): void {
    this.out.timer('round', null);
    this.out.timer('retry', null);
  }

  protected armElectionTimer(): void {
    this.out.timer('election', this.randomTimeout());
  }

  protected randomTimeout(): number {
    return drawElectionTimeout(this.config, this.random);
  }
}
