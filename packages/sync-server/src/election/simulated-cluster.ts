/**
 * A deterministic simulation of N election state machines over a virtual network and virtual
 * time: message delay (hence reordering), loss, duplication, partitions, crashes and restarts
 * from persisted state, and SIGSTOP-like pauses (a paused node runs nothing; on resume its
 * overdue timers fire first, then the messages that queued up for it arrive in order, as a
 * resumed process reads its socket buffers). Links behave like the chaos harness's TCP links
 * behind its proxies: a crashed node's links close (its peers are told `peerDown`), a restarted
 * node's links come back after a reconnect delay (`peerUp` both ways), a cut link is silent and,
 * when restored, is reset (`peerDown`) and then reconnects (`peerUp`). Each node may run its own
 * clock at a rate of its own (`clockRates`: bounded drift), so lease arguments are tested against
 * clocks that disagree. Used by the property tests and by the failover-time simulation; exported
 * so the chaos tooling can reuse it. Everything is seeded, so any run replays exactly.
 */
import { type RandomSource, seededRandom } from '../time/random.js';
import { ManualScheduler, type TimerHandle } from '../time/scheduler.js';
import type { ElectionAlgorithm, ElectionAlgorithmName } from './algorithm.js';
import { createElection } from './create-election.js';
import type {
  ElectionConfig,
  ElectionEvent,
  ElectionOutput,
  ElectionStatus,
  ElectionTimer,
  NodeId,
  PersistentElectionState,
} from './types.js';

/** Network behaviour of the simulation; probabilities in [0, 1], delays in virtual ms. */
export interface SimNetwork {
  minDelayMs: number;
  maxDelayMs: number;
  loss: number;
  duplicate: number;
}

/** Options of a {@link SimulatedCluster}. */
export interface SimulatedClusterOptions {
  /** Node ids (ranks). */
  members: NodeId[];
  seed: number;
  network?: Partial<SimNetwork>;
  /** Election options shared by every node (id and members are filled in). */
  election?: Omit<ElectionConfig, 'id' | 'members'>;
  /** Time a closed link takes to reconnect, drawn in [min, max) virtual ms. Default [25, 300). */
  reconnectMs?: readonly [number, number];
  /** The election algorithm every node runs. Default `bully`. */
  algorithm?: ElectionAlgorithmName;
  /**
   * Each member's clock rate (same order as `members`; default 1): a node's clock reads
   * `rate * t` at simulated time `t`, and a timer of `d` ms it sets fires after `d / rate`.
   */
  clockRates?: readonly number[];
  /** Called with every event a node logs, at the simulated time it happens (checkers hook in here). */
  onEvent?: (node: NodeId, event: ElectionEvent) => void;
}

interface SimNode {
  id: NodeId;
  machine: ElectionAlgorithm;
  persisted: PersistentElectionState;
  alive: boolean;
  /** SIGSTOPped: timers and deliveries wait in `overdue` and `inbox` until resumed. */
  paused: boolean;
  overdue: { timer: ElectionTimer; handle: TimerHandle }[];
  inbox: (() => void)[];
  timers: Map<ElectionTimer, TimerHandle>;
  random: RandomSource;
  /** Clock rate (see `clockRates`). */
  rate: number;
}

/** One `became-leader` record from a node's own log. */
export interface LeaderRecord {
  node: NodeId;
  term: number;
  /** Simulated (global) time of the event; the node's own clock may read otherwise. */
  at: number;
}

/** N election nodes wired through a lossy virtual network on one {@link ManualScheduler}. */
export class SimulatedCluster {
  /** The virtual clock and timer queue driving everything. */
  readonly scheduler = new ManualScheduler();
  /** Every `became-leader` event any node logged, in order. */
  readonly leaders: LeaderRecord[] = [];
  /** Every event per node, in order. */
  readonly logs = new Map<NodeId, ElectionEvent[]>();
  /** Mutable network behaviour. */
  network: SimNetwork;
  /** Messages handed to the network so far (lost ones included, duplicates counted once). */
  messagesSent = 0;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly rng: RandomSource;
  private readonly cut = new Set<string>();
  private readonly options: SimulatedClusterOptions;

  constructor(options: SimulatedClusterOptions) {
    this.options = options;
    this.rng = seededRandom(options.seed);
    this.network = { minDelayMs: 0.1, maxDelayMs: 1, loss: 0, duplicate: 0, ...options.network };
    for (const [i, id] of options.members.entries()) {
      const random = seededRandom(Math.floor(this.rng() * 2 ** 32));
      const rate = options.clockRates?.[i] ?? 1;
      if (!(rate > 0)) throw new RangeError(`clock rate ${rate} is not positive`);
      const persisted = { term: 0, votedFor: null };
      this.nodes.set(id, {
        id,
        machine: this.makeMachine(id, persisted, random),
        persisted,
        alive: false,
        paused: false,
        overdue: [],
        inbox: [],
        timers: new Map(),
        random,
        rate,
      });
      this.logs.set(id, []);
    }
  }

