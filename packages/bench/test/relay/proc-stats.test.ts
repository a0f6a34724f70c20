import { describe, expect, it } from 'vitest';
import {
  cpuSeconds,
  ProcSampler,
  rssMB,
  splitThreadCpu,
  threadCpuSeconds,
} from '../../src/relay/proc-stats.js';

describe('proc stats', () => {
  it('reads CPU time and RSS of a live process, NaN for a missing one', () => {
    expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
    expect(rssMB(process.pid)).toBeGreaterThan(10);
    expect(cpuSeconds(2 ** 22 + 12345)).toBeNaN();
    expect(rssMB(2 ** 22 + 12345)).toBeNaN();
  });

  it('measures a busy window as CPU percent, agreeing with process.cpuUsage', async () => {
    const s = new ProcSampler([process.pid]);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    s.start(20);
    const until = performance.now() + 300;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    await new Promise((r) => setTimeout(r, 30));
    const r = s.stop();
    const used = process.cpuUsage(cpu0);
    const expected = ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
    expect(x).toBeGreaterThan(0);
    expect(r.cpuPercent).toBeGreaterThan(0);
    // /proc counts in 10 ms ticks over a ~330 ms window: a few percent of slack, plus other threads.
    expect(Math.abs(r.cpuPercent - expected)).toBeLessThan(15);
    expect(r.rssMB).toBeGreaterThan(10);
    // The busy loop ran on the main thread: most of the window's CPU is there (10 ms ticks).
    const t = r.threads[0];
    expect(t).toBeDefined();
    expect(t?.main ?? 0).toBeGreaterThan(((used.user + used.system) / 1e6) * 0.5 - 0.02);
  });

  it('reads every thread of a live process, the main one under the process id', () => {
    const threads = threadCpuSeconds(process.pid);
    expect(threads.has(process.pid)).toBe(true);
    expect(threads.size).toBeGreaterThan(1);
    expect(threadCpuSeconds(2 ** 22 + 12345).size).toBe(0);
  });

  it('splits a window into the main thread, the busiest thread in system time, and the rest', () => {
    const before = new Map([
      [10, { cpu: 1, sys: 0.1 }],
      [11, { cpu: 2, sys: 0.5 }],
      [12, { cpu: 3, sys: 0.2 }],
    ]);
    const after = new Map([
      [10, { cpu: 1.5, sys: 0.2 }],
      [11, { cpu: 2.3, sys: 0.7 }], // +0.3 CPU, +0.2 system: the worker
      [12, { cpu: 3.4, sys: 0.25 }], // +0.4 CPU but little system time
      [13, { cpu: 0.1, sys: 0 }], // started during the window
    ]);
    const s = splitThreadCpu(10, before, after);
    expect(s.main).toBeCloseTo(0.5);
    expect(s.worker).toBeCloseTo(0.3);
    expect(s.other).toBeCloseTo(0.5);
  });
});
