/**
 * The bully algorithm's state machine (exported through the `ElectionNode` facade,
 * `election-node.ts`): on top of the shared rules (`ElectionMachine`, `VoteRounds`: terms, one
 * persisted vote per term, majority quorum, check-quorum, fencing, read leases) it adds
 * next-in-line succession, the bully phase (a node that won its pre-vote first asks the nodes ahead
 * of it to take over, and defers to one that answers `alive`), leader stickiness (no pre-emption)
 * and pre-vote rounds that ask again instead of giving up. Pure: no I/O, no clock reads.
 */
import type { RandomSource } from '../time/random.js';
import { drawElectionTimeout, successorBand } from './config.js';
import { aheadOf, successionOrder } from './succession.js';
import type {
  ElectionConfig,
  ElectionMessage,
  ElectionOutput,
  ElectionPhaseCause,
  ElectionTimer,
  NodeId,
  PersistentElectionState,
} from './types.js';
import { VoteRounds } from './vote-rounds.js';

/**
 * One node's bully state machine, behind the exported `ElectionNode` facade. Not shared
 * between nodes; every method is synchronous.
 */
export class BullyMachine extends VoteRounds {
  private roundTerm = 0;
  /** Whether the current pre-vote round has asked again (see `retryPreVote`). */
  private preVoteRetried = false;
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

  /**
   * Create a node from its configuration and the state it persisted before (a fresh node passes
   * `{ term: 0, votedFor: null }`). `random` drives the election timeout; pass a seeded one in
   * tests. Throws `RangeError` for an invalid configuration or persisted state.
   */
  constructor(config: ElectionConfig, persisted: PersistentElectionState, random: RandomSource) {
    super(config, persisted, random);
  }

  /** Begin: a cluster of one elects itself at once; otherwise arm the election timer. */
  protected begin(now: number): void {
    if (this.config.peers.length === 0 && this.config.canLead) this.startPreVote(now, 'start');
    else this.armElectionTimer();
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
      this.checkQuorum(now);
    }
    return this.out.take();
  }

  /** See `ElectionNode.peerDown` (`election-node.ts`). */
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

  /** The bully phase's own messages: `elect` (take over) and `alive` (I will). */
  protected onMessage(from: NodeId, m: ElectionMessage, now: number): boolean {
    if (m.type === 'elect') this.onElect(from, m.term, now);
    else if (m.type === 'alive') this.onAlive(from, m.term, now);
    else return false;
    return true;
  }

  /**
   * Would we vote for `from` in `term`? Changes no state but the rivals seen standing. The reply
   * echoes the term asked for, granted or not.
   */
  protected onPreVote(from: NodeId, term: number, now: number): void {
    const standing = this.role === 'pre-candidate' || this.role === 'bully-waiting';
    if (standing && term === this.roundTerm && from > this.config.id) this.rivals.add(from);
    const granted = this.wouldGrant(from, term, now);
    this.out.send(from, { type: 'pre-vote-reply', term, granted });
    // A node that restarted behind the current term learns it from a full node standing in
    // the next one; no witness ever stands, so a witness tells it (as a reply carrying its term).
    if (!this.config.canLead && term <= this.term)
      this.out.send(from, { type: 'heartbeat-ack', term: this.term });
  }

  /** A grant for this round's term counts; with a majority the bully phase begins. */
  protected onPreVoteReply(from: NodeId, term: number, granted: boolean, now: number): void {
    if (this.role === 'pre-candidate' && term === this.roundTerm && granted) {
      if (this.countGrant('pre-vote', this.roundTerm, from, now)) this.afterPreVote(now);
    }
  }

  /** A higher node we asked to take over answered: defer to it (see `deferDeadline`). */
  private onAlive(from: NodeId, term: number, now: number): void {
    if ((this.role === 'bully-waiting' || this.role === 'deferring') && term === this.roundTerm) {
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
  }

  /** Following a heartbeat's sender: a round ends, and the deference state with it. */
  protected override beforeFollow(): void {
    if (this.role !== 'follower') this.cancelRoundTimers();
    this.skip.clear();
    this.deferredTo.clear();
    this.deferDeadline = null;
  }

  private onElect(from: NodeId, term: number, now: number): void {
    if (!this.config.canLead) return; // a witness takes over nothing: the asker goes on without it
    if (this.role === 'leader') {
      // A lower node thinks we are gone: prove otherwise (it follows if the term allows).
      this.sendHeartbeat(from, now);
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

  /** Pre-vote for the next term (no term left, or a binding promise: follow instead). */
  private startPreVote(now: number, cause: ElectionPhaseCause): void {
    if (this.cannotStand(now)) return;
    this.roundTerm = this.term + 1;
    this.preVoteRetried = false;
    this.rivals.clear();
    if (this.openPreVote(now, cause)) {
      this.afterPreVote(now);
      return;
    }
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

  /** The pre-vote round's term is fixed when it opens. */
  protected override preVoteTerm(): number {
    return this.roundTerm;
  }

  /** A candidacy keeps asking missing voters only with succession. */
  protected override retriesVotes(): boolean {
    return this.config.succession;
  }

  /** A new candidacy: nobody refused yet, and its round was not extended. */
  protected override onCandidacy(): void {
    this.refused.clear();
    this.voteExtended = false;
  }

  /** A refusal means the vote is split, not slow: the round is not extended (see `fire`). */
  protected override onVoteRefused(peer: NodeId): void {
    this.refused.add(peer);
  }

  /** Lead: the nodes skipped or deferred to are forgotten. */
  protected override becomeLeader(now: number): void {
    this.skip.clear();
    this.deferredTo.clear();
    this.deferDeadline = null;
    super.becomeLeader(now);
  }

  /** Follow: a deference deadline no longer applies. */
  protected override becomeFollower(): void {
    this.deferDeadline = null;
    super.becomeFollower();
  }

  /** Reachable followers (acked within the lease) that may lead, highest rank first. */
  protected override currentSuccessors(now: number): NodeId[] {
    const { peers, nonLeaders } = this.config;
    const eligible = nonLeaders.size === 0 ? peers : peers.filter((p) => !nonLeaders.has(p));
    return successionOrder(eligible, this.lastAck, this.suspected, now, this.config.leaseMs);
  }

  /**
   * A follower of a known leader draws from its band of the range (see {@link successorBand}), so
   * the next in line notices a dead leader first; with no leader known (start, a failed round, a
   * vote just given) or no list, the whole range, where randomness alone separates the nodes.
   */
  protected override armElectionTimer(): void {
    const { succession, id } = this.config;
    const banded = succession && this.leader !== null && this.leader !== id && this.successors.length > 0;
    const band = banded
      ? successorBand(this.config, this.successors.indexOf(id), this.successors.length)
      : undefined;
    this.out.timer('election', drawElectionTimeout(this.config, this.random, band));
  }
}
