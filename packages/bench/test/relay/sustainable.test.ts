import { describe, expect, it } from 'vitest';
import type { RelayBenchResult } from '../../src/relay/run-relay-bench.js';
import { findSustainableRate, MAX_STEPS_DOWN } from '../../src/relay/sustainable.js';
import { takeTurns } from '../../src/relay/take-turns.js';

/** A server model whose p99 crosses 50 ms at `limit` updates/s; `flaky` rates fail on their first attempt. */
function model(limit: number, flaky: ReadonlySet<number> = new Set()) {
  const tried: number[] = [];
  const measure = async (rate: number): Promise<RelayBenchResult> => {
    const firstTry = !tried.includes(rate);
    tried.push(rate);
    const p99 = rate <= limit && !(firstTry && flaky.has(rate)) ? 10 : 200;
    return {
      lib: 'accord',
      full: false,
      nodes: 1,
      clients: 200,
      docs: 50,
      rate,
      seconds: 1,
      sent: rate,
      acked: rate,
      deliveries: rate * 3,
      updatesPerSec: rate,
      deliveriesPerSec: rate * 3,
      ackP50Ms: 1,
      ackP99Ms: p99,
      fanoutP50Ms: 1,
      fanoutP99Ms: p99,
      lost: 0,
      unacked: 0,
      undelivered: 0,
      duplicates: 0,
      unkeyed: 0,
      converged: null,
      divergentDocs: 0,
      errors: 0,
      generatorCpuPercent: 50,
      generatorLagP99Ms: 1,
      rssMB: 100,
      cpuPercent: 90,
      cpuUsPerUpdate: [],
      loadAvg1: 0,
    };
  };
  return { measure, tried };
}

const search = { startRate: 4000, factor: 1.25, maxRate: 100_000, p99LimitMs: 50 };

describe('findSustainableRate', () => {
  it('steps up by the factor, then bisects between the last pass and the first failure', async () => {
    const m = model(22_000);
    const s = await findSustainableRate(m.measure, { ...search, refine: 3 });
    // Steps: 4000 … 19075 pass, 23844 fails; bisection: 21460 pass, 22652 fail, 22056 fail.
    expect(s.sustainableRate).toBeLessThanOrEqual(22_000);
    expect(s.sustainableRate).toBeGreaterThanOrEqual(22_000 - (23_844 - 19_075) / 8);
    expect(s.best?.rate).toBe(s.sustainableRate);
    expect(s.steps.filter((x) => x.passed).every((x) => x.rate <= 22_000)).toBe(true);
    expect(s.steps.filter((x) => !x.passed).every((x) => x.rate > 22_000)).toBe(true);
  });

  it('gives a rate a second attempt before counting it as failed', async () => {
    const m = model(30_000, new Set([9766]));
    const s = await findSustainableRate(m.measure, { ...search, refine: 0 });
    expect(m.tried.filter((r) => r === 9766)).toHaveLength(2);
    expect(s.sustainableRate).toBe(29_805);
  });

  it('steps down from a failing start rate until one passes, then bisects up from there', async () => {
    const m = model(2_900);
    const s = await findSustainableRate(m.measure, search);
    // 4000 fails, 3200 fails, 2560 passes; bisection: 2880 passes, 3040 fails.
    expect(s.steps.map((x) => [x.rate, x.passed])).toEqual([
      [4000, false],
      [3200, false],
      [2560, true],
      [2880, true],
      [3040, false],
    ]);
    expect(s.sustainableRate).toBe(2_880);
    expect(s.best?.rate).toBe(2_880);
  });

  it('reports 0 when nothing passes within the steps down from the start rate', async () => {
    const m = model(100);
    const s = await findSustainableRate(m.measure, search);
    expect(s.sustainableRate).toBe(0);
    expect(s.best).toBeNull();
    // The start rate and MAX_STEPS_DOWN rates below it, each tried twice.
    expect(s.steps).toHaveLength(1 + MAX_STEPS_DOWN);
    expect(m.tried).toHaveLength(2 * (1 + MAX_STEPS_DOWN));
    expect(Math.min(...s.steps.map((x) => x.rate))).toBeGreaterThan(100);
  });
});

describe('takeTurns', () => {
  it('makes two searches alternate their measurements, one at a time', async () => {
    const inTurn = takeTurns();
    const log: string[] = [];
    let running = 0;
    const measureAs = (lib: string, limit: number) => {
      const m = model(limit);
      return (rate: number) =>
        inTurn(async () => {
          running++;
          expect(running).toBe(1);
          log.push(lib);
          await new Promise((r) => setTimeout(r, 1));
          running--;
          return m.measure(rate);
        });
    };
    const [a, h] = await Promise.all([
      findSustainableRate(measureAs('a', 9000), { ...search, refine: 0 }),
      findSustainableRate(measureAs('h', 6000), { ...search, refine: 0 }),
    ]);
    expect(a.sustainableRate).toBe(7813);
    expect(h.sustainableRate).toBe(5000);
    // While both search, they alternate strictly.
    const both = log.slice(0, 2 * Math.min(log.filter((x) => x === 'h').length, 4));
    expect(both).toEqual(both.map((_, i) => (i % 2 === 0 ? 'a' : 'h')));
  });
});
