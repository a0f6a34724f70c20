/**
 * Work that may come in bursts but need not be done at once, run in order, one task per turn of
 * the event loop, so the turns in between serve everything else.
 *
 * Why: under a steady load every document reaches its snapshot count at about the same time, and
 * each node then handled every document's snapshot in one go (a durable write or two, the state
 * merged): three nodes at 6,000 updates/s stalled 60–90 ms each at once, which alone made the
 * acknowledgement p99. One snapshot per turn costs the same CPU without the stall.
 */

/** Options of {@link PacedTasks}. */
export interface PacedTasksOptions {
  /**
   * Run `fn` on a later turn (production: `setImmediate`; tests: their own queue). Absent: each
   * task runs at once, in the call to {@link PacedTasks.run}, and what it throws reaches that
   * caller (unit tests that need no turns).
   */
  readonly defer?: ((fn: () => void) => void) | undefined;
  /** A task threw: the queue goes on with the next one. */
  readonly onError: (err: unknown) => void;
  /**
   * Tasks waiting at most; one more runs every waiting task first, then itself, at once (in
   * order). Default 4,096: a bound on memory whatever the peers send.
   */
  readonly maxWaiting?: number;
}

/** A FIFO of tasks run one per deferred turn. */
export class PacedTasks {
  private tasks: (() => void)[] = [];
  private head = 0;
  private scheduled = false;
  private stopped = false;
  private readonly maxWaiting: number;

  constructor(private readonly o: PacedTasksOptions) {
    this.maxWaiting = Math.max(1, o.maxWaiting ?? 4096);
  }

  /** Tasks waiting to run. */
  get waiting(): number {
    return this.tasks.length - this.head;
  }

  /** Run `task` after those already waiting, on a later turn (at once without `defer`). Ignored once stopped. */
  run(task: () => void): void {
    if (this.stopped) return;
    if (this.o.defer === undefined) {
      task();
      return;
    }
    if (this.waiting >= this.maxWaiting) {
      // Over the bound: everything now, in order, rather than holding more.
      this.drain();
      this.runOne(task);
      return;
    }
    this.tasks.push(task);
    this.schedule();
  }

  /** Drop every waiting task and take no more (shutdown). */
  stop(): void {
    this.stopped = true;
    this.tasks = [];
    this.head = 0;
  }

  private schedule(): void {
    const defer = this.o.defer;
    if (this.scheduled || this.waiting === 0 || defer === undefined) return;
    this.scheduled = true;
    defer(this.step);
  }

  private readonly step = (): void => {
    this.scheduled = false;
    const task = this.take();
    if (task !== undefined) this.runOne(task);
    this.schedule();
  };

  /** The next waiting task, if any. */
  private take(): (() => void) | undefined {
    if (this.head >= this.tasks.length) return undefined;
    const task = this.tasks[this.head];
    this.head++;
    if (this.head === this.tasks.length) {
      this.tasks = [];
      this.head = 0;
    }
    return task;
  }

  private drain(): void {
    for (let t = this.take(); t !== undefined; t = this.take()) this.runOne(t);
  }

  private runOne(task: () => void): void {
    try {
      task();
    } catch (e) {
      this.o.onError(e);
    }
  }
}
