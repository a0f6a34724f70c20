/**
 * The election as a pure state machine: the bully algorithm with terms, hardened with pre-vote,
 * one persisted vote per term, majority quorum, next-in-line succession, leader stickiness (no
 * pre-emption) and check-quorum. Inputs are messages and timer fires with the current time; each
 * step returns an {@link ElectionOutput} (state to persist first, timers to set, messages to send,
 * events to log). No I/O, no clock reads: the host supplies `now` and a random source.
 *
 * Safety: a node wins only with votes from a majority of all N members, and each node persists
 * at most one vote per term before replying, so two leaders can never share a term.
 */
import type { RandomSource } from '../time/random.js';
import type { ElectionAlgorithm } from './algorithm.js';
import {
  drawElectionTimeout,
  drawRetryDelay,
  type ResolvedElection,
  resolveElectionConfig,
  successorBand,
} from './config.js';
import { createReadLeases, leaseAck, leaseHeartbeat, type ReadLeases } from './read-lease.js';
import { StepOutput } from './step-output.js';
import { aheadOf, freshCount, successionOrder } from './succession.js';
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

/** One node's election state machine. Not shared between nodes; every method is synchronous. */
export class ElectionNode implements ElectionAlgorithm {
  /** The resolved configuration. */
  readonly config: ResolvedElection;
  private readonly random: RandomSource;
  private term: number;
  private votedFor: NodeId | null;
  private role: ElectionRole = 'follower';
  private leader: NodeId | null = null;
  private successors: NodeId[] = [];
  private lastLeaderContact = Number.NEGATIVE_INFINITY;
  private roundTerm = 0;
  /** Whether the current pre-vote round has asked again (see `retryPreVote`). */
  private preVoteRetried = false;
  private readonly grants = new Set<NodeId>();
  private readonly deferredTo = new Set<NodeId>();
  /**
   * When the nodes deferred to since this node first deferred are taken for gone (the election
   * timer armed then). Rounds restarted meanwhile (on a lower node's `elect`) keep this deadline.
   */
  private deferDeadline: number | null = null;
  private readonly skip = new Set<NodeId>();
  /** Peers that refused this candidacy, and whether its vote round was extended once. */
  private readonly refused = new Set<NodeId>();
  private voteExtended = false;
  /**
   * Higher-ranked peers seen standing (pre-voting) for the same term as this node's round. Two
   * nodes whose successor lists disagree (one was cut off and kept an older list) can each think
   * they go first; they grant each other's pre-votes and would split the vote. The lower one
   * defers to the higher one instead, as the bully phase does when views disagree.
   */
  private readonly rivals = new Set<NodeId>();
  /** The nodes the current bully phase asked to take over. */
  private bullyAsked: NodeId[] = [];
  /** Peers whose link went down and that have not been heard from since. */
  private readonly suspected = new Set<NodeId>();
  private readonly lastAck = new Map<NodeId, number>();
  /** Register read leases: this node's promise as a follower, its lease as leader. */
  private readonly leases: ReadLeases;
  private readonly out = new StepOutput();

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
    this.config = resolveElectionConfig(config);
    if (!isValidTerm(persisted.term)) {
      throw new RangeError(`election: bad persisted term ${persisted.term}`);
    }
    this.term = persisted.term;
    this.votedFor = persisted.votedFor;
    this.random = random;
    this.leases = createReadLeases(this.config);
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
    if (this.config.peers.length === 0 && this.config.canLead) this.startPreVote(now, 'start');
    else this.armElectionTimer();
    return this.out.take();
  }

  /** Handle a timer the host set earlier. Stale fires (for a timer of another role) are ignored. */
  fire(timer: ElectionTimer, now: number): ElectionOutput {
    this.out.reset();
    if (timer === 'election' && !this.config.canLead) {
      // A witness never stands: it keeps following (and voting) whoever wins.
      if (this.role === 'follower') this.armElectionTimer();
    } else if (
      timer === 'election' &&
      (this.role === 'follower' || this.role === 'deferring') &&
      this.leases.promise.binds(now)
    ) {
      this.out.timer('election', this.leases.promise.remaining(now)); // promised a leader: stand once it ends
    } else if (timer === 'election' && (this.role === 'follower' || this.role === 'deferring')) {
      for (const n of this.deferredTo) this.skip.add(n);
      this.deferredTo.clear();
      this.deferDeadline = null;
      this.startPreVote(now, 'election-timeout');
    } else if (timer === 'round') {
      if (this.role === 'bully-waiting') {
        this.out.phaseEnded('bully', this.roundTerm, now, 'timed-out', []);
        this.becomeCandidate(now, 'bully-timeout');
      } else if (this.role === 'pre-candidate') {
        this.out.phaseEnded('pre-vote', this.roundTerm, now, 'timed-out', this.grants);
        if (this.config.succession) this.retryPreVote(now);
        else this.becomeFollower();
      } else if (this.role === 'candidate') {
        this.out.phaseEnded('vote', this.term, now, 'timed-out', this.grants);
        if (this.config.succession && this.refused.size === 0 && !this.voteExtended) {
          // Nobody refused: the voters are slow, not split. One more round in the same term keeps
          // the votes already in hand instead of starting over a whole election timeout later.
          this.voteExtended = true;
          this.out.phaseStarted('vote', this.term, now, 'retry', this.successors, this.config.peers);
          this.out.timer('round', this.randomTimeout());
          this.askForVotes();
        } else this.becomeFollower();
      }
    } else if (timer === 'retry' && this.role === 'candidate') {
      this.askForVotes();
    } else if (timer === 'heartbeat' && this.role === 'leader') {
      if (this.freshAcks(now) < this.config.majority) {
        this.out.event({ type: 'stepped-down', term: this.term, at: now, reason: 'lost-quorum' });
        this.becomeFollower();
      } else {
        this.broadcastHeartbeat(now);
      }
    }
    return this.out.take();
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
    this.out.reset();
    if (this.config.peers.includes(peer) && !this.suspected.has(peer)) {
      this.suspected.add(peer);
      if (this.role === 'leader') this.broadcastHeartbeat(now);
    }
    if (peer === this.leader) {
      this.lastLeaderContact = Number.NEGATIVE_INFINITY;
      // Promised it a lease: no vote and no candidacy before the promise ends, but then at once
      // rather than a whole election timeout after the last heartbeat (a stale one, perhaps, read
      // after a pause). The pre-vote still finds out whether a majority lost the leader too.
      if (this.role === 'follower' && this.config.canLead && this.leases.promise.binds(now))
        this.out.timer('election', this.leases.promise.remaining(now));
    }
    return this.out.take();
  }

  /**
   * The host's link with `peer` is up again: the peer gets at once what the current round still
   * needs from it (a pre-vote or vote request it has not granted; a leader's heartbeat), instead
   * of after the next retry or heartbeat.
   */
  peerUp(peer: NodeId, now: number): ElectionOutput {
    this.out.reset();
    if (this.config.peers.includes(peer)) {
      this.suspected.delete(peer);
      if (this.role === 'pre-candidate' && !this.grants.has(peer)) {
        this.out.send(peer, { type: 'pre-vote', term: this.roundTerm });
      } else if (this.role === 'candidate' && !this.grants.has(peer)) {
        this.out.send(peer, { type: 'vote-request', term: this.term });
      } else if (this.role === 'leader') {
        this.out.send(peer, { type: 'heartbeat', term: this.term, successors: this.currentSuccessors(now) });
      }
    }
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
      this.dispatch(from, message, now);
    }
    return this.out.take();
  }

  private dispatch(from: NodeId, m: ElectionMessage, now: number): void {
    switch (m.type) {
      case 'heartbeat':
        this.onHeartbeat(from, m.term, m.successors, m.lease, now);
        return;
      case 'heartbeat-ack':
        if (m.term > this.term) this.adoptTerm(m.term, now);
        else if (this.role === 'leader' && m.term === this.term) {
          this.lastAck.set(from, now);
          if (m.lease !== undefined) this.leases.lease.ack(from, m.lease);
        }
        return;
      case 'pre-vote': {
        const standing = this.role === 'pre-candidate' || this.role === 'bully-waiting';
        if (standing && m.term === this.roundTerm && from > this.config.id) this.rivals.add(from);
        const granted = this.role !== 'leader' && m.term > this.term && !this.bound(now);
        this.out.send(from, { type: 'pre-vote-reply', term: m.term, granted });
        // A node that restarted behind the current term learns it from a full node standing in
        // the next one; no witness ever stands, so a witness tells it (as a reply carrying its term).
        if (!this.config.canLead && m.term <= this.term)
          this.out.send(from, { type: 'heartbeat-ack', term: this.term });
        return;
      }
      case 'pre-vote-reply':
        if (this.role === 'pre-candidate' && m.term === this.roundTerm && m.granted) {
          this.grants.add(from);
          if (this.grants.size >= this.config.majority) {
            this.out.phaseEnded('pre-vote', this.roundTerm, now, 'won', this.grants);
            this.afterPreVote(now);
          }
        }
        return;
      case 'elect':
        this.onElect(from, m.term, now);
        return;
      case 'alive':
        if ((this.role === 'bully-waiting' || this.role === 'deferring') && m.term === this.roundTerm) {
          this.deferredTo.add(from);
          if (this.role === 'bully-waiting') {
            this.out.phaseEnded('bully', this.roundTerm, now, 'deferred', [from]);
            this.role = 'deferring';
            this.out.timer('round', null);
            // The first deferral sets the deadline; a round restarted since keeps it.
            if (this.deferDeadline === null) this.deferDeadline = now + this.randomTimeout();
            this.out.timer('election', Math.max(0, this.deferDeadline - now));
          }
        }
        return;
      case 'vote-request':
        this.onVoteRequest(from, m.term, now);
        return;
      case 'vote-reply':
        if (m.term > this.term) this.adoptTerm(m.term, now);
        else if (this.role === 'candidate' && m.term === this.term && !m.granted) this.refused.add(from);
        else if (this.role === 'candidate' && m.term === this.term && m.granted) {
          this.grants.add(from);
          if (this.grants.size >= this.config.majority) {
            this.out.phaseEnded('vote', this.term, now, 'won', this.grants);
            this.becomeLeader(now);
          }
        }
        return;
    }
  }

  private onHeartbeat(
    from: NodeId,
    term: number,
    successors: NodeId[],
    lease: number | undefined,
    now: number,
  ): void {
    if (term < this.term) {
      this.out.send(from, { type: 'heartbeat-ack', term: this.term });
      return;
    }
    if (term > this.term) this.adoptTerm(term, now);
    if (this.role === 'leader') return; // another leader in our own term cannot exist; drop it
    if (this.leader !== from) this.out.event({ type: 'leader-seen', term, leader: from, at: now });
    if (this.role !== 'follower') this.cancelRoundTimers();
    this.role = 'follower';
    this.leader = from;
    this.successors = successors.filter((s) => this.config.members.includes(s));
    this.lastLeaderContact = now;
    this.skip.clear();
    this.deferredTo.clear();
    this.deferDeadline = null;
    this.armElectionTimer();
    this.out.send(from, leaseAck(this.leases, this.term, lease, now));
  }

  private onElect(from: NodeId, term: number, now: number): void {
    if (!this.config.canLead) return; // a witness takes over nothing: the asker goes on without it
    if (this.role === 'leader') {
      // A lower node thinks we are gone: prove otherwise (it follows if the term allows).
      this.out.send(from, { type: 'heartbeat', term: this.term, successors: this.currentSuccessors(now) });
      return;
    }
    if (term <= this.term) return; // stale round
    if (this.leases.promise.binds(now)) return; // promised a leader: take over nothing (the asker goes on)
    // Views of the succession order can disagree (a restarted node knows no list); when each of
    // two nodes thinks the other goes first, the higher rank goes first, so they cannot wait on
    // each other forever.
    if (from > this.config.id && this.aheadOfMe().includes(from)) {
      // It waits for us and we for it: say so, and it (the higher rank) stands at once (below)
      // instead of waiting out its bully deadline.
      if (this.role !== 'follower' && term === this.roundTerm) this.out.send(from, { type: 'elect', term });
      return;
    }
    this.out.send(from, { type: 'alive', term });
    // A deferring node starts another round too (the node it deferred to may be gone), but keeps
    // the deadline it set when it first deferred: nodes whose views of the order form a cycle (2
    // defers to 3, 3 to 4, 4 to 2) hand over to each other only until that deadline, when each
    // skips the nodes it deferred to in vain. Re-arming it on every round kept them at it forever.
    if (this.role === 'follower' || this.role === 'deferring') this.startPreVote(now, 'elect');
    else if (this.role === 'bully-waiting' && term === this.roundTerm && this.bullyAsked.includes(from)) {
      // We wait on each other (our views of the order disagree): the higher rank goes first.
      this.out.phaseEnded('bully', this.roundTerm, now, 'won', []);
      this.becomeCandidate(now, 'elect');
    }
  }

  private onVoteRequest(from: NodeId, term: number, now: number): void {
    if (term < this.term || this.role === 'leader' || this.bound(now)) {
      this.out.send(from, { type: 'vote-reply', term: this.term, granted: false });
      return;
    }
    if (term > this.term) this.adoptTerm(term, now);
    const granted = this.votedFor === null || this.votedFor === from;
    if (granted && this.votedFor === null) {
      this.votedFor = from;
      this.out.persist({ term: this.term, votedFor: from });
    }
    if (granted) this.becomeFollower();
    this.out.send(from, { type: 'vote-reply', term: this.term, granted });
  }

  private startPreVote(now: number, cause: ElectionPhaseCause): void {
    if (this.term >= MAX_TERM) {
      // No term is left to claim: this node can only follow a leader of this term.
      this.becomeFollower();
      return;
    }
    if (this.leases.promise.binds(now)) {
      this.waitOutPromise(now);
      return;
    }
    this.role = 'pre-candidate';
    this.leader = null;
    this.roundTerm = this.term + 1;
    this.preVoteRetried = false;
    this.rivals.clear();
    this.grants.clear();
    this.grants.add(this.config.id);
    this.out.timer('election', null);
    this.out.phaseStarted('pre-vote', this.roundTerm, now, cause, this.successors, this.config.peers);
    if (this.grants.size >= this.config.majority) {
      this.afterPreVote(now);
      return;
    }
    for (const p of this.config.peers) this.out.send(p, { type: 'pre-vote', term: this.roundTerm });
    // With succession the round stays open and asks again soon (see `retryPreVote`). Plain Raft
    // waits a whole randomized timeout, so a slow (loaded) peer's grant still counts.
    this.out.timer('round', this.config.succession ? this.retryDelay() : this.randomTimeout());
  }

  /**
   * A pre-vote round reached no majority yet: ask again the peers that have not granted, keeping
   * the grants already in hand. A peer that was paused, cut off or busy answers the next ask as
   * soon as it can, instead of the round giving up and the next one starting a whole election
   * timeout later. The node stays pre-candidate until a majority grants, a leader's heartbeat
   * arrives or a higher term is seen.
   */
  private retryPreVote(now: number): void {
    const ask = this.config.peers.filter((p) => !this.grants.has(p));
    this.preVoteRetried = true;
    this.out.phaseStarted('pre-vote', this.roundTerm, now, 'retry', this.successors, ask);
    for (const p of ask) this.out.send(p, { type: 'pre-vote', term: this.roundTerm });
    this.out.timer('round', this.retryDelay());
  }

  /**
   * Bully phase: ask the nodes ahead to take over. One that granted this pre-vote is known to run
   * and reach us, so it gets a whole randomized timeout to answer (a busy node answering late
   * must not make two nodes stand in the same term and split the vote); otherwise the wait is
   * `aliveWaitMs`. A node ahead that was asked again (a retried pre-vote) and still did not
   * grant is taken for paused or cut off, and skipped at once.
   */
  private afterPreVote(now: number): void {
    const all = this.config.succession ? this.aheadOfMe() : [];
    const ahead = this.preVoteRetried ? all.filter((p) => this.grants.has(p)) : all;
    this.bullyAsked = ahead;
    if (ahead.length === 0) {
      this.becomeCandidate(now, 'pre-vote-won');
      return;
    }
    this.role = 'bully-waiting';
    this.out.phaseStarted('bully', this.roundTerm, now, 'pre-vote-won', this.successors, ahead);
    for (const p of ahead) this.out.send(p, { type: 'elect', term: this.roundTerm });
    const known = ahead.some((p) => this.grants.has(p));
    this.out.timer('round', known ? this.randomTimeout() : this.config.aliveWaitMs);
  }

  /**
   * Nodes that take precedence: those before me in the leader's successor list (else higher
   * ranks), and, while this node stands, higher-ranked rivals standing for the same term.
   */
  private aheadOfMe(): NodeId[] {
    const { id, peers } = this.config;
    const excluded = (p: NodeId) =>
      this.skip.has(p) || this.suspected.has(p) || this.config.nonLeaders.has(p);
    const ahead = aheadOf(id, this.successors, peers, excluded);
    if (this.role === 'follower' || this.role === 'candidate' || this.role === 'leader') return ahead;
    for (const r of this.rivals) if (!excluded(r) && !ahead.includes(r)) ahead.push(r);
    return ahead;
  }

  private becomeCandidate(now: number, cause: ElectionPhaseCause): void {
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
    this.out.phaseStarted('vote', this.term, now, cause, this.successors, this.config.peers);
    this.refused.clear();
    this.voteExtended = false;
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

  /**
   * Ask the peers that have not granted yet for their vote in this term, and (with succession)
   * ask again after a retry interval until the round ends. Asking twice is harmless: a node
   * grants at most one candidate per term, and grants the same one again.
   */
  private askForVotes(): void {
    for (const p of this.config.peers) {
      if (!this.grants.has(p)) this.out.send(p, { type: 'vote-request', term: this.term });
    }
    if (this.config.succession) this.out.timer('retry', this.retryDelay());
  }

  /** Promised a leader (see `read-lease.ts`): follow, and stand only once the promise ends. */
  private waitOutPromise(now: number): void {
    this.becomeFollower();
    this.out.timer('election', this.leases.promise.remaining(now));
  }

  private becomeLeader(now: number): void {
    this.leases.lease.reset();
    this.role = 'leader';
    this.leader = this.config.id;
    this.skip.clear();
    this.deferredTo.clear();
    this.deferDeadline = null;
    this.lastAck.clear();
    for (const v of this.grants) if (v !== this.config.id) this.lastAck.set(v, now);
    this.out.event({ type: 'became-leader', term: this.term, at: now, voters: [...this.grants] });
    this.out.timer('election', null);
    this.cancelRoundTimers();
    this.broadcastHeartbeat(now);
  }

  private becomeFollower(): void {
    this.leases.lease.reset();
    if (this.role === 'leader') {
      // The list it published names the others; as a follower it falls back to rank order.
      this.successors = [];
      this.out.timer('heartbeat', null);
    }
    this.cancelRoundTimers();
    this.role = 'follower';
    if (this.leader === this.config.id) this.leader = null;
    this.deferDeadline = null;
    this.armElectionTimer();
  }

  private adoptTerm(term: number, now: number): void {
    this.leases.lease.reset();
    const wasLeader = this.role === 'leader';
    this.term = term;
    this.votedFor = null;
    this.out.persist({ term, votedFor: null });
    this.out.event({ type: 'term-changed', term, at: now });
    if (wasLeader) this.out.event({ type: 'stepped-down', term, at: now, reason: 'higher-term' });
    if (this.role !== 'follower' && this.role !== 'deferring') this.becomeFollower();
    this.leader = null;
  }

  private broadcastHeartbeat(now: number): void {
    const successors = this.currentSuccessors(now);
    this.successors = successors;
    const heartbeat = leaseHeartbeat(this.leases, this.term, successors, now);
    for (const p of this.config.peers) this.out.send(p, heartbeat);
    this.out.timer('heartbeat', this.config.heartbeatMs);
  }

  /** Reachable followers (acked within the lease), highest rank first: the order of succession. */
  private currentSuccessors(now: number): NodeId[] {
    const { peers, nonLeaders } = this.config;
    const eligible = nonLeaders.size === 0 ? peers : peers.filter((p) => !nonLeaders.has(p));
    return successionOrder(eligible, this.lastAck, this.suspected, now, this.config.leaseMs);
  }

  private freshAcks(now: number): number {
    return freshCount(this.config.peers, this.lastAck, now, this.config.leaseMs);
  }

  private leaderFresh(now: number): boolean {
    return now - this.lastLeaderContact < this.config.stickinessMs;
  }

  /**
   * Whether this node may grant no (pre-)vote now: it heard its leader within the stickiness
   * window, or it promised a leader a read lease that has not ended (even if the link closed).
   */
  private bound(now: number): boolean {
    return this.leaderFresh(now) || this.leases.promise.binds(now);
  }

  private cancelRoundTimers(): void {
    this.out.timer('round', null);
    this.out.timer('retry', null);
  }

  /**
   * A follower of a known leader draws from its band of the range (see {@link successorBand}), so
   * the next in line notices a dead leader first; with no leader known (start, a failed round, a
   * vote just given) or no list, the whole range, where randomness alone separates the nodes.
   */
  private armElectionTimer(): void {
    const { succession, id } = this.config;
    const banded = succession && this.leader !== null && this.leader !== id && this.successors.length > 0;
    const band = banded
      ? successorBand(this.config, this.successors.indexOf(id), this.successors.length)
      : undefined;
    this.out.timer('election', drawElectionTimeout(this.config, this.random, band));
  }

  private randomTimeout(): number {
    return drawElectionTimeout(this.config, this.random);
  }

  private retryDelay(): number {
    return drawRetryDelay(this.config, this.random);
  }
}
