/**
 * The invitation algorithm (Garcia-Molina): every node starts as the coordinator of a group of its
 * own. Coordinators periodically `invite` the nodes outside their group; a coordinator invited by
 * a higher-ranked group (larger, then higher id) joins it (`invite-accept`, bringing its members)
 * and tells its members their new coordinator (`invite-merge`). A coordinator beats
 * (`group-beat`) to its members, which answer; a member that stops hearing its coordinator
 * becomes the coordinator of a group of its own again, and a coordinator drops members it has not
 * heard within its lease.
 *
 * Groups are not leadership: only a coordinator whose group holds a majority of all N members
 * runs the normal vote round (a new term, one persisted vote per node and term, a majority of all
 * N); only the winner is reported as leader, may commit snapshots and holds check-quorum. So a
 * minority group never leads, and after a partition heals the groups merge into one again (the
 * leader's heartbeats and the coordinators' invitations reach across).
 */
import type { RandomSource } from '../time/random.js';
import type {
  ElectionConfig,
  ElectionMessage,
  ElectionTimer,
  NodeId,
  PersistentElectionState,
} from './types.js';
import { VotingCore } from './voting-core.js';

/** One node's machine under the invitation algorithm. */
export class InvitationNode extends VotingCore {
  /** This node's coordinator (itself while it coordinates, stands or leads). */
  private coordinator: NodeId;
  /** A coordinator's members (not itself) and when each was last heard. */
  private readonly group = new Map<NodeId, number>();
  private lastCoordinatorContact = Number.NEGATIVE_INFINITY;

  /** Throws `RangeError` for an invalid configuration or persisted state. */
  constructor(
    config: ElectionConfig,
    persisted: PersistentElectionState,
    random: RandomSource = Math.random,
  ) {
    super(config, persisted, random);
    this.coordinator = this.config.id;
  }

  /** This node's group as it sees it: its coordinator's id and the members it knows (coordinators only). */
  groupView(): { coordinator: NodeId; members: NodeId[] } {
    const own = this.coordinator === this.config.id;
    return { coordinator: this.coordinator, members: own ? [this.config.id, ...this.group.keys()] : [] };
  }

  protected override begin(now: number): void {
    if (this.config.peers.length === 0) this.becomeCandidate(now, 'start');
    else this.becomeCoordinator(now);
  }

  protected onLeaderLost(now: number): void {
    this.becomeCoordinator(now);
  }

  protected override becomeFollower(): void {
    const was = this.role;
    super.becomeFollower();
    if (this.leader === null && was !== 'member') this.becomeCoordinator(Number.NaN, was);
  }

  protected override afterVote(candidate: NodeId): void {
    // Our group (if we coordinated one) follows us into the candidate's.
    if (this.role === 'coordinator') this.mergeInto(candidate);
    super.becomeFollower();
    this.joinGroupOf(candidate, Number.NaN);
  }

  protected override onHeartbeat(
    from: NodeId,
    term: number,
    successors: NodeId[],
    now: number,
    lease?: number,
  ): void {
    super.onHeartbeat(from, term, successors, now, lease);
    if (this.role === 'follower' && this.leader === from) this.coordinator = from;
  }

  protected override onTimer(timer: ElectionTimer, now: number): void {
    if (timer === 'round' && this.role === 'coordinator') this.inviteRound(now);
  }

  protected onMessage(from: NodeId, m: ElectionMessage, now: number): boolean {
    switch (m.type) {
      case 'invite':
        // A group cannot be larger than the cluster: a peer claiming so is confused, not followed.
        if (m.size <= this.config.members.length) this.onInvite(from, m.size, now);
        return true;
      case 'invite-accept':
        this.onAccept(from, m.members, now);
        return true;
      case 'invite-merge':
        if (
          this.role === 'member' &&
          from === this.coordinator &&
          m.coordinator !== this.config.id &&
          this.config.peers.includes(m.coordinator)
        ) {
          this.joinGroupOf(m.coordinator, now);
          this.out.send(m.coordinator, { type: 'invite-accept', term: this.term, members: [] });
        }
        return true;
      case 'group-beat':
        if (this.role === 'member' && from === this.coordinator) {
          this.lastCoordinatorContact = now;
          this.armElectionTimer();
          this.out.send(from, { type: 'invite-accept', term: this.term, members: [] });
        }
        return true;
      default:
        return false;
    }
  }

