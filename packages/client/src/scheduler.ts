/**
 * The clock and timers the provider runs on: core's one {@link Scheduler} interface. Production
 * uses {@link systemScheduler}; tests inject `ManualScheduler` from `@accord/core/testing` so
 * reconnects, timeouts and presence expiry are tested in virtual time, without sleeping.
 */
import { RealScheduler, type Scheduler, type TimerHandle } from '@accord/core';

export type { Scheduler, TimerHandle } from '@accord/core';

/**
 * The client's default scheduler: core's `RealScheduler` (`performance.now()`, `setTimeout`,
 * `queueMicrotask`; browsers and Node) whose timers keep a Node process alive, so a provider
 * waiting to reconnect is not dropped by the process exiting under it.
 */
export const systemScheduler: Scheduler = new RealScheduler({ unref: false });

/**
 * A one-shot timer slot: setting it cancels the previous timer. Keeps the provider's timer
 * bookkeeping (reconnect, connect timeout, heartbeats) impossible to leak.
 */
export class TimerSlot {
  private handle: TimerHandle | undefined;

  /** A slot on `scheduler`'s timers. */
  constructor(private readonly scheduler: Scheduler) {}

  /** True while a timer is pending. */
  get pending(): boolean {
    return this.handle !== undefined;
  }

  /** Cancel any pending timer and arm a new one. */
  set(fn: () => void, ms: number): void {
    this.clear();
    const handle = this.scheduler.setTimer(ms, () => {
      if (this.handle === handle) this.handle = undefined;
      fn();
    });
    this.handle = handle;
  }

  /** Cancel the pending timer, if any. */
  clear(): void {
    this.handle?.cancel();
    this.handle = undefined;
  }
}
