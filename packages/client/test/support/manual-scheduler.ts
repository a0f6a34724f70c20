import type { Scheduler, TimerHandle } from '../../src/scheduler.js';

/** A scheduler whose clock only moves when the test says so. Timers fire in due order. */
export class ManualScheduler implements Scheduler {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  private readonly deferred: (() => void)[] = [];

  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Run every deferred task (and the ones they defer), like the end of a task. */
  runDeferred(): void {
    for (let guard = 0; guard < 100_000 && this.deferred.length > 0; guard++) this.deferred.shift()!();
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  /** Due time of the earliest pending timer, or undefined. */
  nextDue(): number | undefined {
    let best: number | undefined;
    for (const t of this.timers.values()) if (best === undefined || t.due < best) best = t.due;
    return best;
  }

  /** Advance the clock by `ms`, firing every timer that falls due (including ones set meanwhile). */
  advance(ms: number): void {
    const end = this.time + ms;
    this.runDeferred();
    for (let guard = 0; guard < 100_000; guard++) {
      let pick: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].due <= end && (pick === undefined || entry[1].due < pick[1].due)) pick = entry;
      }
      if (pick === undefined) break;
      this.timers.delete(pick[0]);
      this.time = pick[1].due;
      pick[1].fn();
      this.runDeferred();
    }
    this.time = end;
  }
}

/** A seeded uniform [0, 1) generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
