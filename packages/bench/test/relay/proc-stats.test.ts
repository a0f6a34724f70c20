import { describe, expect, it } from 'vitest';
import { cpuSeconds, ProcSampler, rssMB } from '../../src/relay/proc-stats.js';

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
  });
});
