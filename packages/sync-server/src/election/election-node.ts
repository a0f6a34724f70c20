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
import { type ResolvedElection, resolveElectionConfig } from './config.js';
import {
  type ElectionConfig,
  type ElectionMessage,
  type ElectionOutput,
  type ElectionPhase,
  type ElectionPhaseCause,
  type ElectionPhaseOutcome,
  type ElectionRole,
  type ElectionStatus,
  type ElectionTimer,
  isValidTerm,
  MAX_TERM,
  type NodeId,
  type PersistentElectionState,
} from './types.js';

/** One node's election state machine. Not shared between nodes; every method is synchronous. */
export class ElectionNode {
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
  private readonly grants = new Set<NodeId>();
  private readonly deferredTo = new Set<NodeId>();
  private readonly skip = new Set<NodeId>();
  private readonly lastAck = new Map<NodeId, number>();
  private out: ElectionOutput = { send: [], timers: [], events: [] };

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

  /** Begin: arm the election timer (a cluster of one elects itself at once). */
  start(now: number): ElectionOutput {
    this.begin();
    if (this.config.peers.length === 0) this.startPreVote(now, 'start');
    else this.armElectionTimer();
    return this.end();
  }

  /** Handle a timer the host set earlier. Stale fires (for a timer of another role) are ignored. */
  fire(timer: ElectionTimer, now: number): ElectionOutput {
    this.begin();
    if (timer === 'election' && (this.role === 'follower' || this.role === 'deferring')) {
      for (const n of this.deferredTo) this.skip.add(n);
      this.deferredTo.clear();
      this.startPreVote(now, 'election-timeout');
    } else if (timer === 'round') {
      if (this.role === 'bully-waiting') {
        this.phaseEnded('bully', this.roundTerm, now, 'timed-out', []);
        this.becomeCandidate(now, 'bully-timeout');
      } else if (this.role === 'pre-candidate') {
        this.phaseEnded('pre-vote', this.roundTerm, now, 'timed-out', [...this.grants]);
        if (this.config.succession) this.retryPreVote(now);
        else this.becomeFollower();
      } else if (this.role === 'candidate') {
        this.phaseEnded('vote', this.term, now, 'timed-out', [...this.grants]);
        this.becomeFollower();
      }
    } else if (timer === 'heartbeat' && this.role === 'leader') {
      if (this.freshAcks(now) < this.config.majority) {
        this.out.events.push({ type: 'stepped-down', term: this.term, at: now, reason: 'lost-quorum' });
        this.becomeFollower();
      } else {
        this.broadcastHeartbeat(now);
      }
    }
    return this.end();
  }

  /**
   * Handle a message from peer `from`. Messages from non-members or from itself, and messages
   * naming a term outside `0..MAX_TERM`, are ignored.
   */
  receive(from: NodeId, message: ElectionMessage, now: number): ElectionOutput {
    this.begin();
    if (from !== this.config.id && this.config.peers.includes(from) && isValidTerm(message.term)) {
      this.dispatch(from, message, now);
    }
    return this.end();
  }

  private dispatch(from: NodeId, m: ElectionMessage, now: number): void {
    switch (m.type) {
      case 'heartbeat':
        this.onHeartbeat(from, m.term, m.successors, now);
        return;
      case 'heartbeat-ack':
        if (m.term > this.term) this.adoptTerm(m.term, now);
        else if (this.role === 'leader' && m.term === this.term) this.lastAck.set(from, now);
        return;
      case 'pre-vote': {
        const granted = this.role !== 'leader' && m.term > this.term && !this.leaderFresh(now);
        this.send(from, { type: 'pre-vote-reply', term: m.term, granted });
        return;
      }
      case 'pre-vote-reply':
        if (this.role === 'pre-candidate' && m.term === this.roundTerm && m.granted) {
          this.grants.add(from);
          if (this.grants.size >= this.config.majority) {
            this.phaseEnded('pre-vote', this.roundTerm, now, 'won', [...this.grants]);
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
            this.phaseEnded('bully', this.roundTerm, now, 'deferred', [from]);
            this.role = 'deferring';
            this.out.timers.push({ timer: 'round', delayMs: null });
            this.armElectionTimer();
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
            this.phaseEnded('vote', this.term, now, 'won', [...this.grants]);
            this.becomeLeader(now);
          }
        }
        return;
    }
  }

