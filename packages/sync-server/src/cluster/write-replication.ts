/**
 * The write path of a cluster node: a client write is forwarded to every peer and committed
 * here, and acknowledged once W nodes hold it durably ({@link QuorumWrites}); a peer's forwarded
 * write is taken in, once everything it follows is here ({@link CausalForwarding}), and
 * acknowledged once durable; pulls between full replicas fill what a held write follows.
 *
 * A witness takes part only as a destination (it keeps each write's stamp to hand it over later,
 * and answers no pull); catch-up traffic (update id 0) is taken in through {@link CatchUp}, not
 * acknowledged.
 */
import { randomInt } from 'node:crypto';
import { DecodeError, type WriteConcern } from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import { type ReplicaHost, ReplicationError } from '../relay/replicator.js';
import type { Scheduler } from '../time/scheduler.js';
import type { CatchUp } from './catch-up.js';
import { CausalForwarding } from './causal-forwarding.js';
import {
  type CausalFillMessage,
  type ClusterMessage,
  MAX_ACKS_PER_MESSAGE,
  type ReplicateMessage,
} from './messages.js';
import { encodeClusterFrame } from './peer-codec.js';
import { writeQuorumOf } from './quorum.js';
import { type ForwardStamp, QuorumWrites } from './quorum-writes.js';
import { handoverQuorum, type WitnessQuorum } from './witness-quorum.js';

/** What a {@link WriteReplication} needs from its node. */
export interface WriteReplicationDeps {
  readonly nodeId: NodeId;
  /** Every other member. */
  readonly peers: readonly NodeId[];
  /** Every other member that keeps documents. */
  readonly fullPeers: readonly NodeId[];
  readonly witnesses: ReadonlySet<NodeId>;
  /** Whether this node keeps documents (a witness does not: it forwards nothing and pulls nothing). */
  readonly keepsData: boolean;
  readonly quorum: WitnessQuorum;
  readonly host: ReplicaHost;
  readonly scheduler: Scheduler;
  /** A write not held by W nodes within this time is rejected (ms). */
  readonly timeoutMs: number;
  /** Send one message on the link to `to`. */
  readonly send: (to: NodeId, m: ClusterMessage) => void;
  /** Send a frame made by `encodeClusterFrame` on the link to `to` (one encoding for several peers). */
  readonly sendFrame: (to: NodeId, frame: Buffer) => void;
  /** Whether the link with a peer is up. */
  readonly isUp: (peer: NodeId) => boolean;
  /** Send a message whose payload may need splitting (see `sendSplit`). */
  readonly sendLarge: (to: NodeId, m: ClusterMessage) => void;
  /** The node's catch-up (for update id 0 traffic), once started. */
  readonly catchUp: () => CatchUp | null;
  /** A peer's write to `docId` is stored here (the leader counts updates toward snapshots). */
  readonly noteUpdate: (docId: string) => void;
}

/** One node's writes: its clients' (forwarded, counted to W) and its peers' (taken in, acknowledged). */
export class WriteReplication {
  private readonly d: WriteReplicationDeps;
  private readonly writes: QuorumWrites;
  /** Null on a witness. */
  private readonly causal: CausalForwarding | null;
  /** Acknowledgements due to each peer, sent together at the end of the turn (see `ack`). */
  private readonly dueAcks = new Map<NodeId, { docId: string; updateId: number }[]>();
  private acksQueued = false;

  constructor(deps: WriteReplicationDeps) {
    this.d = deps;
    this.writes = new QuorumWrites(deps.quorum.w, deps.timeoutMs, deps.scheduler);
    this.causal = deps.keepsData
      ? new CausalForwarding({
          self: deps.nodeId,
          peers: deps.fullPeers,
          scheduler: deps.scheduler,
          newEpoch: () => randomInt(1, 2 ** 32 - 1),
          pull: (peer, docId) => this.pull(peer, docId),
          isUp: deps.isUp,
          handoverQuorum: handoverQuorum(deps.quorum),
        })
      : null;
  }

  /** Writes waiting for their quorum. */
  get pending(): number {
    return this.writes.pending;
  }

  /** Forwarded writes held until what they follow is here. */
  get held(): number {
    return this.causal?.held ?? 0;
  }

