/**
 * The core shared by the candidates, ring and invitation algorithms: on top of the safety rules
 * of `ElectionMachine` and `VoteRounds` (terms, one persisted vote per term, majority vote rounds,
 * check-quorum, fencing, read leases) it runs Raft's pre-vote ({@link VotingCore.stand}), where a
 * refusal carries the refuser's term so a node that asks from behind learns the newer one.
 * Subclasses decide who stands and when (`onLeaderLost`, `onMessage`, `mayStand`, `mayGrant`);
 * whoever stands, at most one node can collect a majority of votes in a term, so two leaders never
 * share one. Pure: no I/O, no clock reads.
 */

import type { ElectionOutput, ElectionPhaseCause, ElectionTimer, NodeId } from './types.js';
import { VoteRounds } from './vote-rounds.js';

/** Base of the non-bully election machines (see the module comment). */
export abstract class VotingCore extends VoteRounds {
  /** What the machine does when its leader is gone (its election timer fired). */
  protected abstract onLeaderLost(now: number): void;

  /** An algorithm's own timer (any timer the core does not handle in the current role). */
  protected onTimer(_timer: ElectionTimer, _now: number): void {}

  /** A peer's link went down (after the core marked it suspected). */
  protected onPeerDown(_peer: NodeId, _now: number): void {}

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
      this.checkQuorum(now);
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

  /**
   * Would we vote for `from` in `term`? Changes no state. A grant echoes the term asked for; a
   * refusal carries our own term, so a node that asks from behind (it was down while the others
   * moved on) learns the newer term.
   */
  protected onPreVote(from: NodeId, term: number, now: number): void {
    const granted = this.wouldGrant(from, term, now);
    this.out.send(from, { type: 'pre-vote-reply', term: granted ? term : this.term, granted });
  }

  /** A pre-vote answer: a refusal from a newer term fences us; a majority of grants stands. */
  protected onPreVoteReply(from: NodeId, term: number, granted: boolean, now: number): void {
    if (!granted && term > this.term) this.adoptTerm(term, now);
    else if (this.role === 'pre-candidate' && term === this.term + 1 && granted) {
      if (this.countGrant('pre-vote', term, from, now)) this.becomeCandidate(now, 'pre-vote-won');
    }
  }

  /**
   * Pre-vote, then stand: ask every peer whether it would vote for us in the next term (it would
   * not while it hears a live leader); only with a majority of grants bump the term. A node cut
   * off with a minority therefore never raises its term, and cannot depose the majority's leader
   * when the partition heals.
   */
  protected stand(now: number, cause: ElectionPhaseCause): void {
    if (this.cannotStand(now)) return;
    if (this.openPreVote(now, cause)) {
      this.out.phaseEnded('pre-vote', this.term + 1, now, 'won', this.grants);
      this.becomeCandidate(now, 'pre-vote-won');
      return;
    }
    this.out.timer('round', this.randomTimeout());
  }

  /** A candidate's own election timer is off: its round timer ends the round. */
  protected override onCandidacy(): void {
    this.out.timer('election', null);
  }
}
