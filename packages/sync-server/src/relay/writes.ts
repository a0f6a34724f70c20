/**
 * The write path of a relay: a client's update is validated against the room's document, relayed
 * to the room, handed to the replicator and acknowledged once durable (or answered `unavailable`).
 * Keeps count of writes in flight so a graceful shutdown can wait for their acknowledgements.
 */
import { CloseCode, DecodeError, encodeMessage } from '@accord/core/protocol';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../ops/metrics.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { Replicator } from './replicator.js';
import type { Room, RoomRegistry } from './rooms.js';
import type { Session } from './session.js';

/** What the write path uses of its node. */
export interface WritePathDeps {
  readonly rooms: RoomRegistry;
  readonly replicator: Replicator;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  /** Clock (ms) for the acknowledgement latency metric, and the timer of the shutdown grace period. */
  readonly scheduler: Scheduler;
}

/** Client updates from validation to acknowledgement. One per relay. */
export class WritePath {
  /** False once shutting down: updates are answered `going-away`. */
  accepting = true;
  /** Writes handed to the replicator and not yet settled. */
  private inflight = 0;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly deps: WritePathDeps) {}

  /**
   * Handle `update` (client id `id`) from `session` in `room`: refused with `read-only` for a
   * read-only session and with `bad-update` + 1007 when it does not apply (the document is left
   * as it was); otherwise relayed to the room's other sessions, replicated and acknowledged. An
   * update the document already held in full (a resend after a reconnect, say) is replicated and
   * acknowledged but not relayed again: the other sessions have it. An update that released what
   * the document held for missing dependencies while a session that joined during the hold may
   * lack it is relayed with it, to every session including the sender (`Room.applyUpdate`); the
   * update alone is replicated.
   */
  update(session: Session, room: Room, id: number, update: Uint8Array): void {
    const { metrics: m, rooms, replicator, logger, scheduler } = this.deps;
    const now = () => scheduler.now();
    if (!this.accepting) {
      session.error('going-away', 'node is shutting down; resend on another connection', id);
      return;
    }
    if (session.scope !== 'write') {
      m.updatesRejected.inc({ reason: 'read-only' });
      session.error('read-only', 'this session may not change the document', id);
      return;
    }
    let relayed: Uint8Array | null;
    try {
      relayed = room.applyUpdate(update);
    } catch (e) {
      m.updatesRejected.inc({ reason: 'bad-update' });
      if (!(e instanceof DecodeError))
        logger.error({ err: e, docId: room.docId }, 'apply threw a non-DecodeError');
      session.fail('bad-update', CloseCode.badData, e instanceof Error ? e.message : 'bad update', id);
      return;
    }
    m.updatesReceived.inc();
    m.updateBytes.inc(update.length);
    if (relayed === null) m.duplicateUpdates.inc({ source: 'client' });
    else {
      // Bytes other than the update carry what it released: the sender may lack that too.
      const except = relayed === update ? session : undefined;
      m.deliveries.inc(room.broadcast(encodeMessage({ type: 'update', id: 0, update: relayed }), except));
    }
    const t0 = now();
    room.holds++;
    this.inflight++;
    const settle = () => {
      rooms.release(room);
      if (--this.inflight === 0) this.wakeDrained();
    };
    replicator.replicate(room.docId, update, session.w).then(
      () => {
        settle();
        m.updatesAcked.inc();
        m.ackSeconds.observe((now() - t0) / 1000);
        session.send({ type: 'ack', id });
      },
      (e: unknown) => {
        settle();
        logger.warn({ err: e, docId: room.docId }, 'update not durable');
        session.error('unavailable', 'the update could not be made durable; resend it', id);
      },
    );
  }

  /** Resolves once no write is in flight, or after `graceMs` (writes stuck on a quorum are abandoned). */
  async settled(graceMs: number): Promise<void> {
    let timer: TimerHandle | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        if (this.inflight === 0) resolve();
        else this.drainWaiters.push(resolve);
      }),
      new Promise<void>((resolve) => {
        // Kept alive (RealScheduler unrefs its timers by default): this runs during shutdown, when
        // it may be the last thing keeping the process alive.
        timer = this.deps.scheduler.setTimer(graceMs, resolve, { keepAlive: true });
      }),
    ]);
    timer?.cancel();
  }

  private wakeDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
