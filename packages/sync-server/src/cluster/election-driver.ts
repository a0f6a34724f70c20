/**
 * Runs a node's pure election state machine ({@link ElectionAlgorithm}) on a real scheduler:
 * creates it from the node's options and its persisted term and vote, and carries out every step
 * in the order the machine requires: persist term and vote (the SQLite `meta` table, fsynced)
 * before anything that depends on them, then timers, then messages, then events. A timer whose
 * step throws is logged, never fatal.
 */
import type { ElectionAlgorithm } from '../election/algorithm.js';
import { createElection } from '../election/create-election.js';
import type {
  ElectionEvent,
  ElectionMessage,
  ElectionOutput,
  ElectionTimer,
  NodeId,
  PersistentElectionState,
} from '../election/types.js';
import type { ReplicaHost } from '../relay/replicator.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { ClusterReplicatorOptions } from './cluster-replicator-options.js';
import { ELECTION_META_KEY } from './election-state.js';

/**
 * The election machine of the configured algorithm (`bully` by default) for a member of
 * `members`, resumed from `persisted`. A witness (`witnesses` has the node) never leads.
 */
export function createNodeElection(
  options: ClusterReplicatorOptions,
  members: NodeId[],
  witnesses: ReadonlySet<NodeId>,
  persisted: PersistentElectionState,
): ElectionAlgorithm {
  const [min, max] = options.electionTimeoutMs ?? [300, 600];
  return createElection(
    options.election ?? 'bully',
    {
      ...(options.candidates ? { candidates: options.candidates } : {}),
      id: options.nodeId,
      members,
      heartbeatMs: options.heartbeatMs ?? 50,
      electionTimeoutMinMs: min,
      electionTimeoutMaxMs: max,
      canLead: !witnesses.has(options.nodeId),
      nonLeaders: [...witnesses],
      ...(options.leasePromiseMs !== undefined ? { leasePromiseMs: options.leasePromiseMs } : {}),
    },
    persisted,
  );
}

/** What an {@link ElectionDriver} needs from its node. */
export interface ElectionDriverOptions {
  /** This node (for the logs). */
  readonly nodeId: NodeId;
  /** Sets the machine's timers and tells it the time. */
  readonly scheduler: Scheduler;
  /** Send an election message to a peer (dropped while the link to it is down). */
  readonly send: (to: NodeId, message: ElectionMessage) => void;
  /** React to an event of `machine`, after it was logged. */
  readonly onEvent: (event: ElectionEvent, machine: ElectionAlgorithm) => void;
}

/** Carries out the steps of one node's election machine: persistence, timers, messages, events. */
export class ElectionDriver {
  private readonly timers = new Map<ElectionTimer, TimerHandle>();
  private machine: ElectionAlgorithm | null = null;
  private host: Pick<ReplicaHost, 'store' | 'logger'> | null = null;

  constructor(private readonly o: ElectionDriverOptions) {}

  /** The machine being driven: null before {@link use} and after {@link detach}. */
  get current(): ElectionAlgorithm | null {
    return this.machine;
  }

  /** Drive `machine`, persisting to and logging through `host`. Its start step is the caller's to apply. */
  use(host: Pick<ReplicaHost, 'store' | 'logger'>, machine: ElectionAlgorithm): void {
    this.host = host;
    this.machine = machine;
  }

  /** Apply one election step: persist first, then timers, then messages, then events. */
  apply(out: ElectionOutput): void {
    const host = this.host;
    const machine = this.machine;
    if (host === null || machine === null) return;
    if (out.persist !== undefined) host.store.setMeta(ELECTION_META_KEY, JSON.stringify(out.persist));
    for (const { timer, delayMs } of out.timers) {
      this.timers.get(timer)?.cancel();
      this.timers.delete(timer);
      if (delayMs === null) continue;
      this.timers.set(
        timer,
        this.o.scheduler.setTimer(delayMs, () => {
          this.timers.delete(timer);
          if (this.machine !== machine) return;
          try {
            this.apply(machine.fire(timer, this.o.scheduler.now()));
          } catch (e) {
            // A bug must not take the node down from inside a timer; it is logged loudly instead.
            host.logger.error({ err: e, timer }, 'election timer failed');
          }
        }),
      );
    }
    for (const { to, message } of out.send) this.o.send(to, message);
    for (const e of out.events) {
      host.logger.info({ election: e, node: this.o.nodeId }, `election ${e.type}`);
      this.o.onEvent(e, machine);
    }
  }

  /** Cancel every pending election timer (a step applied before {@link detach} may set new ones). */
  cancelTimers(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** Stop driving the machine: no step is applied any more, and a timer still set does nothing. */
  detach(): void {
    this.machine = null;
  }
}
