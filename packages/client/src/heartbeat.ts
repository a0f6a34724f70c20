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

  constructor(
    private readonly scheduler: Scheduler,
    private readonly limits: LivenessLimits,
    private readonly ping: (nonce: number) => void,
    private readonly dead: (reason: string) => void,
  ) {
    this.timer = new TimerSlot(scheduler);
  }

  /** (Re)arm for `source`: every `pingEveryMs`, check liveness, then ping or declare it dead. */
  start(source: LivenessSource): void {
    this.timer.set(() => {
      const verdict = checkLiveness(
        this.scheduler.now(),
        source.lastHeardAt,
        source.sentAt.values(),
        this.limits,
      );
      if (!verdict.alive) {
        this.dead(`relay ${verdict.reason} for ${verdict.forMs} ms`);
        return;
      }
      this.ping(++this.nonce);
      this.start(source);
    }, source.pingEveryMs);
  }

  /** Stop pinging. */
  stop(): void {
    this.timer.clear();
  }
}
