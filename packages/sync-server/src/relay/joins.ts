/**
 * The join path of a relay: a session that sent a valid `hello` has its token verified (and, when
 * tokens are checked, charged to the rate budget shared by the token's sessions), its room catches
 * up through the replicator's read (a quorum read in a cluster), and it is welcomed: `welcome`,
 * the document's diff against its state vector, the cluster status and the room's presence. No
 * document byte is sent before the token is accepted.
 */
import {
  CloseCode,
  coversVector,
  DecodeError,
  decodeStateVector,
  type HelloMessage,
} from '@accord/core/protocol';
import type { Logger } from 'pino';
import { AuthError, type TokenVerifier } from '../auth/tokens.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { ClusterPresence } from './cluster-presence.js';
import { clusterFrame } from './cluster-status.js';
import type { SharedBudgets } from './rate-limit.js';
import { authClose, type RelayLimits, tokenKeyOf } from './relay-options.js';
import type { Replicator } from './replicator.js';
import type { Room, RoomRegistry } from './rooms.js';
import type { Session } from './session.js';

/** What the join path uses of its node. */
export interface JoinPathDeps {
  readonly nodeId: number;
  readonly rooms: RoomRegistry;
  readonly replicator: Replicator;
  readonly verifier: TokenVerifier;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  /** The relay's limits (`presenceTtlMs` goes into `welcome`). */
  readonly limits: RelayLimits;
  /** Rate budgets shared per token. */
  readonly tokenBudgets: SharedBudgets;
  /** The presence a joining session is sent. */
  readonly presence: ClusterPresence;
  /**
   * Wall clock (ms since the epoch) a token's expiry time is compared with; the session's expiry
   * timer then runs on its scheduler.
   */
  readonly wallClock: () => number;
  /** Apply an update from the read to `room`, relay it to the room's sessions and persist it. */
  ingest(room: Room, update: Uint8Array): Promise<void>;
}

/** Sessions from `hello` to joined. One per relay. */
export class JoinPath {
  constructor(private readonly deps: JoinPathDeps) {}

  /**
   * Join `session` to the room of `msg.docId` (a valid id). A refused token, a bad session or
   * state vector, or a node at its connection limit closes the session instead; a session closed
   * meanwhile is left alone. Rejects on an unexpected failure (of the read, say).
   */
  async join(session: Session, msg: HelloMessage): Promise<void> {
    const { verifier, replicator, metrics } = this.deps;
    let scope: 'read' | 'write';
    let expiresAt: number;
    try {
      ({ scope, expiresAt } = await verifier.verify(msg.token, msg.docId));
    } catch (e) {
      const reason = e instanceof AuthError ? e.code : 'auth-failed';
      this.deps.logger.info({ remote: session.conn.remote, docId: msg.docId, code: reason }, 'token refused');
      session.fail(authClose[reason].code, authClose[reason].close, reason);
      return;
    }
    if (!session.open) return;
    if (!session.authenticated()) {
      metrics.admissionRefused.inc({ reason: 'connections-after-auth' });
      session.close(CloseCode.overloaded, 'node at its connection limit');
      return;
    }
    if (!verifier.open && this.deps.tokenBudgets.enabled) {
      session.tokenKey = tokenKeyOf(msg.token);
      session.addBudget(this.deps.tokenBudgets.acquire(session.tokenKey));
    }
    let want: Map<number, number> | undefined;
    if (msg.session !== undefined) {
      try {
        want = decodeStateVector(msg.session);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        session.fail('bad-frame', CloseCode.badData, `bad session vector: ${e.message}`);
        return;
      }
    }
    const room = this.deps.rooms.acquire(msg.docId);
    try {
      const read = await replicator.readState(msg.docId, room.doc.stateVector(), want);
      for (const u of read.updates) await this.deps.ingest(room, u);
      if (!session.open) return;
      const sessionStatus =
        want === undefined
          ? undefined
          : coversVector(decodeStateVector(room.doc.stateVector()), want)
            ? ('covered' as const)
            : ('behind' as const);
      let diff: Uint8Array;
      try {
        diff = room.doc.diff(msg.stateVector);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        session.fail('bad-frame', CloseCode.badData, `bad state vector: ${e.message}`);
        return;
      }
      room.join(session);
      metrics.rooms.set(this.deps.rooms.size);
      const cluster = clusterFrame(this.deps.replicator, room.docId);
      session.send({
        type: 'welcome',
        sessionId: session.id,
        scope,
        nodeId: this.deps.nodeId,
        presenceTtlMs: this.deps.limits.presenceTtlMs,
        readQuorum: read.readQuorum,
        ...(sessionStatus === undefined ? {} : { session: sessionStatus }),
      });
      session.send({ type: 'sync', update: diff, stateVector: room.doc.stateVector() });
      session.sendRaw(cluster);
      const entries = this.deps.presence.joinEntries(room);
      if (entries.length > 0) session.send({ type: 'presence-update', entries });
      session.joined(scope, expiresAt * 1000 - this.deps.wallClock());
      this.deps.logger.debug(
        {
          docId: room.docId,
          sessionId: session.id,
          scope,
          remote: session.conn.remote,
          peers: room.sessions.size - 1,
        },
        'session joined',
      );
    } finally {
      this.deps.rooms.release(room);
    }
  }
}