  /**
   * Forward a client's `update` to every peer, commit it here, and resolve once W nodes hold it
   * durably (see `Replicator.replicate`). The promise is returned before any timer can settle it.
   */
  replicate(docId: string, update: Uint8Array, w?: WriteConcern): Promise<void> {
    const stamp = this.causal?.stamp(docId) ?? null;
    const { id, done } = this.writes.begin(docId, update, writeQuorumOf(w, this.d.quorum), stamp);
    this.forward(this.d.peers, docId, id, update, stamp);
    this.d.host.persist(docId, update).then(
      () => {
        this.d.noteUpdate(docId);
        this.writes.held(id, docId, this.d.nodeId);
      },
      (e: unknown) =>
        this.writes.fail(
          id,
          new ReplicationError(`local commit failed: ${e instanceof Error ? e.message : String(e)}`),
        ),
    );
    return done;
  }

  /** `peer`'s link is back: forward it again every write it is not known to hold (it acks duplicates). */
  reforward(peer: NodeId): void {
    for (const { id, docId, update, stamp } of this.writes.notHeldBy(peer))
      this.forward([peer], docId, id, update, stamp);
  }

  /** `from` holds write `updateId` of `docId` durably. */
  acked(from: NodeId, docId: string, updateId: number): void {
    this.writes.held(updateId, docId, from);
  }

  /** A full peer's `replicate`: catch-up traffic, or a write taken in once what it follows is here. */
  onReplicate(from: NodeId, m: ReplicateMessage): void {
    if (m.updateId === 0 && this.d.catchUp() !== null) this.takeIn(from, m);
    else if (m.causal !== undefined && this.causal !== null)
      this.causal.receive(from, m.docId, m.causal, m.update.length, () => this.takeIn(from, m));
    else {
      this.causal?.untracked(m.docId);
      this.takeIn(from, m);
    }
  }

  /** The node's causal forwarding (null on a witness). */
  get causalForwarding(): CausalForwarding | null {
    return this.causal;
  }

  /** This node holds no data of `docId` (see `CausalForwarding.heldNothing`). */
  heldNothing(docId: string): void {
    this.causal?.heldNothing(docId);
  }

  /** Data of `docId` arrived outside any forward (catch-up, a quorum read, a witness hand-over). */
  untracked(docId: string): void {
    this.causal?.untracked(docId);
  }

  /** `peer`'s link to this node went down: what was held from it is dropped. */
  peerDown(peer: NodeId): void {
    this.causal?.peerDown(peer);
  }

  /** Answer a full peer's pull: the difference from memory, with this node's frontier at that instant. */
  answerPull(from: NodeId, docId: string, stateVector: Uint8Array): void {
    const { host } = this.d;
    const causal = this.causal;
    if (causal === null || !this.d.fullPeers.includes(from)) return;
    // Both in this turn: the difference is computed during the call, before anything else runs.
    const diff = host.diff(docId, stateVector);
    const { frontier, untracked } = causal.answer(from, docId);
    diff.then(
      (update) => this.d.sendLarge(from, { type: 'causal-fill', docId, update, frontier, untracked }),
      (e: unknown) => {
        // No answer went out: the asker is still owed everything.
        causal.untracked(docId);
        if (!(e instanceof DecodeError))
          host.logger.warn({ err: e, from, docId }, 'causal pull not answered');
      },
    );
  }

  /** Take in a pull's answer; then the writes held from its sender before it arrived are due. */
  takeFill(from: NodeId, m: CausalFillMessage): void {
    const { host } = this.d;
    const causal = this.causal;
    if (causal === null || !this.d.fullPeers.includes(from)) return;
    // Applied now, and its frontier counted now: a write this node forwards next may follow
    // what the fill brought, so its stamp must already name it.
    let durable: Promise<void>;
    try {
      durable = host.ingestNow(m.docId, m.update);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return; // nothing applied: the held writes wait for the next answer
    }
    causal.filled(from, m.docId, m.frontier, m.untracked);
    durable.catch((e: unknown) => host.logger.warn({ err: e, from }, 'causal fill not stored'));
  }

  /** Reject every waiting write and forget every held one (the node is stopping). */
  stop(): void {
    this.writes.failAll(new ReplicationError('node stopping'));
    this.causal?.stop();
  }

