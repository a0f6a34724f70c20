/**
 * The ring algorithm (Chang–Roberts / LeLann style): members are ordered on a ring by id. A node
 * that loses its leader sends a `ring-election` to its successor; every node on the way appends
 * itself and passes it on, skipping successors it suspects. Each hop is acknowledged
 * (`ring-ack`); a successor that does not acknowledge within `2 * heartbeatMs` is suspected and
 * skipped, so the live ring is rebuilt on failure. When the message is back at its initiator, the
 * highest collected rank is chosen and a `ring-leader` announcement goes around once more.
 *
 * Safety does not rest on the ring: the chosen node still runs pre-vote and the normal vote round (a new term,
 * one persisted vote per node and term, a majority of all N). So the ring only decides who stands;
 * at most one node can collect a majority in a term, and a minority ring never elects. A node that
 * still hears a live leader drops election messages (it acts as a pre-vote), so a node with a bad
 * link cannot depose a healthy leader. Loops are bounded: a message that reaches a node already
 * on its list (its initiator died) is dropped, and the initiator's election timer starts over.
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

type RingMessage =
  | { type: 'ring-election'; term: number; initiator: NodeId; ranks: NodeId[] }
  | { type: 'ring-leader'; term: number; initiator: NodeId; leader: NodeId };

/** One node's machine under the ring algorithm. */
export class RingNode extends VotingCore {
  /** The last hop this node sent and has not seen acknowledged. */
  private pending: { to: NodeId; message: RingMessage } | null = null;
  /** Announcements seen (initiator:term:leader → when), so each goes around once. */
  private readonly announced = new Map<string, number>();

  /** Throws `RangeError` for an invalid configuration or persisted state. */
  constructor(
    config: ElectionConfig,
    persisted: PersistentElectionState,
    random: RandomSource = Math.random,
  ) {
    super(config, persisted, random);
  }

  /** How long a hop waits for its acknowledgement before the successor is skipped. */
  get hopTimeoutMs(): number {
    return 2 * this.config.heartbeatMs;
  }

  protected onLeaderLost(now: number): void {
    this.leader = null;
    // (the ring round is traced as a bully-like phase: it decides who stands)
    this.out.phaseStarted('bully', this.term + 1, now, 'election-timeout', [], this.config.peers);
    this.forward(
      { type: 'ring-election', term: this.term, initiator: this.config.id, ranks: [this.config.id] },
      now,
    );
    this.armElectionTimer(); // a round that never comes back is started over
  }

  protected override onTimer(timer: ElectionTimer, now: number): void {
    // 'round' and 'retry' belong to the vote round while a candidate; 'retry' is the hop timer otherwise.
    if (timer !== 'retry' || this.pending === null) return;
    const { to, message } = this.pending;
    this.suspected.add(to);
    this.pending = null;
    this.forward(message, now);
  }

  protected onMessage(from: NodeId, m: ElectionMessage, now: number): boolean {
    switch (m.type) {
      case 'ring-ack':
        if (this.pending?.to === from) {
          this.pending = null;
          if (this.role !== 'candidate') this.out.timer('retry', null);
        }
        return true;
      case 'ring-election':
        this.out.send(from, { type: 'ring-ack', term: m.term });
        this.onElection(from, m, now);
        return true;
      case 'ring-leader':
        this.out.send(from, { type: 'ring-ack', term: m.term });
        if (this.config.members.includes(m.leader) && this.config.members.includes(m.initiator)) {
          this.onAnnouncement(m, now);
        }
        return true;
      default:
        return false;
    }
  }

  private onElection(from: NodeId, m: Extract<RingMessage, { type: 'ring-election' }>, now: number): void {
    const { id, members } = this.config;
    if (this.role === 'leader') {
      // We are alive: show the initiator (it follows if its term allows).
      this.sendHeartbeat(m.initiator === id ? from : m.initiator, now);
      return;
    }
    if (m.term < this.term || this.leaderFresh(now) || !members.includes(m.initiator)) return;
    const ranks = m.ranks.filter((r) => members.includes(r));
    if (m.initiator === id) {
      // Back home: the highest live rank stands; tell the ring.
      const leader = Math.max(id, ...ranks);
      this.out.phaseEnded('bully', this.term + 1, now, 'won', ranks);
      this.onAnnouncement({ type: 'ring-leader', term: this.term, initiator: id, leader }, now);
      return;
    }
    if (ranks.includes(id)) {
      // It went round the live ring without its initiator (skipped as unreachable): finish it here.
      const leader = Math.max(...ranks.filter((r) => r !== m.initiator));
      this.onAnnouncement({ type: 'ring-leader', term: m.term, initiator: id, leader }, now);
      return;
    }
    this.forward({ ...m, ranks: [...ranks, id] }, now);
  }

  private onAnnouncement(m: Extract<RingMessage, { type: 'ring-leader' }>, now: number): void {
    const key = `${m.initiator}:${m.term}:${m.leader}`;
    const seen = this.announced.get(key);
    if (seen !== undefined && now - seen < this.config.electionTimeoutMaxMs) return; // once around
    if (this.announced.size > 4 * this.config.members.length) this.announced.clear();
    this.announced.set(key, now);
    if (m.term < this.term) return;
    const standing = this.role === 'leader' || this.role === 'candidate' || this.role === 'pre-candidate';
    if (m.leader === this.config.id && !standing) this.stand(now, 'elect');
    this.forward(m, now);
  }

  /** Pass `message` to the next live successor. */
  private forward(message: RingMessage, now: number): void {
    const next = this.nextLive();
    if (next !== null) {
      this.send(next, message);
      return;
    }
    // Alone on the live ring: its own election comes straight back.
    if (message.type === 'ring-election' && message.initiator === this.config.id) {
      const leader = this.config.id;
      this.onAnnouncement({ type: 'ring-leader', term: message.term, initiator: leader, leader }, now);
    }
  }

  private send(to: NodeId, message: RingMessage): void {
    this.pending = { to, message };
    this.out.send(to, message);
    if (this.role !== 'candidate') this.out.timer('retry', this.hopTimeoutMs);
  }

  /** The next member after this one on the ring (by id, wrapping) that is not suspected. */
  private nextLive(): NodeId | null {
    const { members, id } = this.config;
    const at = members.indexOf(id);
    for (let i = 1; i < members.length; i++) {
      const m = members[(at + i) % members.length]!;
      if (!this.suspected.has(m)) return m;
    }
    return null;
  }
}
