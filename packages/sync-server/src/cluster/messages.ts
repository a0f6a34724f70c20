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
   * traffic (taken in as it comes) and on a witness's probe of a node that takes it for a full
   * replica (see `WitnessOfferMessage` for the hand-over).
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

/** One update a witness holds, with the stamp its origin forwarded it with. */
export interface WitnessEntry {
  /** The full replica that forwarded it (the client write's origin). */
  origin: NodeId;
  /** What it may follow (see `CausalForwarding`). */
  stamp: CausalStamp;
  update: Uint8Array;
}

/**
 * A witness hands over what it holds of `docId` to a full replica: either a probe (`probeId` >
 * 0, answered with a `replicate-ack` of that id once every entry is held durably) or its answer
 * to a join's quorum read (`reqId` > 0). The receiver takes an entry in only once what it may
 * follow is there (see `WitnessIntake`).
 */
export interface WitnessOfferMessage {
  type: 'witness-offer';
  docId: string;
  probeId: number;
  reqId: number;
  /** In the witness's log order (each origin's forwards in their order). */
  entries: WitnessEntry[];
}

/** "I stored update `updateId` of `docId` durably." */
export interface ReplicateAckMessage {
  type: 'replicate-ack';
  docId: string;
  updateId: number;
}

/**
 * "I stored these forwarded writes durably": the acknowledgements of one write window, each
 * counting exactly as a {@link ReplicateAckMessage} of its document and id would (at most
 * {@link MAX_ACKS_PER_MESSAGE}).
 */
export interface ReplicateAcksMessage {
  type: 'replicate-acks';
  acks: { docId: string; updateId: number }[];
}

/** Most acknowledgements in one `replicate-acks` (the sender starts another message past it). */
export const MAX_ACKS_PER_MESSAGE = 4096;

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
  | ReplicateAcksMessage
  | CausalPullMessage
  | CausalFillMessage
  | WitnessOfferMessage
  | SyncRequestMessage
  | SyncReplyMessage
  | SnapshotQueryWireMessage
  | SnapshotAnswerMessage
  | SnapshotAnnounceMessage
  | SnapshotReplyMessage
  | PeerPresenceMessage
  | PeerPresenceResetMessage
  | RegisterMessage;
