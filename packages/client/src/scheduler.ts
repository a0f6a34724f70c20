/**
 * The clock and timers the provider runs on. Production uses the host's; tests inject a manual one
 * so reconnects, timeouts and presence expiry are tested without sleeping.
 */

/** An opaque handle returned by {@link Scheduler.setTimeout}. */
export type TimerHandle = unknown;

/** A clock plus one-shot timers. Implementations must never call a cancelled callback. */
export interface Scheduler {
  /** Milliseconds on a monotonic-enough clock. */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancel a timer; a no-op for fired or already cancelled ones. */
  clearTimeout(handle: TimerHandle): void;
  /** Run `fn` once the current task is done (a microtask), before any timer. */
  defer(fn: () => void): void;
}

/** The host's clock, timers and microtasks (`Date.now`, `setTimeout`, `queueMicrotask`); browsers and Node. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  defer: (fn) => queueMicrotask(fn),
};

/**
 * A one-shot timer slot: setting it cancels the previous timer. Keeps the provider's timer
 * bookkeeping (reconnect, connect timeout, heartbeats) impossible to leak.
 */
export class TimerSlot {
  private handle: TimerHandle | undefined;
  private armed = false;

  /** A slot on `scheduler`'s timers. */
  constructor(private readonly scheduler: Scheduler) {}

  /** True while a timer is pending. */
  get pending(): boolean {
    return this.armed;
  }

  /** Cancel any pending timer and arm a new one. */
  set(fn: () => void, ms: number): void {
    this.clear();
    this.armed = true;
    this.handle = this.scheduler.setTimeout(() => {
      this.armed = false;
      this.handle = undefined;
      fn();
    }, ms);
  }

  /** Cancel the pending timer, if any. */
  clear(): void {
    if (this.armed) this.scheduler.clearTimeout(this.handle);
    this.armed = false;
    this.handle = undefined;
  }
}
