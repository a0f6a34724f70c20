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
   * How long the bully phase waits for a higher-ranked node to answer `alive`. Default
   * `2 * heartbeatMs`. (Pre-vote and vote rounds wait a randomized election timeout.)
   */
  roundTimeoutMs?: number;
  /**
   * Next-in-line succession and bully deference (default true). When false the machine behaves
   * like plain Raft with pre-vote (any node that wins a pre-vote runs for election at once), which
   * the failover simulation uses as its baseline.
   */
  succession?: boolean;
  /**
   * Granularity of the randomized election timeout (default 1 ms). etcd draws its timeout in
   * whole heartbeat ticks; the failover simulation sets this to `heartbeatMs` to reproduce that.
   */
  timeoutTickMs?: number;
}

/** Leader to every peer: "I lead `term`; if I fail, `successors` take over in this order". */
export interface HeartbeatMessage {
  type: 'heartbeat';
  term: number;
  successors: NodeId[];
}

/** Reply to a heartbeat, carrying the replier's term (a higher one deposes a stale leader). */
export interface HeartbeatAckMessage {
  type: 'heartbeat-ack';
  term: number;
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

/** Every message of the election protocol. */
export type ElectionMessage =
  | HeartbeatMessage
  | HeartbeatAckMessage
  | PreVoteMessage
  | PreVoteReplyMessage
  | ElectMessage
  | AliveMessage
  | VoteRequestMessage
  | VoteReplyMessage;

/** The timers a node uses. Setting one replaces the previous timer of the same kind. */
export type ElectionTimer = 'election' | 'heartbeat' | 'round';

/** Where a node is in the protocol. */
export type ElectionRole =
  | 'follower'
  | 'pre-candidate'
  | 'bully-waiting'
  | 'deferring'
  | 'candidate'
  | 'leader';

/** Something worth logging (the chaos checkers read these from every node's own log). */
export type ElectionEvent =
  | { type: 'became-leader'; term: number; at: number; voters: NodeId[] }
  | { type: 'stepped-down'; term: number; at: number; reason: 'higher-term' | 'lost-quorum' }
  | { type: 'leader-seen'; term: number; leader: NodeId; at: number }
  | { type: 'term-changed'; term: number; at: number };

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
