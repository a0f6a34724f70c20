/**
 * Pure decisions of the provider, apart from its plumbing so they are unit-tested directly:
 * what a close code means for reconnecting and what error it reports, and whether a connection is
 * still alive.
 */
import { type CloseCodeName, closeCodeInfo, type ProtocolErrorCode } from '@accord/core/protocol';
import { errorCodeForClose, type ProviderErrorCode } from './errors.js';

/** The facts {@link decideOnClose} weighs. */
export interface CloseFacts {
  /** The WebSocket close code. */
  readonly code: number;
  /** Consecutive auth refusals before this close. */
  readonly authFailures: number;
  /** Auth refusals tolerated before giving up. */
  readonly maxAuthRetries: number;
  /** Whether the relay refused (and the outbox dropped) one of our updates on this connection. */
  readonly refusedUpdate: boolean;
}

/** What to do after a close. */
export interface CloseDecision {
  /** The close code's name (see `CloseCode`). */
  readonly name: CloseCodeName | 'unknown';
  /** Stop reconnecting and go offline. */
  readonly fatal: boolean;
  /** The consecutive auth-refusal count after this close. */
  readonly authFailures: number;
}

/**
 * Decide whether to reconnect after a close:
 * - auth refusals (4001 bad token, 4002 expired, 4003 forbidden) are retried (a token function is
 *   asked again, another node may be configured right) at most `maxAuthRetries` times in a row,
 *   then the provider gives up: never a tight loop against a relay that will keep refusing;
 * - other codes the protocol marks as not retryable (1007 bad data, 1009 too big, 4007 version)
 *   are fatal, except 1007 after the offending update was dropped from the outbox;
 * - everything else (drops, 1001/4004 going away, overload, timeouts, unknown codes) is retried.
 */
export function decideOnClose(facts: CloseFacts): CloseDecision {
  const info = closeCodeInfo(facts.code);
  if (info.needsNewToken || info.name === 'forbidden') {
    const authFailures = facts.authFailures + 1;
    return { name: info.name, fatal: authFailures > facts.maxAuthRetries, authFailures };
  }
  const fatal = !info.retry && !(info.name === 'badData' && facts.refusedUpdate);
  return { name: info.name, fatal, authFailures: facts.authFailures };
}

/** The error a close is reported with (see {@link closeReport}). */
export interface CloseReport {
  /** The error's code (see `errorCodeForClose`). */
  readonly code: ProviderErrorCode;
  /** What happened: the close code, its name, and the relay's explanation when there is one. */
  readonly message: string;
}

/**
 * The error to report after the close with WebSocket `code` and `reason`, given its
 * {@link CloseDecision}, or `undefined` for a lost connection that is retried (nothing to say).
 * The message quotes the relay's last `error` message on that connection (`lastError`), else the
 * close reason, else the close code's name.
 */
export function closeReport(
  code: number,
  reason: string,
  decision: CloseDecision,
  lastError: string | undefined,
): CloseReport | undefined {
  const errorCode = errorCodeForClose(code);
  if (errorCode === 'connection-lost' && !decision.fatal) return undefined;
  const detail = lastError || reason || decision.name;
  return { code: errorCode, message: `relay closed the connection (${code} ${decision.name}): ${detail}` };
}

/** Liveness thresholds. */
export interface LivenessLimits {
  /** Nothing heard for this long: the relay is presumed dead or paused. */
  readonly livenessTimeoutMs: number;
  /** A sent update unacknowledged for this long: the relay is presumed stuck. */
  readonly ackTimeoutMs: number;
}

/** Verdict of {@link checkLiveness}. */
export type LivenessVerdict =
  | { readonly alive: true }
  | { readonly alive: false; readonly reason: 'silent' | 'ack-timeout'; readonly forMs: number };

/**
 * Is the relay still serving us? Dead when it has been silent for `livenessTimeoutMs` (a
 * SIGSTOPped node keeps its TCP connections open) or sits on an update for `ackTimeoutMs`.
 */
export function checkLiveness(
  now: number,
  lastHeardAt: number,
  sentAt: Iterable<number>,
  limits: LivenessLimits,
): LivenessVerdict {
  const silentFor = now - lastHeardAt;
  if (silentFor >= limits.livenessTimeoutMs) return { alive: false, reason: 'silent', forMs: silentFor };
  let oldest = now;
  for (const t of sentAt) if (t < oldest) oldest = t;
  if (now - oldest >= limits.ackTimeoutMs)
    return { alive: false, reason: 'ack-timeout', forMs: now - oldest };
  return { alive: true };
}

/** What the provider does with an `error` message from the relay. */
export type RelayErrorAction =
  /** The node cannot make writes durable (no quorum): fail over; the update stays in the outbox. */
  | 'failover'
  /** The relay refused one of our updates as malformed: drop it from the outbox. */
  | 'discard-update'
  /** The session is read-only: report once, keep the edits local. */
  | 'read-only'
  /**
   * Report it; the connection goes on. `too-large` is one of these: a relay sends it for a
   * presence state over its byte limits (the state is not relayed, the connection stays); a frame
   * over the relay's maximum payload closes with 1009 and no error message.
   */
  | 'report'
  /** A close follows that carries the decision (auth, size, version, shutdown). */
  | 'await-close';

/** Map a protocol error code (see `docs/protocol.md`) to the provider's reaction. */
export function relayErrorAction(code: ProtocolErrorCode): RelayErrorAction {
  switch (code) {
    case 'unavailable':
      return 'failover';
    case 'bad-update':
      return 'discard-update';
    case 'read-only':
      return 'read-only';
    case 'auth-failed':
    case 'token-expired':
    case 'forbidden':
    case 'bad-version':
    case 'going-away':
      return 'await-close';
    default:
      return 'report';
  }
}
