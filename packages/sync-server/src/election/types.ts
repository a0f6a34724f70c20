/**
 * Types of the election state machine: node ids, configuration, the messages peers exchange, and
 * the commands the machine returns to its host (messages to send, timers to set, state to persist,
 * events to log). The machine itself does no I/O; see `election-node.ts`.
 */

/** A node's id, which is also its rank: a higher id outranks a lower one. Positive safe integer. */
export type NodeId = number;

/**
 * The highest term a node accepts or reaches (2^53 − 2): one below the largest safe integer, so
 * `term + 1` is still exact wherever it is computed. A message naming a higher term is refused
 * on receipt, and a node at this term never starts an election (it can only follow).
 */
export const MAX_TERM = Number.MAX_SAFE_INTEGER - 1;

/** Whether `term` is a term a node may hold: a safe integer in `0..MAX_TERM`. */
export function isValidTerm(term: number): boolean {
  return Number.isSafeInteger(term) && term >= 0 && term <= MAX_TERM;
}

/** The state a node must persist durably before it sends anything that depends on it. */
export interface PersistentElectionState {
  /** The highest term this node has seen. */
  term: number;
  /** The node this node voted for in `term`, or null when it has not voted in `term`. */
  votedFor: NodeId | null;
}

/** Election timing and membership. Every duration is in milliseconds. */
export interface ElectionConfig {
  /** This node's id. */
  id: NodeId;
  /** Every node of the cluster, this one included (N = its length). */
  members: readonly NodeId[];
  /** How often a leader sends heartbeats. Default 50. */
  heartbeatMs?: number;
  /** Lower bound (inclusive) of the randomized election timeout. Default 300. */
  electionTimeoutMinMs?: number;
  /** Upper bound (exclusive) of the randomized election timeout. Default 600. */
  electionTimeoutMaxMs?: number;
  /**
   * Check-quorum lease: a leader that has not heard from a majority within this window steps
   * down. Default: `electionTimeoutMinMs`, so a deposed leader gives up before any follower of it
   * can vote for someone else.
   */
  leaseMs?: number;
  /**
   * How long the bully phase waits for a higher-ranked node to answer `alive` when none of the
   * nodes it asked granted its pre-vote (one that did is waited for a randomized election
   * timeout). Default `2 * heartbeatMs`.
   */
  aliveWaitMs?: number;
  /**
   * How soon a pre-vote that has not reached a majority asks again, randomized in [x, 2x)
   * (default `2 * heartbeatMs`). Grants already received keep counting, so a slow peer's answer
   * is never wasted, and a peer that was paused or cut off is asked again as soon as it can
   * answer instead of a whole election timeout later. Pre-votes change no state, so asking often
   * cannot disrupt a healthy leader. Ignored when `succession` is false (plain Raft returns to
   * follower and waits for its next election timeout).
   */
  preVoteRetryMs?: number;
  /**
   * Next-in-line succession and bully deference (default true). When false the machine behaves
   * like plain Raft with pre-vote (any node that wins a pre-vote runs for election at once), which
   * the failover simulation uses as its baseline.
   */
  succession?: boolean;
  /**
   * Granularity of the randomized election timeout (default 1 ms). etcd draws its timeout in
   * whole heartbeat ticks; the failover simulation sets this to `heartbeatMs` to reproduce that.
   * Above 1 ms each node's draw is shifted by its share of a tick (the i-th of N members by id adds
   * i/N of one), so two nodes never time out at the same instant round after round.
   */
  timeoutTickMs?: number;
  /**
   * The nodes that may lead under the `candidates` algorithm (ignored by the others). Default:
   * every member. Must be a non-empty subset of `members`.
   */
  candidates?: readonly NodeId[];
  /**
   * Whether this node may lead (default: unless it is one of `nonLeaders`). A witness replica (`--witness`) sets false: it
   * never starts a pre-vote or a candidacy and never answers `alive` to take over a lower node's
   * round, but it still grants pre-votes and votes and acknowledges heartbeats.
   */
  canLead?: boolean;
  /**
   * Members that never lead (the cluster's witnesses): a leader leaves them out of its successor
   * list, and no node defers to them in the bully phase. Default none.
   */
  nonLeaders?: readonly NodeId[];
  /**
   * Register read leases: how long (ms, by its own clock) a follower that acknowledged a lease
   * heartbeat promises not to grant a (pre-)vote or stand. The leader's lease is shorter:
   * `leasePromiseMs * (1 - leaseDrift) - leaseMarginMs` past the send of the heartbeat a majority
   * acknowledged (see `read-lease.ts`). 0 turns leases off. Default: the stickiness window
   * (`max(2 * heartbeatMs, electionTimeoutMinMs / 2)`, 150 ms), so the ordinary election timeout
   * path is not slowed; only a `peerDown` shortcut taken while register reads are served waits.
   */
  leasePromiseMs?: number;
  /**
   * Bound on clock-rate drift between two nodes' monotonic clocks over the same real interval
   * (`elapsed_a >= (1 - leaseDrift) * elapsed_b`), in [0, 1). Default 0.01.
   */
  leaseDrift?: number;
  /** Milliseconds taken off every lease for message handling between stamp and send. Default 10. */
  leaseMarginMs?: number;
  /**
   * The leader asks followers for promises only while a register read happened within this many
   * ms (default 3000), so a cluster that does not use the register pays nothing at failover.
   */
  leaseIdleMs?: number;
}