  /** Start every node (at the current virtual time). */
  startAll(): void {
    for (const n of this.nodes.values()) this.startNode(n);
  }

  /** Current time in virtual ms. */
  get now(): number {
    return this.scheduler.now();
  }

  /** Advance virtual time, delivering messages and firing timers. */
  run(ms: number): void {
    this.scheduler.advance(ms);
  }

  /** A node's election status. Throws `RangeError` for an unknown id. */
  status(id: NodeId): ElectionStatus {
    return this.node(id).machine.status();
  }

  /** What node `id`'s own clock reads now (see `clockRates`). */
  clockOf(id: NodeId): number {
    return this.local(this.node(id));
  }

  /** A register read is served on running node `id` now (see `ElectionAlgorithm.wantReadLease`). */
  readOn(id: NodeId): void {
    const n = this.node(id);
    if (n.alive && !n.paused) n.machine.wantReadLease(this.local(n));
  }

  /** Whether running node `id` believes, by its own clock, that it holds a read lease now. */
  holdsReadLease(id: NodeId): boolean {
    const n = this.node(id);
    return n.alive && n.machine.holdsReadLease(this.local(n));
  }

  /** True while the node runs (not crashed). */
  isAlive(id: NodeId): boolean {
    return this.node(id).alive;
  }

  /** What the node has persisted (its term and vote survive crashes). */
  persisted(id: NodeId): PersistentElectionState {
    return { ...this.node(id).persisted };
  }

  /** True while the node is paused (see {@link pause}). */
  isPaused(id: NodeId): boolean {
    return this.node(id).paused;
  }

  /**
   * SIGSTOP a running node: it runs nothing (no timer fires, no message is handled or sent) but
   * keeps its state, and messages sent to it queue up instead of being lost.
   */
  pause(id: NodeId): void {
    const n = this.node(id);
    if (n.alive) n.paused = true;
  }

  /**
   * SIGCONT: the timers that fell due while paused fire first (in due order, skipping any an
   * earlier one replaced), then the queued messages are handled in arrival order.
   */
  resume(id: NodeId): void {
    const n = this.node(id);
    if (!n.paused) return;
    n.paused = false;
    const overdue = n.overdue;
    n.overdue = [];
    for (const { timer, handle } of overdue) {
      if (!n.alive || n.paused || n.timers.get(timer) !== handle) continue;
      n.timers.delete(timer);
      this.apply(n, n.machine.fire(timer, this.local(n)));
    }
    const inbox = n.inbox;
    n.inbox = [];
    for (const deliver of inbox) {
      if (n.paused) n.inbox.push(deliver);
      else deliver();
    }
  }

  /** Kill a node: its timers stop, messages to it are lost, volatile state is gone. */
  crash(id: NodeId): void {
    const n = this.node(id);
    if (n.alive)
      for (const o of this.nodes.values())
        if (o !== n) this.linkEvent(o, id, 'down', this.network.minDelayMs);
    n.alive = false;
    n.paused = false;
    n.overdue = [];
    n.inbox = [];
    for (const t of n.timers.values()) t.cancel();
    n.timers.clear();
  }

  /** Restart a crashed node from its persisted term and vote. */
  restart(id: NodeId): void {
    const n = this.node(id);
    if (n.alive) return;
    n.machine = this.makeMachine(id, n.persisted, n.random);
    this.startNode(n);
    for (const o of this.nodes.values()) {
      if (o === n) continue;
      this.linkEvent(n, o.id, 'up', this.reconnectDelay());
      this.linkEvent(o, id, 'up', this.reconnectDelay());
    }
  }

  /** Cut (or restore) the one-way link from `a` to `b`. */
  setLink(a: NodeId, b: NodeId, up: boolean): void {
    const key = `${a}>${b}`;
    if (up && this.cut.delete(key)) {
      // The held connection is reset (b stops hearing a), then a redials b.
      this.linkEvent(this.node(b), a, 'down', this.network.minDelayMs);
      this.linkEvent(this.node(a), b, 'up', this.reconnectDelay());
    } else if (!up) this.cut.add(key);
  }

