/**
 * Pre-vote and vote rounds, shared by every election algorithm on top of {@link ElectionMachine}:
 * the rules for granting a pre-vote or a vote (never while a live leader is heard or a read-lease
 * promise binds, never to a candidate the algorithm refuses, at most one persisted vote per term),
 * opening a pre-vote round, standing (claiming the next term with a vote for itself), counting
 * grants to a majority of all N members, and asking again for missing votes. The algorithms decide
 * who stands and when. Pure: no I/O, no clock reads.
 */
import { ElectionMachine } from './election-machine.js';
import { type ElectionOutput, type ElectionPhaseCause, MAX_TERM, type NodeId } from './types.js';

/** The vote rounds of an election machine (see the module comment). */
export abstract class VoteRounds extends ElectionMachine {
  /** Whether this node may stand for election at all. */
  protected mayStand(): boolean {
    return true;
  }

  /** Whether this node may vote for `candidate`. */
  protected mayGrant(_candidate: NodeId): boolean {
    return true;
  }

  /** The term the current pre-vote round asks for. */
  protected preVoteTerm(): number {
    return this.term + 1;
  }

  /** Whether a candidate asks again for missing votes after a retry interval. */
  protected retriesVotes(): boolean {
    return true;
  }

  /** A candidacy began: the term is claimed; the vote round's trace comes next. */
  protected onCandidacy(): void {}

  /** A peer refused this candidacy's vote in the current term. */
  protected onVoteRefused(_peer: NodeId): void {}

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
        this.out.send(peer, { type: 'pre-vote', term: this.preVoteTerm() });
      } else if (this.role === 'candidate' && !this.grants.has(peer)) {
        this.out.send(peer, { type: 'vote-request', term: this.term });
      } else if (this.role === 'leader') {
        this.sendHeartbeat(peer, now);
      }
    }
    return this.out.take();
  }

  /** Whether this node would grant `from` a vote in `term` now (the pre-vote rule; changes nothing). */
  protected wouldGrant(from: NodeId, term: number, now: number): boolean {
    return this.role !== 'leader' && term > this.term && !this.bound(now) && this.mayGrant(from);
  }

  /** Grant `from` this term's vote unless bound, refused by the algorithm, or voted for another. */
  protected onVoteRequest(from: NodeId, term: number, now: number): void {
    if (term < this.term || this.role === 'leader' || this.bound(now) || !this.mayGrant(from)) {
      this.out.send(from, { type: 'vote-reply', term: this.term, granted: false });
      return;
    }
    if (term > this.term) this.adoptTerm(term, now);
    const granted = this.vote.grant(from, this.out);
    if (granted) this.afterVote(from);
    this.out.send(from, { type: 'vote-reply', term: this.term, granted });
  }

  /** A vote answer: a newer term fences us; a majority of grants leads. */
  protected onVoteReply(from: NodeId, term: number, granted: boolean, now: number): void {
    if (term > this.term) this.adoptTerm(term, now);
    else if (this.role === 'candidate' && term === this.term) {
      if (!granted) this.onVoteRefused(from);
      else if (this.countGrant('vote', this.term, from, now)) this.becomeLeader(now);
    }
  }

  /** After granting `candidate` a vote: wait for it (or another) to lead. */
  protected afterVote(_candidate: NodeId): void {
    this.becomeFollower();
  }

  /**
   * Count `from`'s grant in the `phase` round of `term`; true when that makes a majority (the
   * phase's end is traced, the caller moves on).
   */
  protected countGrant(phase: 'pre-vote' | 'vote', term: number, from: NodeId, now: number): boolean {
    this.grants.add(from);
    if (this.grants.size < this.config.majority) return false;
    this.out.phaseEnded(phase, term, now, 'won', this.grants);
    return true;
  }

  /**
   * Whether this node cannot stand now, having dealt with it: no term is left to claim or it may
   * not stand (it follows), or it promised a leader a read lease (it waits the promise out).
   */
  protected cannotStand(now: number): boolean {
    if (this.term >= MAX_TERM || !this.mayStand()) {
      this.becomeFollower();
      return true;
    }
    if (this.leases.promise.binds(now)) {
      this.waitOutPromise(now);
      return true;
    }
    return false;
  }

  /**
   * Open a pre-vote round for {@link preVoteTerm}: ask every peer whether it would vote for this
   * node (it would not while it hears a live leader); only with a majority of grants does it bump
   * the term, so a node cut off with a minority never raises its term. Returns true when this
   * node alone is a majority (nothing is sent; the caller moves on).
   */
  protected openPreVote(now: number, cause: ElectionPhaseCause): boolean {
    const term = this.preVoteTerm();
    this.role = 'pre-candidate';
    this.leader = null;
    this.grants.clear();
    this.grants.add(this.config.id);
    this.out.timer('election', null);
    this.out.phaseStarted('pre-vote', term, now, cause, this.successors, this.config.peers);
    if (this.grants.size >= this.config.majority) return true;
    for (const p of this.config.peers) this.out.send(p, { type: 'pre-vote', term });
    return false;
  }

  /** Stand: bump and persist the term with a vote for itself, then ask every peer. */
  protected becomeCandidate(now: number, cause: ElectionPhaseCause): void {
    if (this.cannotStand(now)) return;
    this.role = 'candidate';
    this.leader = null;
    this.vote.claimNext(this.config.id, now, this.out);
    this.onCandidacy();
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

  /**
   * Ask the peers that have not granted yet for their vote in this term, and ask again after a
   * retry interval until the round ends. Asking twice is harmless: a node grants at most one
   * candidate per term, and grants the same one again.
   */
  protected askForVotes(): void {
    for (const p of this.config.peers) {
      if (!this.grants.has(p)) this.out.send(p, { type: 'vote-request', term: this.term });
    }
    if (this.retriesVotes()) this.out.timer('retry', this.retryDelay());
  }

  /**
   * Promised a leader (see `read-lease.ts`): follow, and try again once the promise ends (a
   * machine that does not follow, such as an invitation coordinator, retries on its own timer).
   */
  protected waitOutPromise(now: number): void {
    this.becomeFollower();
    if (this.role === 'follower') this.out.timer('election', this.leases.promise.remaining(now));
  }

  /**
   * Whether this node may grant no (pre-)vote now: it heard its leader within the stickiness
   * window, or it promised a leader a read lease that has not ended (even if the link closed).
   */
  private bound(now: number): boolean {
    return this.leaderFresh(now) || this.leases.promise.binds(now);
  }
}
