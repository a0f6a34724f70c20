/**
 * One client connection's protocol state: handshake, rate limits, decoding, and the error/close
 * policy. What a message means for the document is decided by the {@link SessionHost} (the relay).
 */
import {
  type ClientMessage,
  CloseCode,
  DecodeError,
  decodeClientMessage,
  encodeMessage,
  type ProtocolErrorCode,
  type Scope,
  type ServerMessage,
} from '@accord/core';
import type { Connection, ConnectionHandler } from './connection.js';
import { TokenBucket } from './rate-limit.js';

/** Rate limits per connection (`framesPerSecond <= 0` disables the frame limit, likewise bytes). */
export interface RateLimits {
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  readonly bytesPerSecond: number;
  readonly byteBurst: number;
}

/** What a session asks of the relay. */
export interface SessionHost {
  /** Handle `hello`; the session is `authenticating` until it calls {@link Session.joined} or closes. */
  hello(session: Session, msg: Extract<ClientMessage, { type: 'hello' }>): void;
  /** Handle a joined session's message other than `hello`, `ping` and `pong`. */
  message(session: Session, msg: ClientMessage): void;
  /** The session closed (after it joined or not). */
  closed(session: Session): void;
  /** Count an error sent or a close, for metrics. */
  count(kind: 'error' | 'close', code: string | number): void;
}

/** Lifecycle of a session. */
export type SessionState = 'handshake' | 'authenticating' | 'joined' | 'closed';

/** Largest presence frame relayed; larger ones get `error too-large` (the connection stays). */
export const MAX_PRESENCE_FRAME_BYTES = 8192;

/** Most frames buffered while the token is being checked; more is a protocol violation. */
const MAX_EARLY_FRAMES = 256;

/** The server side of one client connection. */
export class Session implements ConnectionHandler {
  state: SessionState = 'handshake';
  /** The session's document once `hello` arrived. */
  docId = '';
  /** Granted scope once joined. */
  scope: Scope = 'read';
  /** Last time (ms, the relay clock) a frame arrived: presence expires after a silence. */
  lastSeen: number;
  private early: Uint8Array[] = [];
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;
  private handshakeTimer: ReturnType<typeof setTimeout> | null;
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** Unique per node; also the presence key. */
    readonly id: number,
    readonly conn: Connection,
    private readonly host: SessionHost,
    limits: RateLimits,
    handshakeTimeoutMs: number,
    private readonly now: () => number,
    private readonly maxBufferedBytes: number,
  ) {
    this.lastSeen = now();
    this.frames = new TokenBucket(limits.frameBurst, limits.framesPerSecond, now);
    this.bytes = new TokenBucket(limits.byteBurst, limits.bytesPerSecond, now);
    this.handshakeTimer = setTimeout(() => {
      if (this.state === 'handshake' || this.state === 'authenticating') {
        this.fail('unexpected-message', CloseCode.handshakeTimeout, 'no handshake in time');
      }
    }, handshakeTimeoutMs);
    this.handshakeTimer.unref?.();
  }

  /** True until the connection closed. */
  get open(): boolean {
    return this.state !== 'closed';
  }

  onFrame(data: Uint8Array, binary: boolean): void {
    if (this.state === 'closed') return;
    const t = this.now();
    this.lastSeen = t;
    if (!this.frames.take(1, t) || !this.bytes.take(data.length, t)) {
      this.fail('rate-limited', CloseCode.rateLimited, 'rate limit exceeded');
      return;
    }
    if (!binary) {
      this.fail('bad-frame', CloseCode.policy, 'text frames are not part of the protocol');
      return;
    }
    if (this.state === 'authenticating') {
      if (this.early.length >= MAX_EARLY_FRAMES) {
        this.fail('unexpected-message', CloseCode.policy, 'too many frames before the handshake completed');
        return;
      }
      this.early.push(data);
      return;
    }
    this.handle(data);
  }

  private handle(data: Uint8Array): void {
    let msg: ClientMessage;
    try {
      msg = decodeClientMessage(data);
    } catch (e) {
      if (e instanceof DecodeError && e.code === 'bad-version') {
        this.fail('bad-version', CloseCode.unsupportedVersion, e.message);
      } else {
        this.fail('bad-frame', CloseCode.badData, e instanceof Error ? e.message : 'malformed frame');
      }
      return;
    }
    switch (msg.type) {
      case 'ping':
        this.send({ type: 'pong', nonce: msg.nonce });
        return;
      case 'pong':
      case 'error':
        return;
      case 'hello':
        if (this.state !== 'handshake') {
          this.fail('unexpected-message', CloseCode.policy, 'hello sent twice');
          return;
        }
        this.state = 'authenticating';
        this.docId = msg.docId;
        this.host.hello(this, msg);
        return;
      default:
        if (this.state !== 'joined') {
          this.fail('unexpected-message', CloseCode.policy, `${msg.type} before hello`);
          return;
        }
        if (msg.type === 'presence' && data.length > MAX_PRESENCE_FRAME_BYTES) {
          // Presence goes to every peer in the room on every change: keep it small.
          this.error('too-large', `presence over ${MAX_PRESENCE_FRAME_BYTES} bytes is not relayed`);
          return;
        }
        this.host.message(this, msg);
    }
  }

  /**
   * Mark the handshake complete and process the frames that arrived meanwhile. The session is
   * closed with `token-expired` (4002) once its token expires, `expiresInMs` from now.
   */
  joined(scope: Scope, expiresInMs = Number.POSITIVE_INFINITY): void {
    if (this.state !== 'authenticating') return;
    this.state = 'joined';
    this.scope = scope;
    // Timers hold at most 2^31 - 1 ms (~24.8 days); longer tokens are simply not timed.
    if (expiresInMs < 2 ** 31 - 1) {
      this.expiryTimer = setTimeout(
        () => this.fail('token-expired', CloseCode.tokenExpired, 'token expired'),
        Math.max(0, expiresInMs),
      );
      this.expiryTimer.unref?.();
    }
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    const early = this.early;
    this.early = [];
    for (const f of early) {
      if (this.state !== 'joined') break;
      this.handle(f);
    }
  }

  /** Send a message (encoded here). */
  send(msg: ServerMessage): void {
    this.sendRaw(encodeMessage(msg));
  }

  /**
   * Send an encoded frame. A client that does not read (more than `maxBufferedBytes` queued)
   * is disconnected with `overloaded` instead of growing the node's memory.
   */
  sendRaw(frame: Uint8Array): void {
    if (this.state === 'closed') return;
    if (this.conn.bufferedAmount > this.maxBufferedBytes) {
      this.close(CloseCode.overloaded, 'client too slow to read');
      return;
    }
    this.conn.send(frame);
  }

  /** Report an error to the client (connection stays open). */
  error(code: ProtocolErrorCode, message: string, id = 0): void {
    this.host.count('error', code);
    this.send({ type: 'error', code, message: message.slice(0, 200), id });
  }

  /** Report an error, then close with `closeCode`. */
  fail(code: ProtocolErrorCode, closeCode: number, message: string, id = 0): void {
    if (this.state === 'closed') return;
    this.error(code, message, id);
    this.close(closeCode, code);
  }

  /** Close the connection (idempotent); the host hears about it once, through {@link onClose}. */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.host.count('close', code);
    this.conn.close(code, reason);
    this.onClose();
  }

  onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.early = [];
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.host.closed(this);
  }
}
