/**
 * A seeded in-memory network for tests: endpoints send and broadcast messages, and a scheduler
 * decides by seeded random choices when each arrives, whether it is dropped, duplicated, delayed
 * or overtaken by later ones. The same seed and the same calls give the same trace, so any failing
 * run can be replayed exactly.
 */
import { AccordError } from '../errors.js';
import { DelayQueue, type Scheduled } from './delay-queue.js';
import { SeededRandom } from './prng.js';

/** How unreliable the simulated network is. All probabilities are per message, in `[0, 1]`. */
export interface NetworkOptions {
  /** Seed of every scheduling decision (default 1). */
  seed?: number;
  /** Probability that a message is lost (default 0). */
  dropRate?: number;
  /** Probability that a delivered message is delivered again later (default 0). */
  duplicateRate?: number;
  /** Largest delay of a message, in scheduler steps; each message draws one in `[0, maxDelay]` (default 0). */
  maxDelay?: number;
  /** Deliver ready messages in random order instead of send order (default true). */
  reorder?: boolean;
  /** Keep a {@link NetworkEvent} log in {@link SeededNetwork.trace} (default false). */
  recordTrace?: boolean;
}

/** One scheduling decision, as recorded in the trace. */
export interface NetworkEvent {
  /** Scheduler time of the decision. */
  time: number;
  /** What happened to the message. */
  kind: 'deliver' | 'drop' | 'duplicate' | 'cut';
  /** Sending endpoint id. */
  from: number;
  /** Receiving endpoint id. */
  to: number;
  /** Sequence number of the send (0, 1, 2, ... per network); copies share it. */
  seq: number;
}

/** Counts of what the network did so far. */
export interface NetworkStats {
  /** Messages handed to `send` (a broadcast counts once per receiver). */
  sent: number;
  /** Deliveries to handlers, duplicates included. */
  delivered: number;
  /** Messages lost to `dropRate` or cut by a partition. */
  dropped: number;
  /** Extra copies queued by `duplicateRate`. */
  duplicated: number;
}

/** Called when a message arrives at an endpoint. */
export type MessageHandler<T> = (message: T, from: number) => void;

/** One participant of a {@link SeededNetwork}, returned by {@link SeededNetwork.join}. */
export interface NetworkEndpoint<T> {
  /** The endpoint's id: 0, 1, 2, ... in join order. */
  readonly id: number;
  /** Send `message` to endpoint `to` (queued; nothing is delivered before the scheduler runs). */
  send(to: number, message: T): void;
  /** Send `message` to every other endpoint. */
  broadcast(message: T): void;
}

interface Packet<T> extends Scheduled {
  from: number;
  to: number;
  seq: number;
  message: T;
}

function probability(name: string, p: number | undefined): number {
  const v = p ?? 0;
  if (!(v >= 0 && v <= 1)) throw new AccordError('invalid-argument', `${name} must be in [0, 1], got ${v}`);
  return v;
}

/**
 * A deterministic, unreliable in-memory network. Messages are queued by `send`/`broadcast` and
 * delivered only by {@link SeededNetwork.step} or {@link SeededNetwork.deliverAll}, synchronously,
 * by calling the receiver's handler; a handler may send more messages.
 *
 * Each step advances the scheduler clock, picks one ready message (at random when `reorder` is
 * on), and drops it, delivers it, or delivers it and queues a delayed duplicate, by seeded coin
 * flips. Messages across a {@link SeededNetwork.partition} are cut (lost) while it lasts.
 *
 * @example
 * ```ts
 * const net = new SeededNetwork<string>({ seed: 7, duplicateRate: 0.2, maxDelay: 3 });
 * const a = net.join((msg) => console.log('a got', msg));
 * const b = net.join((msg) => console.log('b got', msg));
 * a.send(b.id, 'hi');
 * b.broadcast('hello all');
 * net.deliverAll(); // every message arrives (some twice), in a seed-determined order
 * ```
 */
