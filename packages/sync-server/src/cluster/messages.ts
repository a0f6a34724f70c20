/**
 * Messages between relay nodes (peer links): election, replicated updates and their
 * acknowledgements, state-vector catch-up, and ordered snapshots.
 */
import type { PresenceEntry } from '@accord/core/protocol';
import type { ElectionMessage, NodeId } from '../election/types.js';
import type { RegisterMessage } from '../register/register-messages.js';
import type { SnapshotNumber } from '../snapshot/snapshot-number.js';
import type { CausalMark, CausalStamp } from './causal-forwarding.js';

/** A client update a node stored, forwarded to a peer; `updateId` is unique per origin node. */
export interface ReplicateMessage {
  type: 'replicate';
  docId: string;
  updateId: number;
  update: Uint8Array;
  /**
   * On a forwarded client write: what it may follow (see `CausalForwarding`). Absent on catch-up
   * traffic and a witness's hand-over, which are taken in as they come.
   */
  causal?: CausalStamp;
}

/** "Send me what I lack of `docId` (I am at `stateVector`), with your frontier": see `CausalForwarding`. */
export interface CausalPullMessage {
  type: 'causal-pull';
  docId: string;
  stateVector: Uint8Array;
}

/** The answer to a pull, from the answerer's memory, with its frontier at that instant. */
export interface CausalFillMessage {
  type: 'causal-fill';
  docId: string;
  update: Uint8Array;
  /** The answerer's own mark and its receive frontier. */
  frontier: CausalMark[];
  /** Peers that may still lack data of the update outside the frontier (see `CausalForwarding.answer`). */
  untracked: NodeId[];
}

/** "I stored update `updateId` of `docId` durably." */
export interface ReplicateAckMessage {
  type: 'replicate-ack';
  docId: string;
  updateId: number;
}

/** Catch-up or a join's read: "here is my state vector of `docId`; send what I lack". */
export interface SyncRequestMessage {
  type: 'sync-request';
  docId: string;
  /**
   * The quorum read this request belongs to (echoed in the reply, so a read counts only answers
   * given after it began), or 0 for catch-up.
   */
  reqId: number;
  stateVector: Uint8Array;
}

/** The answer: the updates the requester lacks, and the answerer's own state vector. */
export interface SyncReplyMessage {
  type: 'sync-reply';
  docId: string;
  /** The `reqId` of the request answered. */
  reqId: number;
  update: Uint8Array;
  stateVector: Uint8Array;
}

/** New leader: "what is the highest snapshot of `docId` you store?" (promises `term`). */
export interface SnapshotQueryWireMessage {
  type: 'snapshot-query';
  docId: string;
  term: number;
}

/** Answer to a snapshot query. */
export interface SnapshotAnswerMessage {
  type: 'snapshot-answer';
  docId: string;
  term: number;
  highest: SnapshotNumber | null;
}

/** Leader: "store snapshot `number` of `docId`, covering `stateVector`". */
export interface SnapshotAnnounceMessage {
  type: 'snapshot-announce';
  docId: string;
  number: SnapshotNumber;
  /** When the leader numbered it (ms since the epoch, the leader's clock): the version's time. */
  at: number;
  stateVector: Uint8Array;
  snapshot: Uint8Array;
}

/** Reply to an announcement: stored or refused, with the replier's promised term. */
export interface SnapshotReplyMessage {
  type: 'snapshot-reply';
  docId: string;
  number: SnapshotNumber;
  accepted: boolean;
  promisedTerm: number;
}

/**
 * Presence of the sender's own client sessions in `docId` changed (best effort: not stored, not
 * acknowledged). `state: null` means the session left or expired. Session ids carry the sending
 * node's id in their low bits, so they never collide across nodes.
 */
export interface PeerPresenceMessage {
  type: 'presence';
  docId: string;
  entries: PresenceEntry[];
}

/**
 * "Forget every presence entry I sent before": the first presence message on a (re)connected
 * link, followed by the sender's full current presence.
 */
export interface PeerPresenceResetMessage {
  type: 'presence-reset';
}

/** Every message on a peer link. */
export type ClusterMessage =
  | ElectionMessage
  | ReplicateMessage
  | ReplicateAckMessage
  | CausalPullMessage
  | CausalFillMessage
  | SyncRequestMessage
  | SyncReplyMessage
  | SnapshotQueryWireMessage
  | SnapshotAnswerMessage
  | SnapshotAnnounceMessage
  | SnapshotReplyMessage
  | PeerPresenceMessage
  | PeerPresenceResetMessage
  | RegisterMessage;
