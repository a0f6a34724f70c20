/**
 * A virtual-time {@link Scheduler} for tests and simulations.
 */
import type { Scheduler, TimerHandle } from '../time/scheduler.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A virtual-time scheduler for tests and simulations: time moves only when {@link advance} or
 * {@link runNext} is called. Timers live in a binary heap ordered by (due time, insertion order),
 * so simulations with many thousands of timers stay fast. Callbacks may set or cancel timers.
 * Deferred tasks ({@link defer}) run when {@link runDeferred} is called, and, like microtasks at
 * the end of a task, before and after every timer that {@link advance} or {@link runNext} runs.
 */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private heap: PendingTimer[] = [];
  private live = 0;
  private readonly deferred: (() => void)[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Number of timers that are set and not cancelled. */
  get pending(): number {
    return this.live;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    if (!Number.isFinite(delayMs)) throw new RangeError(`setTimer: delay ${delayMs} is not finite`);
    const timer: PendingTimer = {
      at: this.time + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.push(timer);
    this.live++;
    return {
      cancel: () => {
        if (!timer.cancelled) {
          timer.cancelled = true;
          this.live--;
        }
      },
    };
  }

  /** Queue `fn` until {@link runDeferred}, or the next {@link advance} or {@link runNext}. */
  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Number of deferred tasks not yet run. */
  get pendingDeferred(): number {
    return this.deferred.length;
  }

  /**
   * Run every deferred task, and the ones they defer, in order (like the microtasks at the end of
   * a task). Throws `RangeError` after `maxTasks`, so a task that always defers another cannot
   * hang a test.
   */
  runDeferred(maxTasks = 100_000): void {
    let ran = 0;
    while (this.deferred.length > 0) {
      if (++ran > maxTasks) throw new RangeError(`runDeferred: more than ${maxTasks} tasks ran`);
      this.deferred.shift()!();
    }
  }

  /** Due time of the next live timer, or `undefined` when none is set. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /**
   * Move time to the next live timer and run it (and only it), with the deferred tasks pending
   * before it and those it defers. Returns false when no timer is set.
   */
  runNext(): boolean {
    this.runDeferred();
    this.dropCancelled();
    const top = this.pop();
    if (top === undefined) return false;
    this.time = Math.max(this.time, top.at);
    top.cancelled = true;
    this.live--;
    top.fn();
    this.runDeferred();
    return true;
  }

  /**
   * Advance virtual time by `ms`, running every timer that falls due on the way, in order (also
   * those set by callbacks during the advance). Runs at most `maxTimers` callbacks and throws
   * `RangeError` beyond that, so a runaway timer loop cannot hang a test.
   */
  advance(ms: number, maxTimers = 10_000_000): void {
    if (!(ms >= 0)) throw new RangeError(`advance: ${ms} is not a non-negative number`);
    const until = this.time + ms;
    this.runDeferred();
    let ran = 0;
    for (;;) {
      const due = this.nextDue();
      if (due === undefined || due > until) break;
      if (++ran > maxTimers) throw new RangeError(`advance: more than ${maxTimers} timers ran`);
      this.runNext();
    }
    this.time = until;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: PendingTimer, b: PendingTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: PendingTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): PendingTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}
