/**
 * A witness node's side of the cluster protocol, plugged into the {@link ClusterReplicator} when
 * this node is one of `--witness`: it stores the updates full replicas forward (checked, never
 * applied to a document, never relayed) and acknowledges each once durable, so it counts toward
 * W; it ignores catch-up traffic (it keeps no documents); and its {@link WitnessHolder} hands what
 * it holds to the full replicas and drops it once `pruneAt` of them hold it.
 */
import { diffUpdate, mergeUpdates } from '@accord/core';
import {
  coverageOf,
  DecodeError,
  describeDocIdProblem,
  docIdProblem,
  encodeStateVectorMap,
  encodeUpdate,
} from '@accord/core/protocol';
import type { Logger } from 'pino';
import type { NodeId } from '../election/types.js';
import type { ReplicaHost } from '../relay/replicator.js';
import { WitnessLog } from '../storage/witness-log.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { CatchUp } from './catch-up.js';
import type { ClusterMessage, ReplicateMessage } from './messages.js';
import { WitnessHolder } from './witness-holder.js';

/** What the witness role needs from its replicator. */
export interface WitnessRoleDeps {
  host: ReplicaHost;
  fullPeers: readonly NodeId[];
  pruneAt: number;
  scheduler: Scheduler;
  send: (to: NodeId, m: ClusterMessage) => void;
  isUp: (peer: NodeId) => boolean;
  /** Time between probe rounds (ms). Default 200. */
  probeEveryMs?: number;
  /** How often the file is checked for free pages to give back (ms). Default 10 000. */
  reclaimEveryMs?: number;
}

/** A witness node's handling of held updates. */
const EMPTY_UPDATE = encodeUpdate({ records: [], deletes: new Map() });
const EMPTY_STATE_VECTOR = encodeStateVectorMap(new Map());

export class WitnessRole {
  private readonly log: WitnessLog;
  readonly holder: WitnessHolder;
  private readonly d: WitnessRoleDeps;
  private dropped = 0;
  private reclaimTimer: TimerHandle | null = null;
  /** Peers already warned that they treat this node as a full replica. */
  private readonly unaware = new Set<NodeId>();

  constructor(deps: WitnessRoleDeps) {
    this.d = deps;
    this.log = new WitnessLog(deps.host.store.path);
    this.holder = new WitnessHolder({
      store: deps.host.store,
      drop: (docId, upTo) => this.log.dropUpTo(docId, upTo),
      fullPeers: deps.fullPeers,
      pruneAt: deps.pruneAt,
      scheduler: deps.scheduler,
      send: deps.send,
      isUp: deps.isUp,
      ...(deps.probeEveryMs !== undefined ? { probeEveryMs: deps.probeEveryMs } : {}),
      onDropped: (docId, entries, upTo) => {
        this.dropped += entries;
        deps.host.logger.debug({ docId, entries, upTo }, 'witness dropped updates full replicas hold');
      },
    });
    this.holder.start();
    this.armReclaim();
  }

  /**
   * A join's quorum read from a full replica: what this witness still holds of `docId` beyond the
   * asker's `stateVector`, merged into one update (empty when it holds nothing the asker lacks),
   * and an empty state vector (a witness covers no document from its start).
   * @throws {DecodeError} when `stateVector` (or a stored row) is malformed.
   */
  answerRead(docId: string, stateVector: Uint8Array): { update: Uint8Array; stateVector: Uint8Array } {
    const { updates } = this.d.host.store.load(docId);
    const merged = updates.length === 0 ? EMPTY_UPDATE : mergeUpdates([...updates]);
    return { update: diffUpdate(merged, stateVector), stateVector: EMPTY_STATE_VECTOR };
  }

  /**
   * A `replicate` from a peer: a forwarded client write (id > 0) is checked, stored durably and
   * acknowledged; catch-up traffic (id 0) is not kept. Bad bytes or a bad document id are
   * dropped (a `DecodeError`, logged by nobody: the peer's codec already bounded them).
   */
  onReplicate(from: NodeId, m: ReplicateMessage): void {
    if (m.updateId === 0) {
      this.notToldOfWitness(from);
      return;
    }
    const host = this.d.host;
    try {
      const problem = docIdProblem(m.docId);
      if (problem !== null) throw new DecodeError('invalid', describeDocIdProblem(problem));
      coverageOf([m.update]); // decodes the whole update: malformed bytes are never stored
    } catch (e) {
      if (e instanceof DecodeError) return;
      throw e;
    }
    host.persist(m.docId, m.update).then(
      () => {
        this.holder.held(m.docId);
        this.d.send(from, { type: 'replicate-ack', docId: m.docId, updateId: m.updateId });
      },
      (e: unknown) => host.logger.warn({ err: e, from }, 'witness: peer update not stored'),
    );
  }

  /** Every `reclaimEveryMs`, shrink the file if most of it is free (see `WitnessLog.reclaim`). */
  private armReclaim(): void {
    this.reclaimTimer = this.d.scheduler.setTimer(this.d.reclaimEveryMs ?? 10_000, () => {
      try {
        if (this.log.reclaim()) this.d.host.logger.info('witness file shrunk to what it still holds');
      } catch (e) {
        this.d.host.logger.warn({ err: e }, 'witness file not shrunk');
      }
      this.armReclaim();
    });
  }

  /**
   * `peer` sent what only a node that takes this one for a full replica sends (catch-up traffic,
   * a read or catch-up request): it was not given `--witness`. Logged once per peer: it still
   * works (what a witness holds is exactly what the full replicas may lack), but that peer counts
   * this node in its read quorum and may wait for it to take over.
   */
  notToldOfWitness(peer: NodeId): void {
    if (this.unaware.has(peer)) return;
    this.unaware.add(peer);
    this.d.host.logger.warn(
      { peer },
      'a peer treats this witness as a full replica: give every node the same --witness IDS',
    );
  }

  /** `/healthz` fields: what the witness still holds. */
  health(): Record<string, unknown> {
    const b = this.log.storedBytes();
    return {
      heldUpdates: b.updates,
      heldBytes: b.updateBytes + b.snapshotBytes + b.versionBytes,
      heldDocuments: this.holder.pendingDocuments,
      droppedUpdates: this.dropped,
      fileBytes: this.log.fileBytes(),
    };
  }

  /** Stop probing and close the log's connection. */
  stop(): void {
    this.reclaimTimer?.cancel();
    this.reclaimTimer = null;
    this.holder.stop();
    this.log.close();
  }
}

/**
 * On a full replica: a witness's probe `m` offers updates it holds. They are taken in only when
 * they add something to what is stored, and acknowledged (through `reply`) either way: both mean
 * this node now holds them durably. Bad bytes are dropped without an answer.
 */
export function answerWitnessProbe(
  catchUp: CatchUp,
  reply: (m: ClusterMessage) => void,
  logger: Logger,
  m: ReplicateMessage,
): void {
  catchUp.takeIn(m.docId, m.update).then(
    () => reply({ type: 'replicate-ack', docId: m.docId, updateId: m.updateId }),
    (e: unknown) => {
      if (!(e instanceof DecodeError)) logger.warn({ err: e, docId: m.docId }, 'witness update not stored');
    },
  );
}