/** Leader to every peer: "I lead `term`; if I fail, `successors` take over in this order". */
export interface HeartbeatMessage {
  type: 'heartbeat';
  term: number;
  successors: NodeId[];
  /**
   * A lease round (positive): the follower that acknowledges this heartbeat promises not to vote
   * or stand for `leasePromiseMs` by its own clock, and echoes the round in its ack. Absent when
   * the leader serves no register reads.
   */
  lease?: number;
}

/** Reply to a heartbeat, carrying the replier's term (a higher one deposes a stale leader). */
export interface HeartbeatAckMessage {
  type: 'heartbeat-ack';
  term: number;
  /** The lease round of the heartbeat acknowledged, when it carried one and this node promised. */
  lease?: number;
}

/** "Have you also lost the leader? Would you vote for me in `term`?" Changes no state. */
export interface PreVoteMessage {
  type: 'pre-vote';
  term: number;
}

/** Answer to a pre-vote for `term`. */
export interface PreVoteReplyMessage {
  type: 'pre-vote-reply';
  term: number;
  granted: boolean;
}

/** Bully: a lower-ranked node that won a pre-vote for `term` asks a higher-ranked one to take over. */
export interface ElectMessage {
  type: 'elect';
  term: number;
}

/** Bully: "I am alive and take over the election for `term`". */
export interface AliveMessage {
  type: 'alive';
  term: number;
}

/** A candidate asks for a vote in `term` (the term is already bumped and persisted). */
export interface VoteRequestMessage {
  type: 'vote-request';
  term: number;
}

/** Answer to a vote request; `term` is the replier's term after handling the request. */
export interface VoteReplyMessage {
  type: 'vote-reply';
  term: number;
  granted: boolean;
}

/** Candidates: an ordinary node lost its leader and asks a candidate to stand in a term above `term`. */
export interface ElectionRequestMessage {
  type: 'election-request';
  term: number;
}

/**
 * Ring: an election going around the live ring, started by `initiator` when its term was `term`;
 * `ranks` are the nodes it passed so far (the initiator first), in ring order.
 */
export interface RingElectionMessage {
  type: 'ring-election';
  term: number;
  initiator: NodeId;
  ranks: NodeId[];
}

/** Ring: the result of `initiator`'s round going around once: `leader` (the highest rank) stands. */
export interface RingLeaderMessage {
  type: 'ring-leader';
  term: number;
  initiator: NodeId;
  leader: NodeId;
}

/** Ring: the next node on the ring received a ring message (the hop is done). */
export interface RingAckMessage {
  type: 'ring-ack';
  term: number;
}

/** Invitation: a group coordinator with a group of `size` nodes invites another coordinator to merge. */
export interface InviteMessage {
  type: 'invite';
  term: number;
  size: number;
}

/**
 * Invitation: the sender joins the receiver's group, bringing `members` (its old group); also a
 * member's answer to its coordinator's {@link GroupBeatMessage}, with `members` empty.
 */
export interface InviteAcceptMessage {
  type: 'invite-accept';
  term: number;
  members: NodeId[];
}

/** Invitation: a coordinator that joined another group tells its members their new `coordinator`. */
export interface InviteMergeMessage {
  type: 'invite-merge';
  term: number;
  coordinator: NodeId;
}

/** Invitation: a coordinator (not the cluster leader) to its group members, periodically. */
export interface GroupBeatMessage {
  type: 'group-beat';
  term: number;
  members: NodeId[];
}

