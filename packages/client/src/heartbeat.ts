/**
 * The liveness timer of one connection: pings the relay on an interval and declares it dead when
 * it has been silent too long or sits on an update (see {@link checkLiveness}).
 */
import { checkLiveness, type LivenessLimits } from './policy.js';
import { type Scheduler, TimerSlot } from './scheduler.js';

/** What the heartbeat watches: refreshed by the provider as frames arrive and updates are sent. */
export interface LivenessSource {
  /** When the last frame arrived. */
  readonly lastHeardAt: number;
  /** Send times of the updates in flight. */
  readonly sentAt: ReadonlyMap<number, number>;
  /** The ping period. */
  readonly pingEveryMs: number;
}

/** Pings and liveness checks for the current connection; `start` again on every new one. */
export class Heartbeat {
  private readonly timer: TimerSlot;
  private nonce = 0;
  private lastPingAt = 0;

  /** `ping` sends a ping with a nonce; `dead` is called once when the relay is presumed dead. */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly limits: LivenessLimits,
    private readonly ping: (nonce: number) => void,
    private readonly dead: (reason: string) => void,
  ) {
    this.timer = new TimerSlot(scheduler);
  }

  /**
   * (Re)arm for `source`: check liveness every quarter of the shorter timeout (so a stuck relay is
   * left within 1.25x its timeout, whatever the ping period), and ping every `pingEveryMs`.
   */
  start(source: LivenessSource): void {
    this.lastPingAt = this.scheduler.now();
    this.arm(source);
  }

  private arm(source: LivenessSource): void {
    const tickMs = Math.max(
      10,
      Math.min(
        source.pingEveryMs,
        Math.floor(this.limits.ackTimeoutMs / 4),
        Math.floor(this.limits.livenessTimeoutMs / 4),
      ),
    );
    this.timer.set(() => {
      const now = this.scheduler.now();
      const verdict = checkLiveness(now, source.lastHeardAt, source.sentAt.values(), this.limits);
      if (!verdict.alive) {
        this.dead(`relay ${verdict.reason} for ${verdict.forMs} ms`);
        return;
      }
      if (now - this.lastPingAt >= source.pingEveryMs) {
        this.lastPingAt = now;
        this.ping(++this.nonce);
      }
      this.arm(source);
    }, tickMs);
  }

  /** Stop pinging. */
  stop(): void {
    this.timer.clear();
  }
}
