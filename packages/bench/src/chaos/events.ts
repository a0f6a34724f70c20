/**
 * What a chaos run records: events from every node's own log, from the writing clients, and from
 * the fault injector. The checkers are pure functions over these records.
 */

/** A node logged that it became leader of `term` (with a majority of votes). */
export interface LeaderEvent {
  kind: 'leader';
  node: number;
  term: number;
  at: number;
}

/** A node stored snapshot (term, seq) of a document; `promisedTerm` is its term when it did. */
export interface SnapshotAcceptedEvent {
  kind: 'snapshot-accepted';
  node: number;
  docId: string;
  term: number;
  seq: number;
  promisedTerm: number;
  at: number;
}

/**
 * A node answered a retransmitted announcement of snapshot (term, seq), which it had stored
 * earlier, with "stored" again: the leader may count that later answer as its ack.
 */
export interface SnapshotConfirmedEvent {
  kind: 'snapshot-confirmed';
  node: number;
  docId: string;
  term: number;
  seq: number;
  at: number;
}

/** A leader saw a majority (`ackers`, itself included) store snapshot (term, seq). */
export interface SnapshotCommittedEvent {
  kind: 'snapshot-committed';
  node: number;
  docId: string;
  term: number;
  seq: number;
  ackers: number[];
  at: number;
}

/** A client's update was acknowledged by `node` (durable on W nodes). */
export interface AckEvent {
  kind: 'ack';
  client: string;
  node: number;
  docId: string;
  key: string;
  at: number;
}

/**
 * A client request (write or read) and whether it was answered (acknowledged within the client's
 * acknowledgement timeout). `node` is the node the client was connected to when it made the
 * request (0 when unknown); a request never acknowledged stays `answered: false`.
 */
export interface RequestEvent {
  kind: 'request';
  client: string;
  at: number;
  answered: boolean;
  node?: number;
}

/** A fault the harness injected. */
export interface FaultEvent {
  kind: 'fault';
  fault: 'kill' | 'restart' | 'stop' | 'cont' | 'partition' | 'heal';
  nodes: number[];
  /** For partitions: the sides. */
  groups?: number[][];
  /** For kills: whether the node was leader and its term then (as the survivors reported it). */
  leaderTerm?: number;
  at: number;
}

/** Every kind of record. */
export type ChaosEvent =
  | LeaderEvent
  | SnapshotAcceptedEvent
  | SnapshotCommittedEvent
  | AckEvent
  | RequestEvent
  | FaultEvent;
