/**
 * Runs the suite (B1–B4) for one library in this process and returns its rows and failures.
 * `bench:crdt` calls it in a fresh child process per library (`child.ts`), as the suite runs
 * each library on its own.
 */
import type { EditingTrace } from '../trace/trace-file.js';
import { type Runner, runB1 } from './b1.js';
import { runB2 } from './b2.js';
import { runB3 } from './b3.js';
import { runB4 } from './b4.js';
import { drawInputs } from './inputs.js';
import { Results, type SuiteRow } from './measure.js';
import type { CrdtFactory } from './types.js';

/** A scenario whose check failed or that threw. */
export interface SuiteFailure {
  lib: string;
  benchmark: string;
  ok: false;
  error: string;
}

/** What to run. */
export interface SuiteOptions {
  /** N (the suite's is 6000). */
  n: number;
  /**
   * Scenario selectors such as `B1`, `B3.3`, `B4` (a scenario runs when its `[B…]` tag equals a
   * selector or starts with it followed by a dot); empty runs every scenario.
   */
  only: readonly string[];
  /** The B4 trace (automerge-paper); B4 is skipped when null. */
  trace: EditingTrace | null;
  /** Called before each selected scenario runs, with its name (e.g. `[B1.1] Append N characters`). */
  onScenario?: (benchmark: string) => void;
}

/** True when `benchmark` (e.g. `[B3.3] …`) is selected by `only`. */
export function selected(benchmark: string, only: readonly string[]): boolean {
  if (only.length === 0) return true;
  const tag = /^\[([^\]]+)\]/.exec(benchmark)?.[1] ?? '';
  return only.some((s) => tag === s || tag.startsWith(`${s}.`));
}

/** Run the selected scenarios for `factory`; a failing scenario is reported and the rest run. */
export function runSuite(
  factory: CrdtFactory,
  opts: SuiteOptions,
): { rows: SuiteRow[]; failures: SuiteFailure[] } {
  const res = new Results(factory.name, factory.version, opts.n);
  const failures: SuiteFailure[] = [];
  const run: Runner = (benchmark, scenario) => {
    if (!selected(benchmark, opts.only)) return;
    opts.onScenario?.(benchmark);
    const before = res.rows.length;
    try {
      scenario(benchmark);
    } catch (err) {
      res.rows.splice(before);
      failures.push({
        lib: factory.name,
        benchmark,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
  const inputs = drawInputs(opts.n);
  runB1(factory, res, inputs, run);
  runB2(factory, res, inputs, run);
  runB3(factory, res, opts.n, run);
  if (opts.trace !== null) runB4(factory, res, opts.trace, run);
  return { rows: res.rows, failures };
}
