/**
 * Where each message from an authenticated peer goes on a started node: writes, acks and pulls
 * to the write path, witness hand-overs to the intake (or, on a witness, forwards to its role),
 * sync requests to a catch-up answer, snapshot and register messages to their parts, presence to
 * the host, and everything else to the election. It answers peers' sync requests too, holding a
 * request while this node's link to the asker is down (see {@link HeldSyncRequests}).
 *
 * Even an authenticated peer may be buggy: acknowledgements count only for the update and document
 * they name, and snapshot numbering messages only from the leader of their term.
 */
import { DecodeError } from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import type { ReplicaHost } from '../relay/replicator.js';
import type { ElectionDriver } from './election-driver.js';
import type { HeldSyncRequests } from './held-sync-requests.js';
import type { ClusterMessage } from './messages.js';
import type { QuorumReads } from './quorum-reads.js';
import type { ReplicaParts } from './replica-parts.js';
import type { WitnessRole } from './witness-role.js';

/** What a {@link PeerMessageRouter} routes to. */
export interface PeerMessageRouterOptions {
  /** Takes in peers' presence. */
  readonly host: ReplicaHost;
  /** The started node's parts. */
  readonly parts: ReplicaParts;
  /** The node's election (messages of no other part go to its machine). */
  readonly election: ElectionDriver;
  /** The node's quorum reads (peers' sync replies answer them). */
  readonly reads: QuorumReads;
  /** The cluster's witness replicas. */
  readonly witnesses: ReadonlySet<NodeId>;
  /** Whether joins read through the witnesses too (see `ClusterMembership.readsAcross`). */
  readonly readsAcross: { nodes: number } | null;
  /** Sync requests waiting for this node's link to their asker. */
  readonly held: HeldSyncRequests;
  /** This node's witness role: null on a full replica (and until a witness has started it). */
  readonly witness: () => WitnessRole | null;
  /** Whether this node's link to `peer` is known to be down (an answer would be dropped). */
  readonly linkDown: (peer: NodeId) => boolean;
  /** Send `m` to `to`, splitting a payload too large for one peer frame. */
  readonly send: (to: NodeId, m: ClusterMessage) => void;
  /** The scheduler's clock. */
  readonly now: () => number;
}

/** Routes the messages of a started node's peers (see the module comment). */
export class PeerMessageRouter {
  constructor(private readonly o: PeerMessageRouterOptions) {}

  /**
   * Handle one message from an authenticated peer. Throwing here closes that peer's link (see
   * `PeerLinks`), never the process.
   */
  route(from: NodeId, m: ClusterMessage): void {
    const { host, parts } = this.o;
    const election = this.o.election.current;
    if (election === null) return;
    const witness = this.o.witness();
    switch (m.type) {
      case 'replicate':
        if (witness !== null) {
          witness.onReplicate(from, m);
          return;
        }
        // A witness hands over in witness-offers only.
        if (this.o.witnesses.has(from)) return;
        // Catch-up traffic (id 0) is taken in only when it adds something: no room is loaded for
        // a document already in sync. A forwarded write waits for what it follows.
        parts.writes.onReplicate(from, m);
        return;
      case 'causal-pull':
        parts.writes.answerPull(from, m.docId, m.stateVector);
        return;
      case 'causal-fill':
        parts.writes.takeFill(from, m);
        return;
      case 'witness-offer':
        if (this.o.witnesses.has(from)) parts.intake?.onOffer(from, m);
        return;
      case 'replicate-ack':
        // An ack counts only for the update it names, in the document it names (on a witness:
        // only for the probe it names).
        if (witness !== null) witness.holder.acked(from, m.updateId, m.docId);
        else parts.writes.acked(from, m.docId, m.updateId);
        return;
      case 'replicate-acks':
        // A write window's acks, each counting as its own `replicate-ack`.
        for (const a of m.acks)
          if (witness !== null) witness.holder.acked(from, a.updateId, a.docId);
          else parts.writes.acked(from, a.docId, a.updateId);
        return;
      case 'sync-request':
        if (witness !== null && m.reqId !== 0 && this.o.readsAcross !== null) {
          // A join's quorum read: the witness answers with what it still holds.
          this.answerWitnessRead(witness, from, m.docId, m.reqId);
          return;
        }
        witness?.notToldOfWitness(from);
        this.answerSync(from, m.docId, m.reqId, m.stateVector);
        return;
      case 'sync-reply':
        if (witness !== null) return; // a witness asks nothing and takes in no documents
        if (m.reqId !== 0) this.o.reads.answer(from, m.reqId, m.docId, m.update, m.stateVector);
        parts.catchUp.onReply(from, m.docId, m.update, m.stateVector).catch((e: unknown) => {
          host.logger.warn({ err: e, from, docId: m.docId }, 'catch-up reply not taken in');
        });
        return;
      case 'presence':
        host.peerPresence(from, m.docId, m.entries);
        return;
      case 'presence-reset':
        host.peerPresenceGone(from);
        return;
      case 'register-prepare':
      case 'register-promise':
      case 'register-write':
      case 'register-written':
      case 'register-forward':
      case 'register-forwarded':
        parts.register.onMessage(from, m);
        return;
      case 'snapshot-query':
      case 'snapshot-announce':
        // Only the leader of the current term numbers snapshots: anything else is a stale or
        // confused peer, and letting it raise our promise would stop snapshot numbering.
        if (!this.isLeaderOf(from, m.type === 'snapshot-query' ? m.term : m.number.term)) return;
        parts.snapshots.onMessage(from, m);
        return;
      case 'snapshot-answer':
      case 'snapshot-reply':
        parts.snapshots.onMessage(from, m);
        return;
      default:
        this.o.election.apply(election.receive(from, m, this.o.now()));
    }
  }

  /** This node's link to `peer` is up: answer the sync requests held for it. */
  answerHeld(peer: NodeId): void {
    for (const r of this.o.held.take(peer)) this.answerSync(peer, r.docId, r.reqId, r.stateVector);
  }

  /** Whether `from` is the leader this node follows in `term`, its current term. */
  private isLeaderOf(from: NodeId, term: number): boolean {
    const s = this.o.election.current?.status();
    return s !== undefined && s.term === term && s.leader === from;
  }

  private answerWitnessRead(witness: WitnessRole, from: NodeId, docId: string, reqId: number): void {
    if (this.o.linkDown(from)) return;
    const entries = witness.answerRead(docId);
    if (entries !== null) this.o.send(from, { type: 'witness-offer', docId, probeId: 0, reqId, entries });
  }

  private answerSync(from: NodeId, docId: string, reqId: number, stateVector: Uint8Array): void {
    if (this.o.linkDown(from)) {
      // The answer would be dropped: hold the request until our link to the asker is up.
      this.o.held.hold(from, { docId, reqId, stateVector });
      return;
    }
    let reply: { update: Uint8Array; stateVector: Uint8Array };
    try {
      reply = this.o.parts.catchUp.answer(docId, stateVector);
    } catch (e) {
      if (e instanceof DecodeError) return; // a malformed vector (or stored row): no answer
      throw e;
    }
    this.o.send(from, { type: 'sync-reply', docId, reqId, ...reply });
  }
}