  private onHeartbeat(from: NodeId, term: number, successors: NodeId[], now: number): void {
    if (term < this.term) {
      this.send(from, { type: 'heartbeat-ack', term: this.term });
      return;
    }
    if (term > this.term) this.adoptTerm(term, now);
    if (this.role === 'leader') return; // another leader in our own term cannot exist; drop it
    if (this.leader !== from) this.out.events.push({ type: 'leader-seen', term, leader: from, at: now });
    if (this.role !== 'follower') this.out.timers.push({ timer: 'round', delayMs: null });
    this.role = 'follower';
    this.leader = from;
    this.successors = successors.filter((s) => this.config.members.includes(s));
    this.lastLeaderContact = now;
    this.skip.clear();
    this.deferredTo.clear();
    this.armElectionTimer();
    this.send(from, { type: 'heartbeat-ack', term: this.term });
  }

  private onElect(from: NodeId, term: number, now: number): void {
    if (this.role === 'leader') {
      // A lower node thinks we are gone: prove otherwise (it follows if the term allows).
      this.send(from, { type: 'heartbeat', term: this.term, successors: this.currentSuccessors(now) });
      return;
    }
    if (term <= this.term) return; // stale round
    // Views of the succession order can disagree (a restarted node knows no list); when each of
    // two nodes thinks the other goes first, the higher rank goes first, so they cannot wait on
    // each other forever.
    if (from > this.config.id && this.aheadOfMe().includes(from)) return;
    this.send(from, { type: 'alive', term });
    if (this.role === 'follower' || this.role === 'deferring') this.startPreVote(now, 'elect');
  }

  private onVoteRequest(from: NodeId, term: number, now: number): void {
    if (term < this.term || this.role === 'leader' || this.leaderFresh(now)) {
      this.send(from, { type: 'vote-reply', term: this.term, granted: false });
      return;
    }
    if (term > this.term) this.adoptTerm(term, now);
    const granted = this.votedFor === null || this.votedFor === from;
    if (granted && this.votedFor === null) {
      this.votedFor = from;
      this.out.persist = { term: this.term, votedFor: from };
    }
    if (granted) this.becomeFollower();
    this.send(from, { type: 'vote-reply', term: this.term, granted });
  }

  private startPreVote(now: number, cause: ElectionPhaseCause): void {
    if (this.term >= MAX_TERM) {
      // No term is left to claim: this node can only follow a leader of this term.
      this.becomeFollower();
      return;
    }
    this.role = 'pre-candidate';
    this.leader = null;
    this.roundTerm = this.term + 1;
    this.grants.clear();
    this.grants.add(this.config.id);
    this.out.timers.push({ timer: 'election', delayMs: null });
    this.phaseStarted('pre-vote', this.roundTerm, now, cause, this.config.peers);
    if (this.grants.size >= this.config.majority) {
      this.afterPreVote(now);
      return;
    }
    for (const p of this.config.peers) this.send(p, { type: 'pre-vote', term: this.roundTerm });
    // With succession the round stays open and asks again soon (see `retryPreVote`). Plain Raft
    // waits a whole randomized timeout, so a slow (loaded) peer's grant still counts.
    this.out.timers.push({
      timer: 'round',
      delayMs: this.config.succession ? this.retryDelay() : this.randomTimeout(),
    });
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
    this.phaseStarted('pre-vote', this.roundTerm, now, 'retry', ask);
    for (const p of ask) this.send(p, { type: 'pre-vote', term: this.roundTerm });
    this.out.timers.push({ timer: 'round', delayMs: this.retryDelay() });
  }

  /** A pre-vote retry interval in [preVoteRetryMs, 2 * preVoteRetryMs). */
  private retryDelay(): number {
    const r = Math.min(Math.max(this.random(), 0), 0.999999);
    return this.config.preVoteRetryMs * (1 + r);
  }

  private afterPreVote(now: number): void {
    const ahead = this.config.succession ? this.aheadOfMe() : [];
    if (ahead.length === 0) {
      this.becomeCandidate(now, 'pre-vote-won');
      return;
    }
    this.role = 'bully-waiting';
    this.phaseStarted('bully', this.roundTerm, now, 'pre-vote-won', ahead);
    for (const p of ahead) this.send(p, { type: 'elect', term: this.roundTerm });
    this.out.timers.push({ timer: 'round', delayMs: this.config.roundTimeoutMs });
  }

  /** Nodes that take precedence: those before me in the leader's successor list, else higher ranks. */
  private aheadOfMe(): NodeId[] {
    const list = this.successors;
    const me = list.indexOf(this.config.id);
    const ahead =
      list.length === 0
        ? this.config.peers.filter((p) => p > this.config.id)
        : me >= 0
          ? list.slice(0, me)
          : list;
    return ahead.filter((p) => !this.skip.has(p));
  }

