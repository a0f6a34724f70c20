/**
 * The candidates algorithm: only the nodes of `config.candidates` may lead. An ordinary node never
 * stands: when it loses its leader it sends one `election-request` to a candidate (the highest
 * ranked it does not suspect, the next one on each later timeout) and then only votes, and only
 * for candidates. Candidates stand like Raft nodes (randomized timeouts, one persisted vote per
 * term, a majority of all N). With C candidates an election costs about C·N messages instead of
 * N·N when everyone may stand, which is what matters in a large cluster.
 */
import type { RandomSource } from '../time/random.js';
import type { ElectionConfig, ElectionMessage, NodeId, PersistentElectionState } from './types.js';
import { VotingCore } from './voting-core.js';

/** One node's machine under the candidates algorithm. */
export class CandidatesNode extends VotingCore {
  /** The nodes that may lead, highest rank first. */
  readonly candidates: readonly NodeId[];
  /** How many requests this node sent since it last followed a leader (picks the next candidate). */
  private requests = 0;

  /**
   * Throws `RangeError` when `config.candidates` is empty or names a non-member (and for
   * everything `ElectionNode` refuses).
   */
  constructor(
    config: ElectionConfig,
    persisted: PersistentElectionState,
    random: RandomSource = Math.random,
  ) {
    super(config, persisted, random);
    const candidates = [...new Set(config.candidates ?? this.config.members)].sort((a, b) => b - a);
    if (candidates.length === 0) throw new RangeError('election config: no candidates');
    for (const c of candidates) {
      if (!this.config.members.includes(c))
        throw new RangeError(`election config: candidate ${c} is not a member`);
    }
    this.candidates = candidates;
  }

  /** Whether this node is one of the candidates. */
  get isCandidate(): boolean {
    return this.candidates.includes(this.config.id);
  }

  protected override mayStand(): boolean {
    return this.isCandidate;
  }

  protected override mayGrant(candidate: NodeId): boolean {
    return this.candidates.includes(candidate);
  }

  protected onLeaderLost(now: number): void {
    this.leader = null;
    if (this.isCandidate) {
      this.stand(now, 'election-timeout');
      return;
    }
    const live = this.candidates.filter((c) => !this.suspected.has(c));
    const pool = live.length > 0 ? live : this.candidates;
    const to = pool[this.requests % pool.length];
    this.requests++;
    if (to !== undefined) this.out.send(to, { type: 'election-request', term: this.term });
    this.armElectionTimer();
  }

  protected onMessage(from: NodeId, m: ElectionMessage, now: number): boolean {
    if (m.type === 'heartbeat') this.requests = 0;
    if (m.type !== 'election-request') return false;
    // A request from a node that lost the leader: stand at once unless we still hear one, already
    // stand or lead, or the request is older than our term (a round has happened since).
    const idle = this.role === 'follower' && !this.leaderFresh(now);
    if (this.isCandidate && idle && m.term >= this.term) this.stand(now, 'elect');
    else if (this.role === 'leader') {
      this.sendHeartbeat(from, now);
    }
    return true;
  }
}
