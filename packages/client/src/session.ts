/**
 * What the provider knows about one connection; dropped with the socket.
 */
import type { ErrorMessage, Scope, SessionStatus } from '@accord/core/protocol';

/** Per-connection state of the provider. */
export interface Session {
  /** The socket generation this session belongs to. */
  readonly generation: number;
  /** The relay URL. */
  readonly url: string;
  /** This session's id in the room, from `welcome`. */
  sessionId: number | undefined;
  /** Access granted by the token, from `welcome`. */
  scope: Scope;
  /** Whether the join read its quorum, from `welcome` (undefined before it). */
  readQuorum: boolean | undefined;
  /** Whether the node holds the session vector, from `welcome` (undefined before it). */
  sessionStatus: SessionStatus | undefined;
  /** The relay's `sync` has been applied. */
  synced: boolean;
  /** When the last frame arrived. */
  lastHeardAt: number;
  /** Ping period for this connection. */
  pingEveryMs: number;
  /** A read-only refusal was reported already. */
  readOnlyReported: boolean;
  /** The relay refused (and the outbox dropped) one of our updates. */
  refusedUpdate: boolean;
  /** The relay's last `error` message, quoted when the close follows. */
  lastError: ErrorMessage | undefined;
  /** Send time of every update in flight, by wire id. */
  readonly sentAt: Map<number, number>;
}

/** A fresh session for a socket that just opened. */
export function newSession(generation: number, url: string, now: number, pingEveryMs: number): Session {
  return {
    generation,
    url,
    sessionId: undefined,
    scope: 'write',
    readQuorum: undefined,
    sessionStatus: undefined,
    synced: false,
    lastHeardAt: now,
    pingEveryMs,
    readOnlyReported: false,
    refusedUpdate: false,
    lastError: undefined,
    sentAt: new Map(),
  };
}
