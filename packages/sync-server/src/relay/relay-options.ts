/**
 * What a {@link Relay} is built from: its parts, limits and timeouts (every limit has a CLI
 * flag), and the small tables the handshake uses.
 */
import { CloseCode } from '@accord/core/protocol';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/tokens.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { Committer } from '../storage/committer.js';
import type { SqliteStore } from '../storage/sqlite-store.js';
import type { RandomSource } from '../time/random.js';
import type { Scheduler } from '../time/scheduler.js';
import type { DocumentEngine } from './document.js';
import type { RateLimits } from './rate-limit.js';
import type { Replicator } from './replicator.js';

/** Limits and timeouts of a relay (all have CLI flags). */
export interface RelayLimits {
  /** Per connection (`--rate-limit`, `--rate-burst`, `--rate-bytes`). */
  readonly rate: RateLimits;
  /** Shared by every connection from one address (`--rate-limit-address`, `--rate-bytes-address`). */
  readonly addressRate: RateLimits;
  /** Shared by every session holding one token (`--rate-limit-token`, `--rate-bytes-token`). */
  readonly tokenRate: RateLimits;
  readonly presenceTtlMs: number;
  /** Presence changes are merged per document and relayed at most this often (ms; 0: at once). */
  readonly presenceIntervalMs: number;
  /** Largest presence entry, encoded bytes. */
  readonly presenceMaxBytes: number;
  /** Most presence bytes per document (this node's and other nodes' entries). */
  readonly presenceRoomBytes: number;
  /** From the upgrade to `hello` (ms; each connection gets 3/4 of it to all of it, see `random`). */
  readonly handshakeTimeoutMs: number;
  /** From `hello` to joined: token check and read quorum (ms). */
  readonly joinTimeoutMs: number;
  /** Disconnect a client with more than this many bytes queued for it. */
  readonly maxBufferedBytes: number;
  /** Compact a document after this many log entries (0: never). */
  readonly snapshotEvery: number;
  /** Unload a room this long after its last user left. */
  readonly roomIdleMs: number;
}

/** Everything a `Relay` is built from. */
export interface RelayOptions {
  readonly nodeId: number;
  readonly store: SqliteStore;
  readonly committer: Committer;
  readonly engine: DocumentEngine;
  readonly replicator: Replicator;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  readonly metrics: RelayMetrics;
  readonly limits: RelayLimits;
  /** Clock and timers for deadlines, rate limits and presence (default: real time). */
  readonly scheduler?: Scheduler;
  /**
   * Wall clock, milliseconds since the epoch (default `Date.now`): a token's expiry is a time of
   * day, so a session's remaining time is measured on it, then timed on
   * {@link RelayOptions.scheduler}, whose clock cannot serve here: it counts from an arbitrary
   * origin.
   */
  readonly wallClock?: () => number;
  /**
   * Randomness for the hello deadline's jitter (default `Math.random`): each connection gets
   * between 3/4 of `handshakeTimeoutMs` and all of it, so sockets opened in a burst do not all
   * expire (and come back) in the same instant.
   */
  readonly random?: RandomSource;
}

/** A refused token's error and close codes. */
export const authClose = {
  'auth-failed': { code: 'auth-failed', close: CloseCode.authFailed },
  'token-expired': { code: 'token-expired', close: CloseCode.tokenExpired },
  forbidden: { code: 'forbidden', close: CloseCode.forbidden },
  malformed: { code: 'bad-frame', close: CloseCode.badData },
} as const;

/** The key sessions holding the same token share a rate budget under: its signature. */
export function tokenKeyOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}
