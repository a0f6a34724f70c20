/**
 * Keep-alive of a transport's client sockets: each socket is pinged once per keep-alive interval,
 * in {@link PING_SLICES} slices spread over the interval (10,000 pings in one tick stalled the
 * event loop for a few hundred ms). A socket that has not answered (nor sent anything) since its
 * previous ping is closed with `idle-timeout` and terminated {@link IDLE_TERMINATE_MS} later if
 * it never completes the close handshake. Time and timers come from the injected scheduler.
 */
import { CloseCode } from '@accord/core/protocol';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';

/** Keep-alive pings go out in this many slices of the interval, not all at once. */
export const PING_SLICES = 8;

/** How long an idle socket closed by the pinger has to finish the close handshake (ms). */
export const IDLE_TERMINATE_MS = 1000;

/** The part of a socket the pinger uses (`ws`'s `WebSocket` has it). */
export interface Pingable {
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

/** One socket as the pinger sees it. */
export interface LivenessEntry {
  readonly ws: Pingable;
  /** Set by the transport on every pong or frame; cleared by each ping. */
  alive: boolean;
  /** Which slice of the interval pings it (`0 .. PING_SLICES - 1`). */
  readonly slice: number;
}

/** Options of a {@link LivenessPinger}. */
export interface LivenessOptions<K> {
  /** Clock and timers (a transport passes its own; tests a `ManualScheduler`). */
  readonly scheduler: Scheduler;
  /** Each socket is pinged once per this many ms; one that misses a round trip is closed. */
  readonly keepAliveMs: number;
  /** The sockets now, keyed as the transport keys them. */
  readonly entries: () => Iterable<readonly [K, LivenessEntry]>;
  /** Sockets left alone (those not yet authenticated: their hello and join deadlines bound them). */
  readonly skip: (key: K) => boolean;
}

/** Pings the sockets of one transport; {@link start} once, {@link stop} at shutdown. */
export class LivenessPinger<K> {
  private slice = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;

  /** @param options see {@link LivenessOptions}. */
  constructor(private readonly options: LivenessOptions<K>) {}

  /** Ping one slice every `keepAliveMs / PING_SLICES`, from now until {@link stop}. */
  start(): void {
    if (this.stopped || this.timer !== null) return;
    this.arm();
  }

  /** Stop pinging (sockets already closed for idleness are still terminated on time). */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private arm(): void {
    this.timer = this.options.scheduler.setTimer(this.options.keepAliveMs / PING_SLICES, () => {
      this.arm();
      this.tick();
    });
  }

  private tick(): void {
    const { scheduler, entries, skip } = this.options;
    const current = this.slice;
    this.slice = (this.slice + 1) % PING_SLICES;
    for (const [key, e] of entries()) {
      if (e.slice !== current || skip(key)) continue;
      if (!e.alive) {
        e.ws.close(CloseCode.idleTimeout, 'idle');
        const ws = e.ws;
        scheduler.setTimer(IDLE_TERMINATE_MS, () => ws.terminate());
        continue;
      }
      e.alive = false;
      try {
        e.ws.ping();
      } catch {
        e.ws.terminate();
      }
    }
  }
}
