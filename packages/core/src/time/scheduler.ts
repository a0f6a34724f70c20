/**
 * The one clock-and-timers interface every Accord package runs on. Code that needs time reads it
 * only through {@link Clock} and sets timers only through {@link Scheduler}, injected, so tests
 * drive it in virtual time (`ManualScheduler` in `@accord/core/testing`) instead of sleeping.
 */

/** A monotonic millisecond clock. */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never decreases. */
  now(): number;
}

/** A timer that may still be cancelled. */
export interface TimerHandle {
  /** Stop the timer; a no-op when it already fired or was cancelled. */
  cancel(): void;
}

/** Options of one timer ({@link Scheduler.setTimer}). */
export interface TimerOptions {
  /**
   * In Node, whether this timer keeps the process alive until it fires or is cancelled, whatever
   * the scheduler's default (`RealScheduler`'s `unref` option): `true` for a wait the process must
   * see through even when nothing else is left, such as a shutdown's grace period; `false` for
   * housekeeping that must never hold the process. Absent: the scheduler's default. Ignored by
   * virtual-time schedulers and in browsers.
   */
  readonly keepAlive?: boolean;
}

/** A clock that can also run callbacks later. */
export interface Scheduler extends Clock {
  /**
   * Run `fn` once after `delayMs` (clamped to >= 0). Callbacks due at the same time run in the
   * order they were set. Throws `RangeError` for a non-finite delay. `options` may override, for
   * this timer, whether it keeps a Node process alive (see {@link TimerOptions}).
   */
  setTimer(delayMs: number, fn: () => void, options?: TimerOptions): TimerHandle;
  /**
   * Run `fn` once the current task is done (a microtask in production), before any timer: for
   * work batched per event-loop turn, such as sending the updates of one turn together.
   */
  defer(fn: () => void): void;
}

/** Options of {@link RealScheduler}. */
export interface RealSchedulerOptions {
  /**
   * In Node, whether a pending timer lets the process exit (`timer.unref()`). Default `true`: a
   * relay's housekeeping timers never keep it alive. A client that must keep retrying (its
   * reconnect timer is all that is left) passes `false`. A timer's own `keepAlive`
   * ({@link TimerOptions}) overrides it. Ignored in browsers.
   */
  readonly unref?: boolean;
}

/**
 * The production scheduler: `performance.now()`, `setTimeout` and `queueMicrotask` (browsers and
 * Node). In Node, its timers do not keep the process alive unless constructed with
 * `{ unref: false }` or set with `{ keepAlive: true }`.
 */
export class RealScheduler implements Scheduler {
  private readonly unref: boolean;

  /** @param options see {@link RealSchedulerOptions}. */
  constructor(options: RealSchedulerOptions = {}) {
    this.unref = options.unref ?? true;
  }

  now(): number {
    return performance.now();
  }

  setTimer(delayMs: number, fn: () => void, options?: TimerOptions): TimerHandle {
    if (!Number.isFinite(delayMs)) throw new RangeError(`setTimer: delay ${delayMs} is not finite`);
    const t: ReturnType<typeof setTimeout> = setTimeout(fn, Math.max(0, delayMs));
    // Node's timers are objects with unref(); browsers' are numbers.
    const node = t as unknown as { unref?: () => void };
    const unref = options?.keepAlive === undefined ? this.unref : !options.keepAlive;
    if (unref && typeof node === 'object' && typeof node.unref === 'function') node.unref();
    return { cancel: () => clearTimeout(t) };
  }

  defer(fn: () => void): void {
    queueMicrotask(fn);
  }
}
