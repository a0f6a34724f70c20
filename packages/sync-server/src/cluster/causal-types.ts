/**
 * The types of causal forwarding (see `causal-forwarding.ts`): the marks and stamps that travel
 * with forwarded writes and pull answers, and the options of a `CausalForwarding`.
 */
import type { NodeId } from '../election/types.js';
import type { Scheduler } from '../time/scheduler.js';

/** How far a node's forwards of one document reached: its epoch for it and a sequence number. */
export interface CausalMark {
  readonly node: NodeId;
  /** Chosen afresh each time a node starts tracking a document (1..2^32 - 1). */
  readonly epoch: number;
  /** Forwards counted (0: none yet). */
  readonly seq: number;
}

/** What a forwarded client write carries so that its receiver keeps it behind what it follows. */
export interface CausalStamp {
  /** The sender's epoch for the document and this forward's number in it (1, 2, ...). */
  readonly epoch: number;
  readonly seq: number;
  /** The sender's receive frontier: every other node's forwards of the document it had taken in. */
  readonly deps: readonly CausalMark[];
  /** The sender holds data of the document outside any frontier: pull from it before taking this in. */
  readonly pull: boolean;
}

/** How a received forward was handled by `CausalForwarding.receive`. */
export type ReceiveOutcome = 'delivered' | 'held' | 'dropped';

/** Options of a `CausalForwarding`. */
export interface CausalForwardingOptions {
  /** This node. */
  readonly self: NodeId;
  /** Every other full replica (the nodes forwards go to and come from). */
  readonly peers: readonly NodeId[];
  readonly scheduler: Pick<Scheduler, 'setTimer'>;
  /** A new epoch, 1..2^32 - 1 (random in production, so a restarted node never reuses one). */
  readonly newEpoch: () => number;
  /** Ask `peer` for what this node lacks of `docId` (send a `causal-pull`). */
  readonly pull: (peer: NodeId, docId: string) => void;
  /** How long a forward that misses another node's forward waits for it before pulling (ms). Default 50. */
  readonly waitMs?: number;
  /** A pull not answered in this time is sent again while forwards are still held (ms). Default 1000. */
  readonly retryMs?: number;
  /** Documents tracked at most. Default 10,000. */
  readonly maxDocs?: number;
  /** Forwards held at most, over all documents. Default 4096. */
  readonly maxHeld?: number;
  /** Bytes of held forwards at most, over all documents. Default 64 MiB. */
  readonly maxHeldBytes?: number;
  /**
   * How long a pull may go unanswered before the witness entry rules take its peer for down,
   * link up or not (ms). Default 100.
   */
  readonly silentMs?: number;
  /** Whether the link with a peer is up (see `CausalForwarding.assess`). Default: always. */
  readonly isUp?: (peer: NodeId) => boolean;
  /**
   * How many full replicas, this one included, whose state this node holds leave no acknowledged
   * write elsewhere (see `CausalForwarding.assess` and `handoverQuorum`). Default: all.
   */
  readonly handoverQuorum?: number;
}