  /** Partition into groups: links inside a group work, links between groups are cut. */
  partition(groups: NodeId[][]): void {
    this.heal();
    const groupOf = new Map<NodeId, number>();
    groups.forEach((g, i) => {
      for (const id of g) groupOf.set(id, i);
    });
    for (const a of this.nodes.keys()) {
      for (const b of this.nodes.keys()) {
        if (a !== b && groupOf.get(a) !== groupOf.get(b)) this.setLink(a, b, false);
      }
    }
  }

  /** Restore every link. */
  heal(): void {
    for (const key of [...this.cut]) {
      const [a, b] = key.split('>').map(Number) as [number, number];
      this.setLink(a, b, true);
    }
  }

  /**
   * The leader that a majority of all members currently follows (the leader itself included) in
   * its current term, among running nodes; undefined when there is none.
   */
  majorityLeader(): { leader: NodeId; term: number } | undefined {
    const majority = Math.floor(this.nodes.size / 2) + 1;
    for (const n of this.nodes.values()) {
      if (!n.alive) continue;
      const s = n.machine.status();
      if (s.role !== 'leader') continue;
      let followers = 0;
      for (const m of this.nodes.values()) {
        const ms = m.machine.status();
        if (m.alive && ms.leader === n.id && ms.term === s.term) followers++;
      }
      if (followers >= majority) return { leader: n.id, term: s.term };
    }
    return undefined;
  }

  private node(id: NodeId): SimNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new RangeError(`no simulated node ${id}`);
    return n;
  }

  private makeMachine(
    id: NodeId,
    persisted: PersistentElectionState,
    random: RandomSource,
  ): ElectionAlgorithm {
    return createElection(
      this.options.algorithm ?? 'bully',
      { ...this.options.election, id, members: this.options.members },
      persisted,
      random,
    );
  }

  private reconnectDelay(): number {
    const [min, max] = this.options.reconnectMs ?? [25, 300];
    return min + this.rng() * (max - min);
  }

  /** After `delayMs`, tell running node `n` that its link with `peer` went down or came up. */
  private linkEvent(n: SimNode, peer: NodeId, change: 'up' | 'down', delayMs: number): void {
    const machine = n.machine;
    this.scheduler.setTimer(delayMs, () => {
      if (!n.alive || n.machine !== machine) return;
      if (change === 'up' && (this.cut.has(`${n.id}>${peer}`) || !this.node(peer).alive)) return;
      const deliver = () => {
        if (n.alive && n.machine === machine)
          this.apply(
            n,
            change === 'up' ? machine.peerUp(peer, this.local(n)) : machine.peerDown(peer, this.local(n)),
          );
      };
      if (n.paused) n.inbox.push(deliver);
      else deliver();
    });
  }

  private startNode(n: SimNode): void {
    n.alive = true;
    this.apply(n, n.machine.start(this.local(n)));
  }

  private local(n: SimNode): number {
    return n.rate * this.now;
  }

  private apply(n: SimNode, out: ElectionOutput): void {
    if (out.persist !== undefined) n.persisted = { ...out.persist };
    const log = this.logs.get(n.id)!;
    for (const e of out.events) {
      log.push(e);
      if (e.type === 'became-leader') this.leaders.push({ node: n.id, term: e.term, at: this.now });
      this.options.onEvent?.(n.id, e);
    }
    for (const { timer, delayMs } of out.timers) {
      n.timers.get(timer)?.cancel();
      n.timers.delete(timer);
      if (delayMs !== null) {
        const machine = n.machine;
        const handle: TimerHandle = this.scheduler.setTimer(delayMs / n.rate, () => {
          if (!n.alive || n.machine !== machine) return;
          if (n.paused) {
            n.overdue.push({ timer, handle });
            return;
          }
          n.timers.delete(timer);
          this.apply(n, machine.fire(timer, this.local(n)));
        });
        n.timers.set(timer, handle);
      }
    }
    for (const { to, message } of out.send) {
      this.messagesSent++;
      if (this.cut.has(`${n.id}>${to}`) || this.rng() < this.network.loss) continue;
      const copies = this.rng() < this.network.duplicate ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        const { minDelayMs, maxDelayMs } = this.network;
        const delay = minDelayMs + this.rng() * (maxDelayMs - minDelayMs);
        this.scheduler.setTimer(delay, () => {
          const dest = this.nodes.get(to);
          if (dest === undefined || !dest.alive || this.cut.has(`${n.id}>${to}`)) return;
          const machine = dest.machine;
          const deliver = () => {
            if (dest.alive && dest.machine === machine)
              this.apply(dest, machine.receive(n.id, message, this.local(dest)));
          };
          if (dest.paused) dest.inbox.push(deliver);
          else deliver();
        });
      }
    }
  }
}