export class SeededNetwork<T> {
  private readonly rng: SeededRandom;
  private readonly dropRate: number;
  private readonly duplicateRate: number;
  private readonly maxDelay: number;
  private readonly reorder: boolean;
  private readonly handlers: MessageHandler<T>[] = [];
  /** Packets not yet due, by due time. */
  private readonly delayed = new DelayQueue<Packet<T>>();
  /** Packets due, in the order they became due (picked at random when reordering). */
  private ready: Packet<T>[] = [];
  private readyHead = 0;
  private order = 0;
  private readonly events: NetworkEvent[] | undefined;
  private groups: Map<number, number> | undefined;
  private seq = 0;
  private clock = 0;
  private readonly counts: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };

  /** @throws {AccordError} `invalid-argument` for probabilities outside `[0, 1]` or a negative delay. */
  constructor(options: NetworkOptions = {}) {
    this.rng = new SeededRandom(options.seed ?? 1);
    this.dropRate = probability('dropRate', options.dropRate);
    this.duplicateRate = probability('duplicateRate', options.duplicateRate);
    const delay = options.maxDelay ?? 0;
    if (!Number.isSafeInteger(delay) || delay < 0) {
      throw new AccordError('invalid-argument', `maxDelay must be a non-negative integer, got ${delay}`);
    }
    this.maxDelay = delay;
    this.reorder = options.reorder ?? true;
    this.events = options.recordTrace ? [] : undefined;
  }

  /** Add an endpoint whose incoming messages go to `handler`; ids are 0, 1, 2, ... in join order. */
  join(handler: MessageHandler<T>): NetworkEndpoint<T> {
    const id = this.handlers.length;
    this.handlers.push(handler);
    return {
      id,
      send: (to, message) => this.send(id, to, message),
      broadcast: (message) => this.broadcast(id, message),
    };
  }

  /** Number of endpoints. */
  get size(): number {
    return this.handlers.length;
  }

  /** Messages queued and not yet delivered or dropped. */
  get inFlight(): number {
    return this.delayed.size + this.ready.length - this.readyHead;
  }

  /** Scheduler time (steps taken, plus idle time skipped while waiting for delayed messages). */
  get time(): number {
    return this.clock;
  }

  /** What the network did so far (a copy). */
  get stats(): NetworkStats {
    return { ...this.counts };
  }

  /** The recorded events (empty unless `recordTrace` was set); a copy. */
  get trace(): NetworkEvent[] {
    return this.events ? [...this.events] : [];
  }

  /**
   * Queue `message` from endpoint `from` to endpoint `to`, with a seeded delay.
   * @throws {AccordError} `invalid-argument` for unknown endpoint ids.
   */
  send(from: number, to: number, message: T): void {
    this.checkEndpoint(from);
    this.checkEndpoint(to);
    this.counts.sent++;
    this.enqueue(from, to, this.seq++, message);
  }

  /** Queue `message` from `from` to every other endpoint (one send each). */
  broadcast(from: number, message: T): void {
    this.checkEndpoint(from);
    for (let to = 0; to < this.handlers.length; to++) if (to !== from) this.send(from, to, message);
  }

  /**
   * Split the endpoints into groups that cannot reach each other: messages between groups (in
   * flight or sent later) are lost until {@link SeededNetwork.heal}. Endpoints not listed form
   * one more group.
   */
  partition(groups: readonly (readonly number[])[]): void {
    const map = new Map<number, number>();
    groups.forEach((g, i) => {
      for (const id of g) map.set(id, i);
    });
    this.groups = map;
  }

  /** End any partition. */
  heal(): void {
    this.groups = undefined;
  }

  /**
   * Take one scheduling decision: advance time by one step (or to the next delayed message when
   * none is ready), choose a ready message and drop, deliver, or deliver-and-duplicate it.
   * Returns false when nothing is in flight.
   */
  step(): boolean {
    if (this.inFlight === 0) return false;
    this.clock++;
    if (this.ready.length === this.readyHead) {
      const next = this.delayed.peek() as Packet<T>;
      if (next.readyAt > this.clock) this.clock = next.readyAt;
    }
    for (let p = this.delayed.peek(); p && p.readyAt <= this.clock; p = this.delayed.peek()) {
      this.ready.push(this.delayed.pop() as Packet<T>);
    }
    const packet = this.takeReady();
    if (this.cut(packet.from, packet.to)) {
      this.record('cut', packet);
      this.counts.dropped++;
      return true;
    }
    if (this.rng.chance(this.dropRate)) {
      this.record('drop', packet);
      this.counts.dropped++;
      return true;
    }
    if (this.rng.chance(this.duplicateRate)) {
      this.record('duplicate', packet);
      this.counts.duplicated++;
      this.enqueue(packet.from, packet.to, packet.seq, packet.message);
    }
    this.record('deliver', packet);
    this.counts.delivered++;
    (this.handlers[packet.to] as MessageHandler<T>)(packet.message, packet.from);
    return true;
  }

  /**
   * Run {@link SeededNetwork.step} until nothing is in flight (messages sent by handlers are
   * delivered too). Returns the number of steps taken.
   * @throws {AccordError} `out-of-range` if the network is still busy after `maxSteps` steps
   * (default 1 000 000), for example when handlers keep answering each other forever.
   */
  deliverAll(maxSteps = 1_000_000): number {
    let steps = 0;
    while (this.inFlight > 0) {
      if (steps >= maxSteps) {
        throw new AccordError(
          'out-of-range',
          `network still busy after ${maxSteps} steps (${this.inFlight} in flight)`,
        );
      }
      this.step();
      steps++;
    }
    return steps;
  }

  private enqueue(from: number, to: number, seq: number, message: T): void {
    const delay = this.maxDelay > 0 ? this.rng.int(this.maxDelay + 1) : 0;
    this.delayed.push({ from, to, seq, readyAt: this.clock + delay, order: this.order++, message });
  }

  /** Remove one due packet: a seeded random one when reordering, else the oldest. */
  private takeReady(): Packet<T> {
    if (!this.reorder) {
      const p = this.ready[this.readyHead++] as Packet<T>;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      return p;
    }
    const i = this.rng.int(this.ready.length);
    const p = this.ready[i] as Packet<T>;
    this.ready[i] = this.ready[this.ready.length - 1] as Packet<T>;
    this.ready.pop();
    return p;
  }

  private cut(from: number, to: number): boolean {
    if (!this.groups) return false;
    const none = -1;
    return (this.groups.get(from) ?? none) !== (this.groups.get(to) ?? none);
  }

  private record(kind: NetworkEvent['kind'], p: Packet<T>): void {
    this.events?.push({ time: this.clock, kind, from: p.from, to: p.to, seq: p.seq });
  }

  private checkEndpoint(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.handlers.length) {
      throw new AccordError('invalid-argument', `unknown endpoint ${id}`);
    }
  }
}