  private becomeCandidate(now: number, cause: ElectionPhaseCause): void {
    this.role = 'candidate';
    this.leader = null;
    this.term += 1;
    this.votedFor = this.config.id;
    this.out.persist = { term: this.term, votedFor: this.config.id };
    this.out.events.push({ type: 'term-changed', term: this.term, at: now });
    this.phaseStarted('vote', this.term, now, cause, this.config.peers);
    this.grants.clear();
    this.grants.add(this.config.id);
    if (this.grants.size >= this.config.majority) {
      this.phaseEnded('vote', this.term, now, 'won', [...this.grants]);
      this.becomeLeader(now);
      return;
    }
    for (const p of this.config.peers) this.send(p, { type: 'vote-request', term: this.term });
    this.out.timers.push({ timer: 'round', delayMs: this.randomTimeout() });
  }

  private becomeLeader(now: number): void {
    this.role = 'leader';
    this.leader = this.config.id;
    this.skip.clear();
    this.deferredTo.clear();
    this.lastAck.clear();
    for (const v of this.grants) if (v !== this.config.id) this.lastAck.set(v, now);
    this.out.events.push({ type: 'became-leader', term: this.term, at: now, voters: [...this.grants] });
    this.out.timers.push({ timer: 'election', delayMs: null }, { timer: 'round', delayMs: null });
    this.broadcastHeartbeat(now);
  }

  private becomeFollower(): void {
    if (this.role === 'leader') {
      // The list it published names the others; as a follower it falls back to rank order.
      this.successors = [];
      this.out.timers.push({ timer: 'heartbeat', delayMs: null });
    }
    this.out.timers.push({ timer: 'round', delayMs: null });
    this.role = 'follower';
    if (this.leader === this.config.id) this.leader = null;
    this.armElectionTimer();
  }

  private adoptTerm(term: number, now: number): void {
    const wasLeader = this.role === 'leader';
    this.term = term;
    this.votedFor = null;
    this.out.persist = { term, votedFor: null };
    this.out.events.push({ type: 'term-changed', term, at: now });
    if (wasLeader) this.out.events.push({ type: 'stepped-down', term, at: now, reason: 'higher-term' });
    if (this.role !== 'follower' && this.role !== 'deferring') this.becomeFollower();
    this.leader = null;
  }

  private broadcastHeartbeat(now: number): void {
    const successors = this.currentSuccessors(now);
    this.successors = successors;
    for (const p of this.config.peers) this.send(p, { type: 'heartbeat', term: this.term, successors });
    this.out.timers.push({ timer: 'heartbeat', delayMs: this.config.heartbeatMs });
  }

  /** Reachable followers (acked within the lease), highest rank first: the order of succession. */
  private currentSuccessors(now: number): NodeId[] {
    return this.config.peers
      .filter((p) => now - (this.lastAck.get(p) ?? Number.NEGATIVE_INFINITY) <= this.config.leaseMs)
      .sort((a, b) => b - a);
  }

  private freshAcks(now: number): number {
    let n = 1;
    for (const p of this.config.peers) {
      if (now - (this.lastAck.get(p) ?? Number.NEGATIVE_INFINITY) <= this.config.leaseMs) n++;
    }
    return n;
  }

  private leaderFresh(now: number): boolean {
    return now - this.lastLeaderContact < this.config.stickinessMs;
  }

  private armElectionTimer(): void {
    this.out.timers.push({ timer: 'election', delayMs: this.randomTimeout() });
  }

  /** A randomized election timeout in [min, max), in steps of `timeoutTickMs`. */
  private randomTimeout(): number {
    const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max, timeoutTickMs: tick } = this.config;
    const r = Math.min(Math.max(this.random(), 0), 0.999999);
    const slots = Math.max(1, Math.floor((max - min) / tick));
    return min + Math.floor(r * slots) * tick;
  }

  private phaseStarted(
    phase: ElectionPhase,
    term: number,
    now: number,
    cause: ElectionPhaseCause,
    asked: readonly NodeId[],
  ): void {
    this.out.events.push({
      type: 'phase-started',
      phase,
      term,
      at: now,
      cause,
      successors: [...this.successors],
      asked: [...asked],
    });
  }

  private phaseEnded(
    phase: ElectionPhase,
    term: number,
    now: number,
    outcome: ElectionPhaseOutcome,
    granted: NodeId[],
  ): void {
    this.out.events.push({ type: 'phase-ended', phase, term, at: now, outcome, granted });
  }

  private send(to: NodeId, message: ElectionMessage): void {
    this.out.send.push({ to, message });
  }

  private begin(): void {
    this.out = { send: [], timers: [], events: [] };
  }

  private end(): ElectionOutput {
    const out = this.out;
    this.out = { send: [], timers: [], events: [] };
    return out;
  }
}
