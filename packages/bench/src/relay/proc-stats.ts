/**
 * CPU and memory of server processes, read from Linux `/proc` (no child tools): CPU time from
 * `/proc/<pid>/stat` (utime + stime), resident memory from `/proc/<pid>/status` (VmRSS).
 */
import { readdirSync, readFileSync } from 'node:fs';

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

/** CPU seconds (user + system, system alone) of each thread of `pid`, by thread id; empty when gone. */
export function threadCpuSeconds(pid: number): Map<number, { cpu: number; sys: number }> {
  const out = new Map<number, { cpu: number; sys: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const sys = Number(rest[12]) / TICKS_PER_SECOND;
      out.set(Number(tid), { cpu: Number(rest[11]) / TICKS_PER_SECOND + sys, sys });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/**
 * CPU seconds of one server process over a window, by thread: its main thread (the event loop),
 * the other thread that spent the most system time (in the Accord relay, the SQLite commit
 * worker: its writes and fsyncs are system time), and all other threads together (V8's GC and
 * compiler threads, libuv's pool).
 */
export interface ThreadCpu {
  main: number;
  worker: number;
  other: number;
}

/** Splits the CPU `pid`'s threads used between two {@link threadCpuSeconds} readings (see {@link ThreadCpu}). */
export function splitThreadCpu(
  pid: number,
  before: ReadonlyMap<number, { cpu: number; sys: number }>,
  after: ReadonlyMap<number, { cpu: number; sys: number }>,
): ThreadCpu {
  let main = 0;
  const rest: { cpu: number; sys: number }[] = [];
  for (const [tid, a] of after) {
    const b = before.get(tid) ?? { cpu: 0, sys: 0 };
    const d = { cpu: a.cpu - b.cpu, sys: a.sys - b.sys };
    if (tid === pid) main = d.cpu;
    else rest.push(d);
  }
  rest.sort((x, y) => y.sys - x.sys || y.cpu - x.cpu);
  const worker = rest[0]?.cpu ?? 0;
  const other = rest.slice(1).reduce((s, d) => s + d.cpu, 0);
  return { main, worker, other };
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
  private threads0: Map<number, { cpu: number; sys: number }>[] = [];

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
    this.threads0 = this.pids.map((p) => threadCpuSeconds(p));
    this.t0 = performance.now();
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), everyMs);
    this.timer.unref();
  }

  /** Ends the window: CPU percent over it, peak RSS (MB), and each process's CPU seconds by thread. */
  stop(): { cpuPercent: number; rssMB: number; threads: ThreadCpu[] } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sampleRss();
    const seconds = (performance.now() - this.t0) / 1000;
    const cpu = this.totalCpu() - this.cpu0;
    const threads = this.pids.map((p, i) =>
      splitThreadCpu(p, this.threads0[i] ?? new Map(), threadCpuSeconds(p)),
    );
    return { cpuPercent: seconds > 0 ? (cpu / seconds) * 100 : Number.NaN, rssMB: this.peakRss, threads };
  }
}