  /** A group's rank: larger first, then higher coordinator id. */
  private outranks(size: number, id: NodeId): boolean {
    const mine = this.group.size + 1;
    return size > mine || (size === mine && id > this.config.id);
  }

  private onInvite(from: NodeId, size: number, now: number): void {
    if (this.role === 'leader') {
      // The cluster's leader answers with a heartbeat: the inviter follows it (or its newer term deposes us).
      this.sendHeartbeat(from, now);
      return;
    }
    const stale =
      (this.role === 'follower' && !this.leaderFresh(now)) ||
      (this.role === 'member' && now - this.lastCoordinatorContact >= this.config.stickinessMs);
    if (stale) this.becomeCoordinator(now);
    if (this.role !== 'coordinator' || !this.outranks(size, from)) return;
    // Join the higher-ranked group with our members.
    this.out.send(from, { type: 'invite-accept', term: this.term, members: [...this.group.keys()] });
    this.joinGroupOf(from, now);
  }

  private onAccept(from: NodeId, members: readonly NodeId[], now: number): void {
    if (this.role === 'leader') {
      for (const p of [from, ...members]) {
        if (p !== this.config.id && this.config.peers.includes(p)) {
          this.sendHeartbeat(p, now);
        }
      }
      return;
    }
    if (this.role === 'member' || this.role === 'follower') {
      // It joined us but we joined someone else since: send it on.
      if (this.coordinator !== this.config.id && this.coordinator !== from) {
        this.out.send(from, { type: 'invite-merge', term: this.term, coordinator: this.coordinator });
      }
      return;
    }
    for (const p of [from, ...members]) {
      if (p !== this.config.id && this.config.peers.includes(p)) this.group.set(p, now);
    }
    if (this.role === 'coordinator' && this.group.size + 1 >= this.config.majority) {
      this.becomeCandidate(now, 'pre-vote-won');
    }
  }

  /** Coordinate a group: our own, or (after a lost round or step-down) the members still fresh. */
  private becomeCoordinator(now: number, was = this.role): void {
    const keep = was === 'coordinator' || was === 'candidate' || was === 'leader';
    if (!keep) this.group.clear();
    if (was === 'leader') for (const [p, at] of this.lastAck) this.group.set(p, at);
    this.role = 'coordinator';
    this.coordinator = this.config.id;
    this.leader = null;
    this.out.timer('election', null);
    this.out.timer('retry', null);
    if (Number.isNaN(now)) this.out.timer('round', this.inviteDelay());
    else this.inviteRound(now);
  }

  /** One coordinator tick: drop silent members, beat to the rest, invite the others, stand if a majority. */
  private inviteRound(now: number): void {
    for (const [p, at] of this.group) if (now - at > this.config.leaseMs) this.group.delete(p);
    if (this.group.size + 1 >= this.config.majority) {
      this.becomeCandidate(now, 'election-timeout');
      return;
    }
    const members = [...this.group.keys()];
    for (const p of members) this.out.send(p, { type: 'group-beat', term: this.term, members });
    const size = members.length + 1;
    for (const p of this.config.peers) {
      if (!this.group.has(p) && !this.suspected.has(p))
        this.out.send(p, { type: 'invite', term: this.term, size });
    }
    this.out.timer('round', this.inviteDelay());
  }

  private mergeInto(coordinator: NodeId): void {
    for (const m of this.group.keys()) {
      if (m !== coordinator) this.out.send(m, { type: 'invite-merge', term: this.term, coordinator });
    }
  }

  private joinGroupOf(coordinator: NodeId, now: number): void {
    if (this.role === 'coordinator') this.mergeInto(coordinator);
    this.group.clear();
    this.role = 'member';
    this.coordinator = coordinator;
    this.lastCoordinatorContact = Number.isNaN(now) ? Number.NEGATIVE_INFINITY : now;
    this.out.timer('round', null);
    this.armElectionTimer();
  }

  /** Invitations go out every one to two heartbeat intervals. */
  private inviteDelay(): number {
    return this.config.heartbeatMs * (1 + Math.min(Math.max(this.random(), 0), 0.999999));
  }
}
