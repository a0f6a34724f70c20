/**
 * The connection state machine: one WebSocket at a time to one relay of a pool, reopened after
 * every loss on the next URL with capped exponential backoff and full jitter, and a deadline for
 * each attempt to become ready. It knows nothing of the protocol: the provider feeds it
 * `markReady()` once the handshake completes and `drop()` when the peer misbehaves or goes silent.
 *
 * States: `idle` (not running) → `opening` (socket created, not yet ready) → `ready` → on loss
 * `waiting` (backoff timer) → `opening` … ; `stop()` returns to `idle` from anywhere.
 *
 * Racing: a relay that is stopped (SIGSTOP, a frozen VM) or behind a black-holed route still
 * completes the TCP handshake in its kernel but never answers the HTTP upgrade, so an attempt on
 * it would sit out the whole connect deadline. When an attempt has not opened within
 * `raceAfterMs`, a second socket is opened to the next URL of the pool; whichever opens first is
 * kept and the other is closed. At most two sockets exist at any moment.
 */
import type { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { type Scheduler, TimerSlot } from './scheduler.js';
import { messageBytes, SOCKET_OPEN, type WebSocketConstructor, type WebSocketLike } from './socket.js';
import type { UrlPool } from './url-pool.js';

/** Where the connection stands. */
export type ConnectionState = 'idle' | 'opening' | 'ready' | 'waiting';

/** Close code the client uses when it gives up on a socket itself (timeout, silence, bad data). */
export const CLIENT_ABORT_CODE = 4000;

/** Why a socket ended, as reported by the `close` event. */
export interface ConnectionCloseInfo {
  /** The URL of the socket that ended. */
  readonly url: string;
  /** The socket's generation (see {@link ConnectionEvents.open}). */
  readonly generation: number;
  /** The close code: the peer's, 1006 for an abnormal drop, {@link CLIENT_ABORT_CODE} for our own aborts. */
  readonly code: number;
  /** The close reason, or a description of our own abort. */
  readonly reason: string;
  /** Whether the socket had opened at all. */
  readonly wasOpen: boolean;
  /** Whether the handshake had completed (`markReady()` was called). */
  readonly wasReady: boolean;
}

/** Events of a {@link Connection}. */
export type ConnectionEvents = {
  /** A socket is being opened to `url` (attempt counts failures since the last healthy connection). */
  opening: (info: { url: string; generation: number; attempt: number }) => void;
  /** The socket opened; the provider sends its handshake now. */
  open: (info: { url: string; generation: number }) => void;
  /** A binary frame arrived on the current socket. */
  message: (bytes: Uint8Array, generation: number) => void;
  /** The current socket ended; unless `stop()` is called from this handler, a retry is scheduled. */
  close: (info: ConnectionCloseInfo) => void;
  /** A retry is scheduled on `url` after `delayMs`. */
  waiting: (info: { url: string; delayMs: number; attempt: number }) => void;
  /** The attempt on `slowUrl` has not opened in time; a second socket races it on `url`. */
  racing: (info: { url: string; slowUrl: string; generation: number }) => void;
};

/** What a {@link Connection} needs. */
export interface ConnectionOptions {
  /** The relay URLs and the rotation cursor. */
  readonly urls: UrlPool;
  /** The WebSocket class (native or `ws`). */
  readonly WebSocket: WebSocketConstructor;
  /** Clock and timers. */
  readonly scheduler: Scheduler;
  /** Retry delays. */
  readonly backoff: Backoff;
  /** An attempt that is not ready (handshake done) within this many ms is abandoned. */
  readonly connectTimeoutMs: number;
  /** A connection must stay ready this long before a loss restarts the backoff from the first window. */
  readonly stableAfterMs: number;
  /**
   * An attempt whose socket has not opened within this many ms is raced by a second socket to
   * the next URL (see the module comment). `0`, or a pool of one URL, turns racing off.
   */
  readonly raceAfterMs?: number | undefined;
}

/**
 * One logical connection to a relay cluster: at most one live socket, automatic reconnect and
 * failover. Event handlers run synchronously; calling `stop()` or `drop()` from inside them is safe.
 */
export class Connection extends Emitter<ConnectionEvents> {
  private readonly opts: ConnectionOptions;
  private readonly timer: TimerSlot;
  private readonly raceTimer: TimerSlot;
  private socket: WebSocketLike | undefined;
  /** The second socket of a race, until one of the two opens. */
  private racer: { readonly socket: WebSocketLike; readonly url: string } | undefined;
  private socketUrl = '';
  private gen = 0;
  private opened = false;
  private readyAt: number | undefined;
  private phase: ConnectionState = 'idle';

  /** Idle until `start()`. */
  constructor(options: ConnectionOptions) {
    super();
    this.opts = options;
    this.timer = new TimerSlot(options.scheduler);
    this.raceTimer = new TimerSlot(options.scheduler);
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.phase;
  }

  /** The generation of the current socket; increases with every socket opened. */
  get generation(): number {
    return this.gen;
  }

  /** The URL of the current (or last) socket. */
  get url(): string {
    return this.socketUrl;
  }

  /** Begin connecting, now, to the pool's current URL. A no-op unless idle. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.open();
  }

  /** When waiting for a retry, retry now (e.g. the browser came back online). */
  retryNow(): void {
    if (this.phase !== 'waiting') return;
    this.timer.clear();
    this.open();
  }

  /** Close the socket (code 1000), cancel every timer and go idle. No `close` event is emitted. */
  stop(): void {
    this.timer.clear();
    this.dropRacer();
    const socket = this.detach();
    this.phase = 'idle';
    if (socket !== undefined) safeClose(socket, 1000, 'client disconnect');
  }

  /**
   * The handshake on the current socket completed: the attempt deadline is lifted and, once the
   * connection has stayed up for `stableAfterMs`, the next loss retries from the first backoff window.
   */
  markReady(): void {
    if (this.phase !== 'opening' || !this.opened) return;
    this.timer.clear();
    this.dropRacer();
    this.phase = 'ready';
    this.readyAt = this.opts.scheduler.now();
  }

  /**
   * Give up on the current socket (silence, bad data from the relay): close it with `code`,
   * emit `close` at once (without waiting for the closing handshake) and schedule a retry on the
   * next URL. A no-op without a socket.
   */
  drop(code: number, reason: string): void {
    if (this.socket === undefined) return;
    this.lost(code, reason, true);
  }

  /** Send a frame on the current socket; `false` when there is no open socket or sending failed. */
  send(bytes: Uint8Array): boolean {
    const socket = this.socket;
    if (socket === undefined || !this.opened || socket.readyState !== SOCKET_OPEN) return false;
    try {
      socket.send(bytes);
      return true;
    } catch {
      return false;
    }
  }

  private open(): void {
    const url = this.opts.urls.current;
    const generation = ++this.gen;
    this.socketUrl = url;
    this.opened = false;
    this.readyAt = undefined;
    this.phase = 'opening';
    this.emit('opening', { url, generation, attempt: this.opts.backoff.attempt });
    if (this.phase !== 'opening' || this.gen !== generation) return; // stopped by a handler
    const socket = this.createSocket(url);
    if (!('send' in socket)) {
      this.socket = undefined;
      this.lostWithoutSocket(url, generation, `could not create WebSocket: ${socket.error}`);
      return;
    }
    this.socket = socket;
    this.attach(socket, url, generation);
    this.timer.set(() => {
      if (this.socket === socket && this.phase === 'opening') {
        this.lost(CLIENT_ABORT_CODE, `not ready within ${this.opts.connectTimeoutMs} ms`, true);
      }
    }, this.opts.connectTimeoutMs);
    const raceAfterMs = this.opts.raceAfterMs ?? 0;
    if (raceAfterMs > 0 && raceAfterMs < this.opts.connectTimeoutMs && this.opts.urls.size > 1) {
      this.raceTimer.set(() => this.race(generation), raceAfterMs);
    }
  }

  /** Open the second socket of a race, if the attempt of `generation` still has not opened. */
  private race(generation: number): void {
    if (this.gen !== generation || this.phase !== 'opening' || this.opened || this.racer !== undefined)
      return;
    const slowUrl = this.socketUrl;
    const url = this.opts.urls.rotate();
    if (url === slowUrl) return;
    const socket = this.createSocket(url);
    if (!('send' in socket)) return; // the primary attempt goes on alone
    this.racer = { socket, url };
    this.attach(socket, url, generation);
    this.emit('racing', { url, slowUrl, generation });
  }

  private createSocket(url: string): WebSocketLike | { readonly error: string } {
    try {
      const socket = new this.opts.WebSocket(url);
      socket.binaryType = 'arraybuffer';
      return socket;
    } catch (error) {
      return { error: describe(error) };
    }
  }

  /** Wire a socket of attempt `generation`: the current one, or the racer until it wins. */
  private attach(socket: WebSocketLike, url: string, generation: number): void {
    socket.onopen = () => {
      if (this.racer?.socket === socket) {
        if (this.opened) return;
        this.promoteRacer(true);
      } else if (this.socket !== socket) {
        return;
      }
      this.dropRacer();
      this.opened = true;
      this.emit('open', { url, generation });
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const bytes = messageBytes(event.data);
      if (bytes !== undefined) this.emit('message', bytes, generation);
    };
    socket.onclose = (event) => {
      if (this.racer?.socket === socket) {
        this.racer = undefined;
        return;
      }
      if (this.socket !== socket) return;
      // The slow attempt failed while its racer is still pending: the racer carries on alone.
      if (!this.opened && this.racer !== undefined) {
        this.promoteRacer(false);
        return;
      }
      this.lost(event.code, event.reason, false);
    };
    // Errors are always followed by a close event; the listener keeps `ws` from throwing.
    socket.onerror = () => {};
  }

  /** Make the racer the attempt's socket; the slow one is closed (`closeSlow`) or already gone. */
  private promoteRacer(closeSlow: boolean): void {
    const racer = this.racer;
    if (racer === undefined) return;
    this.racer = undefined;
    const slow = this.detach();
    if (closeSlow && slow !== undefined) safeClose(slow, 1000, 'lost the race');
    this.socket = racer.socket;
    this.socketUrl = racer.url;
  }

  /** Close and forget the racer, if any, and cancel a race not yet started. */
  private dropRacer(): void {
    this.raceTimer.clear();
    const racer = this.racer;
    if (racer === undefined) return;
    this.racer = undefined;
    unwire(racer.socket);
    safeClose(racer.socket, 1000, 'lost the race');
  }

  private lost(code: number, reason: string, abort: boolean): void {
    const wasOpen = this.opened;
    const wasReady = this.phase === 'ready';
    const readyAt = this.readyAt;
    const generation = this.gen;
    const url = this.socketUrl;
    const socket = this.detach();
    this.timer.clear();
    this.dropRacer();
    if (abort && socket !== undefined) safeClose(socket, code, reason);
    if (wasReady && readyAt !== undefined && this.opts.scheduler.now() - readyAt >= this.opts.stableAfterMs) {
      this.opts.backoff.reset();
    }
    this.phase = 'waiting';
    this.emit('close', { url, generation, code, reason, wasOpen, wasReady });
    this.scheduleRetry(generation);
  }

  private lostWithoutSocket(url: string, generation: number, reason: string): void {
    this.phase = 'waiting';
    this.emit('close', { url, generation, code: 1006, reason, wasOpen: false, wasReady: false });
    this.scheduleRetry(generation);
  }

  private scheduleRetry(generation: number): void {
    // A handler may have stopped us, or started a new socket.
    if (this.phase !== 'waiting' || this.gen !== generation || this.timer.pending) return;
    const url = this.opts.urls.rotate();
    const attempt = this.opts.backoff.attempt;
    const delayMs = this.opts.backoff.next();
    this.timer.set(() => this.open(), delayMs);
    this.emit('waiting', { url, delayMs, attempt });
  }

  private detach(): WebSocketLike | undefined {
    const socket = this.socket;
    this.socket = undefined;
    this.opened = false;
    if (socket !== undefined) unwire(socket);
    return socket;
  }
}

function unwire(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  // Keep an error listener: `ws` throws on an unhandled 'error' during the closing handshake.
  socket.onerror = () => {};
}

function safeClose(socket: WebSocketLike, code: number, reason: string): void {
  try {
    // Browsers only accept 1000 or 3000–4999 from scripts.
    socket.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason.slice(0, 120));
  } catch {
    // Already closed or closing: nothing to do.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
