/**
 * The sustainable rate: the highest offered rate at which every update is acknowledged and
 * delivered with ack and fan-out p99 at most `p99LimitMs`. Found by stepping the rate up (a fresh
 * server per step) until a step fails, then bisecting between the last pass and that failure.
 * When the start rate itself fails, the search steps down instead until a rate passes (at most
 * {@link MAX_STEPS_DOWN} steps), then bisects the same way: a server slower than the start rate
 * gets its own figure rather than 0.
 */

import type { RelayBenchResult } from './run-relay-bench.js';

/** Steps below a failing start rate before the search gives up and reports 0. */
export const MAX_STEPS_DOWN = 8;

/** One tried rate (the figures of its last attempt). */
export interface RateStep {
  rate: number;
  passed: boolean;
  ackP99Ms: number;
  fanoutP99Ms: number;
  lost: number;
  updatesPerSec: number;
  cpuPercent: number;
  generatorCpuPercent: number;
}

/** The outcome of the search: the last passing step's full result (or null) and every step. */
export interface SustainableResult {
  sustainableRate: number;
  best: RelayBenchResult | null;
  steps: RateStep[];
}

/** Whether one measurement meets the bar. */
export function meetsBar(r: RelayBenchResult, p99LimitMs: number): boolean {
  return r.lost === 0 && r.errors === 0 && r.ackP99Ms <= p99LimitMs && r.fanoutP99Ms <= p99LimitMs;
}

/**
 * Steps the rate from `startRate` by `factor` until a step misses the bar or `maxRate` is passed.
 * Each attempt runs `opts.seconds` against a fresh server; a step passes when one of its
 * `attempts` (default 2) passes, so one stall of a shared machine does not end the search (the
 * same rule for every server).
 */
export async function findSustainableRate(
  /** One measurement at `rate` against a fresh server (normally `runRelayBench`). */
  measure: (rate: number) => Promise<RelayBenchResult>,
  search: {
    startRate: number;
    factor: number;
    maxRate: number;
    p99LimitMs: number;
    attempts?: number;
    /** Bisection rounds between the last passing and the first failing rate (default 2). */
    refine?: number;
  },
  onStep?: (step: RateStep) => void,
): Promise<SustainableResult> {
  const steps: RateStep[] = [];
  // Held in an object: TypeScript does not see the closure below assign it.
  const found: { best: RelayBenchResult | null } = { best: null };
  const tryRate = async (rate: number): Promise<boolean> => {
    let r = await measure(rate);
    let passed = meetsBar(r, search.p99LimitMs);
    for (let attempt = 2; !passed && attempt <= (search.attempts ?? 2); attempt++) {
      r = await measure(rate);
      passed = meetsBar(r, search.p99LimitMs);
    }
    const step: RateStep = {
      rate,
      passed,
      ackP99Ms: r.ackP99Ms,
      fanoutP99Ms: r.fanoutP99Ms,
      lost: r.lost,
      updatesPerSec: r.updatesPerSec,
      cpuPercent: r.cpuPercent,
      generatorCpuPercent: r.generatorCpuPercent,
    };
    steps.push(step);
    onStep?.(step);
    if (passed && (found.best === null || rate > found.best.rate)) found.best = r;
    return passed;
  };
  let failed: number | null = null;
  for (let rate = search.startRate; rate <= search.maxRate; rate = Math.round(rate * search.factor)) {
    if (!(await tryRate(rate))) {
      failed = rate;
      break;
    }
  }
  // The start rate failed: step down until a rate passes (each failure lowers the bound).
  for (let down = 1; failed !== null && found.best === null && down <= MAX_STEPS_DOWN; down++) {
    const rate = Math.round(failed / search.factor);
    if (rate < 1 || rate >= failed) break;
    if (!(await tryRate(rate))) failed = rate;
  }
  // Between the last pass (or nothing) and the first failure the bar is crossed somewhere:
  // halve that interval `refine` times (a fresh server per attempt, as above).
  for (let round = 0; round < (search.refine ?? 2); round++) {
    const lastPass = found.best?.rate;
    if (failed === null || lastPass === undefined) break;
    const mid = Math.round((lastPass + failed) / 2);
    if (mid <= lastPass || mid >= failed) break;
    if (!(await tryRate(mid))) failed = mid;
  }
  return { sustainableRate: found.best?.rate ?? 0, best: found.best, steps };
}