  /** Take in a peer's update (catch-up traffic, or a forwarded write now due) and acknowledge a write. */
  private takeIn(from: NodeId, m: ReplicateMessage): void {
    const { host } = this.d;
    const catchUp = this.d.catchUp();
    (m.updateId === 0 && catchUp !== null
      ? catchUp.takeIn(m.docId, m.update)
      : host.ingest(m.docId, m.update)
    ).then(
      () => {
        if (m.updateId === 0) return; // catch-up traffic: no ack, not counted
        this.d.noteUpdate(m.docId);
        this.ack(from, m.docId, m.updateId);
      },
      (e: unknown) => {
        if (!(e instanceof DecodeError)) host.logger.warn({ err: e, from }, 'peer update not stored');
      },
    );
  }

  /**
   * Forward a client write to `peers`, stamped: for a full replica, asking it to pull first when
   * it is owed; for a witness (which hands it to some full replica later), asking whoever reads
   * it to pull first when any peer is owed. Encoded at most twice (with and without the pull
   * flag), whatever the number of peers.
   */
  private forward(
    peers: readonly NodeId[],
    docId: string,
    updateId: number,
    update: Uint8Array,
    stamp: ForwardStamp | null,
  ): void {
    const causal = this.causal;
    let plain: Buffer | null = null;
    let pulling: Buffer | null = null;
    for (const peer of peers) {
      const pull =
        stamp !== null &&
        causal !== null &&
        (this.d.witnesses.has(peer) ? causal.mustPullAny(docId) : causal.mustPull(docId, peer));
      if (pull) {
        pulling ??= replicateFrame(docId, updateId, update, stamp, true);
        this.d.sendFrame(peer, pulling);
      } else {
        plain ??= replicateFrame(docId, updateId, update, causal === null ? null : stamp, false);
        this.d.sendFrame(peer, plain);
      }
    }
  }

  /**
   * Acknowledge `from`'s write `updateId` of `docId`, together with every other write that became
   * durable in this turn: the acks of one commit batch become due in the same microtask queue, so
   * they leave as one `replicate-acks` per peer (one message to encode, frame and decode instead
   * of one per write). A microtask, not a timer: no ack waits for the next event-loop turn.
   */
  private ack(from: NodeId, docId: string, updateId: number): void {
    let list = this.dueAcks.get(from);
    if (list === undefined) {
      list = [];
      this.dueAcks.set(from, list);
    }
    list.push({ docId, updateId });
    if (this.acksQueued) return;
    this.acksQueued = true;
    queueMicrotask(() => this.sendAcks());
  }

  private sendAcks(): void {
    this.acksQueued = false;
    for (const [peer, acks] of this.dueAcks) {
      for (let i = 0; i < acks.length; i += MAX_ACKS_PER_MESSAGE) {
        const part = acks.length <= MAX_ACKS_PER_MESSAGE ? acks : acks.slice(i, i + MAX_ACKS_PER_MESSAGE);
        const one = part[0];
        if (part.length === 1 && one !== undefined)
          this.d.send(peer, { type: 'replicate-ack', docId: one.docId, updateId: one.updateId });
        else this.d.send(peer, { type: 'replicate-acks', acks: part });
      }
    }
    this.dueAcks.clear();
  }

  /** Ask `peer` for what this node lacks of `docId`, from its memory (see `CausalForwarding`). */
  private pull(peer: NodeId, docId: string): void {
    const { host } = this.d;
    host.stateVector(docId).then(
      (stateVector) => this.d.send(peer, { type: 'causal-pull', docId, stateVector }),
      (e: unknown) => host.logger.warn({ err: e, peer, docId }, 'causal pull not sent'),
    );
  }
}

/** A forward's frame: stamped (asking to pull first or not) unless `stamp` is null. */
function replicateFrame(
  docId: string,
  updateId: number,
  update: Uint8Array,
  stamp: ForwardStamp | null,
  pull: boolean,
): Buffer {
  return encodeClusterFrame(
    stamp === null
      ? { type: 'replicate', docId, updateId, update }
      : {
          type: 'replicate',
          docId,
          updateId,
          update,
          causal: { epoch: stamp.epoch, seq: stamp.seq, deps: stamp.deps, pull },
        },
  );
}
