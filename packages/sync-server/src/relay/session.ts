/**
 * One client connection's protocol state: handshake deadlines, rate limits, decoding, and the
 * error/close policy. What a message means for the document is decided by the
 * {@link SessionHost} (the relay). Timers come from an injected {@link Scheduler}.
 */
import {
  type ClientMessage,
  CloseCode,
  DecodeError,
  decodeClientMessage,
  encodeMessage,
  MessageTypeCode,
  PROTOCOL_VERSION,
  type ProtocolErrorCode,
  type Scope,
  type ServerMessage,
  type WriteConcern,
} from '@accord/core/protocol';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { Connection, ConnectionHandler } from './connection.js';
import type { BudgetScope, FrameBudget } from './rate-limit.js';

export type { RateLimits } from './rate-limit.js';

/** Deadlines and limits of one session (CLI flags). */
export interface SessionLimits {
  /** From the upgrade to `hello` (`--handshake-timeout`); then closed with 4006. */
  readonly helloTimeoutMs: number;
  /** From `hello` to joined: token check and read quorum (`--join-timeout`); then closed with 4006. */
  readonly joinTimeoutMs: number;
  /** Disconnect a client with more than this many bytes queued for it. */
  readonly maxBufferedBytes: number;
  /** Largest presence state accepted (encoded bytes); a larger frame is refused before it is decoded. */
  readonly maxPresenceBytes: number;
}

/** What a session asks of the relay. */
export interface SessionHost {
  /** Handle `hello`; the session is `authenticating` until it calls `Session.joined` or closes. */
  hello(session: Session, msg: Extract<ClientMessage, { type: 'hello' }>): void;
  /** Handle a joined session's message other than `hello`, `ping` and `pong`. */
  message(session: Session, msg: ClientMessage): void;
  /** The session closed (after it joined or not). */
  closed(session: Session): void;
  /**
   * Count for metrics: an error sent or a close (by code), a frame over a rate budget (by
   * `BudgetScope`), an admission refusal (`hello-timeout`, `join-timeout`), or presence
   * refused for its size (`entry-bytes`).
   */
  count(kind: 'error' | 'close' | 'rate-limited' | 'admission' | 'presence', code: string | number): void;
}

/** Lifecycle of a session. */
export type SessionState = 'handshake' | 'authenticating' | 'joined' | 'closed';

/** Most frames buffered while the token is being checked; more is a protocol violation. */
const MAX_EARLY_FRAMES = 256;

/** The server side of one client connection. */
export class Session implements ConnectionHandler {
  state: SessionState = 'handshake';
  /** The session's document once `hello` arrived. */
  docId = '';
  /** Granted scope once joined. */
  scope: Scope = 'read';
  /** The write concern the client asked for in `hello` (undefined: the node's own). */
  w: WriteConcern | undefined = undefined;
  /** Last time (ms, the relay clock) a frame arrived: presence expires after a silence. */
  lastSeen: number;
  /** The key of the token budget this session holds, once joined (the relay releases it). */
  tokenKey: string | null = null;
  private early: Uint8Array[] = [];
  private readonly budgets: FrameBudget[];
  private handshakeTimer: TimerHandle | null;
  private expiryTimer: TimerHandle | null = null;

  /**
   * Starts the hello deadline. `budgets` are charged for every frame (the connection's own, and
   * shared ones such as its address's); the first one short closes the connection with 4005.
   */
  constructor(
    /** Unique per node; also the presence key. */
    readonly id: number,
    readonly conn: Connection,
    private readonly host: SessionHost,
    private readonly limits: SessionLimits,
    budgets: readonly FrameBudget[],
    private readonly scheduler: Scheduler,
  ) {
    this.lastSeen = scheduler.now();
    this.budgets = [...budgets];
    this.handshakeTimer = scheduler.setTimer(limits.helloTimeoutMs, () => {
      this.handshakeTimer = null;
      if (this.state !== 'handshake') return;
      this.host.count('admission', 'hello-timeout');
      // A socket that never spoke gets the close code alone (one frame less per idle socket).
      this.close(CloseCode.handshakeTimeout, 'no hello in time');
    });
  }

  /** Charge every later frame to `budget` too (the relay adds the token's budget on join). */
  addBudget(budget: FrameBudget): void {
    this.budgets.push(budget);
  }

  /**
   * The token checked out: the transport moves the connection to the authenticated budget.
   * `false` when that budget is full (the relay then closes the session with 4008).
   */
  authenticated(): boolean {
    return this.conn.authenticated?.() ?? true;
  }

  /** True until the connection closed. */
  get open(): boolean {
    return this.state !== 'closed';
  }

  onFrame(data: Uint8Array, binary: boolean): void {
    if (this.state === 'closed') return;
    const t = this.scheduler.now();
    this.lastSeen = t;
    for (const budget of this.budgets) {
      if (!budget.take(data.length, t)) {
        this.rateLimited(budget.scope);
        return;
      }
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

  private rateLimited(scope: BudgetScope): void {
    this.host.count('rate-limited', scope);
    this.fail('rate-limited', CloseCode.rateLimited, `rate limit exceeded (${scope})`);
  }

  private handle(data: Uint8Array): void {
    if (
      this.state === 'joined' &&
      data[1] === MessageTypeCode.presence &&
      data[0] === PROTOCOL_VERSION &&
      data.length - 2 > this.limits.maxPresenceBytes
    ) {
      // Presence goes to every peer in the room on every change: keep it small, and do not
      // decode (allocate) what is refused anyway.
      this.host.count('presence', 'entry-bytes');
      this.error('too-large', `presence over ${this.limits.maxPresenceBytes} bytes is not relayed`);
      return;
    }
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
        this.w = msg.w;
        this.handshakeTimer?.cancel();
        this.handshakeTimer = this.scheduler.setTimer(this.limits.joinTimeoutMs, () => {
          this.handshakeTimer = null;
          if (this.state !== 'authenticating') return;
          this.host.count('admission', 'join-timeout');
          this.fail('unavailable', CloseCode.handshakeTimeout, 'join did not complete in time');
        });
        this.host.hello(this, msg);
        return;
      default:
        if (this.state !== 'joined') {
          this.fail('unexpected-message', CloseCode.policy, `${msg.type} before hello`);
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
      this.expiryTimer = this.scheduler.setTimer(Math.max(0, expiresInMs), () =>
        this.fail('token-expired', CloseCode.tokenExpired, 'token expired'),
      );
    }
    this.handshakeTimer?.cancel();
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
    if (this.conn.bufferedAmount > this.limits.maxBufferedBytes) {
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
    this.handshakeTimer?.cancel();
    this.handshakeTimer = null;
    this.expiryTimer?.cancel();
    this.expiryTimer = null;
    this.host.closed(this);
  }
}