/** Every message of the election protocols (bully's and the other algorithms'). */
export type ElectionMessage =
  | HeartbeatMessage
  | HeartbeatAckMessage
  | PreVoteMessage
  | PreVoteReplyMessage
  | ElectMessage
  | AliveMessage
  | VoteRequestMessage
  | VoteReplyMessage
  | ElectionRequestMessage
  | RingElectionMessage
  | RingLeaderMessage
  | RingAckMessage
  | InviteMessage
  | InviteAcceptMessage
  | InviteMergeMessage
  | GroupBeatMessage;

/**
 * The timers a node uses. Setting one replaces the previous timer of the same kind. `retry`
 * re-sends a candidate's vote requests to the peers that have not answered (a request lost to a
 * link that was down, or a peer that was paused, costs a retry interval, not a whole round).
 */
export type ElectionTimer = 'election' | 'heartbeat' | 'round' | 'retry';

/** Where a node is in the protocol. */
export type ElectionRole =
  | 'follower'
  | 'pre-candidate'
  | 'bully-waiting'
  | 'deferring'
  | 'candidate'
  | 'leader'
  /** Invitation: coordinator of a group that does not (yet) lead the cluster. */
  | 'coordinator'
  /** Invitation: member of a group whose coordinator does not lead the cluster. */
  | 'member';

/**
 * A phase of an election round. Pre-vote asks whether a majority also lost the leader; `bully`
 * asks the nodes ahead in the succession order to take over; `vote` asks for votes in a new term.
 * Other election algorithms may name their own phases.
 */
export type ElectionPhase = 'pre-vote' | 'bully' | 'vote';

/**
 * What started a phase: the election timer (`election-timeout`), a lower-ranked node asking this
 * one to take over (`elect`), the end of the previous phase (`pre-vote-won`, `bully-timeout`), a
 * pre-vote retried after one that reached no majority (`retry`), or a node ahead in line found
 * unreachable (`suspect`).
 */
export type ElectionPhaseCause =
  | 'election-timeout'
  | 'elect'
  | 'pre-vote-won'
  | 'bully-timeout'
  | 'retry'
  | 'suspect'
  | 'start';

/**
 * How a phase ended: `won` (a majority granted, or nobody was ahead), `timed-out` (its round
 * timer fired first), `deferred` (a node ahead answered `alive` and took over).
 */
export type ElectionPhaseOutcome = 'won' | 'timed-out' | 'deferred';

/**
 * Something worth logging (the chaos checkers read these from every node's own log). The
 * `phase-*` events trace each election round so a slow failover can be explained afterwards; they
 * change nothing.
 */
export type ElectionEvent =
  | { type: 'became-leader'; term: number; at: number; voters: NodeId[] }
  | { type: 'stepped-down'; term: number; at: number; reason: 'higher-term' | 'lost-quorum' }
  | { type: 'leader-seen'; term: number; leader: NodeId; at: number }
  | { type: 'term-changed'; term: number; at: number }
  | {
      type: 'phase-started';
      phase: ElectionPhase;
      /** The term the round is for (the next term while pre-voting). */
      term: number;
      at: number;
      cause: ElectionPhaseCause;
      /** The succession order this node believed in when the phase started. */
      successors: NodeId[];
      /** Who the phase asks (everyone for pre-vote and vote, the nodes ahead for bully). */
      asked: NodeId[];
    }
  | {
      type: 'phase-ended';
      phase: ElectionPhase;
      term: number;
      at: number;
      outcome: ElectionPhaseOutcome;
      /** Nodes that granted (pre-vote, vote) or answered `alive` (bully), this node included. */
      granted: NodeId[];
    };

/** A message to send to one peer. */
export interface OutboundElectionMessage {
  to: NodeId;
  message: ElectionMessage;
}

/** Set (delayMs >= 0) or cancel (delayMs null) one timer. */
export interface TimerCommand {
  timer: ElectionTimer;
  delayMs: number | null;
}

/**
 * What the host must do after one step, in this order: write `persist` durably (when present),
 * then apply `timers`, then send `send`. Sending before the write is durable could let a node
 * vote twice in one term after a crash.
 */
export interface ElectionOutput {
  persist?: PersistentElectionState;
  send: OutboundElectionMessage[];
  timers: TimerCommand[];
  events: ElectionEvent[];
}

/** Read-only snapshot of a node's election state for status pages and tests. */
export interface ElectionStatus {
  id: NodeId;
  role: ElectionRole;
  term: number;
  votedFor: NodeId | null;
  leader: NodeId | null;
  successors: readonly NodeId[];
}
