/**
 * CPU and memory of server processes, read from Linux `/proc` (no child tools): CPU time from
 * `/proc/<pid>/stat` (utime + stime), resident memory from `/proc/<pid>/status` (VmRSS).
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc` CPU times (USER_HZ, 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by `pid`; NaN when it cannot be read (process gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name "(…)"; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of `pid` in MB; NaN when it cannot be read. */
export function rssMB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Samples a set of processes over a window: CPU percent of one core (200 = two cores busy) and
 * the peak of their summed RSS.
 */
export class ProcSampler {
  private readonly pids: readonly number[];
  private cpu0 = 0;
  private t0 = 0;
  private peakRss = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(pids: readonly number[]) {
    this.pids = pids;
  }

  private totalCpu(): number {
    return this.pids.reduce((s, p) => s + (cpuSeconds(p) || 0), 0);
  }

  private sampleRss(): void {
    const total = this.pids.reduce((s, p) => s + (rssMB(p) || 0), 0);
    if (total > this.peakRss) this.peakRss = total;
  }

  /** Starts the window (and RSS sampling every `everyMs`). */
  start(everyMs = 250): void {
    this.cpu0 = this.totalCpu();
    this.t0 = performance.now();
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), everyMs);
    this.timer.unref();
  }

  /** Ends the window: CPU percent over it and peak RSS (MB). */
  stop(): { cpuPercent: number; rssMB: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sampleRss();
    const seconds = (performance.now() - this.t0) / 1000;
    const cpu = this.totalCpu() - this.cpu0;
    return { cpuPercent: seconds > 0 ? (cpu / seconds) * 100 : Number.NaN, rssMB: this.peakRss };
  }
}
