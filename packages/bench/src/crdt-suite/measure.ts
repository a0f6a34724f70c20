/**
 * The quantities the suite measures and how: wall time with `performance.now()`, sizes in
 * bytes, and memory as the heap growth across loading a document (after a forced GC when node
 * runs with `--expose-gc`; `memUsed` is 0 otherwise).
 *
 * One deviation from the published suite, the same for every library: its B1–B3 `parseTime`
 * includes the two forced garbage collections of the memory measurement; here (as in its B4)
 * the collections happen outside the timed section, so `parseTime` is the load and the check.
 * And every heap reading waits for V8's background compile jobs first (`util/compile-jobs.ts`).
 */
import { finishCompileJobs } from '../util/compile-jobs.js';

/** The measured quantities, named as in the suite's row ids. */
export type Measure =
  | 'time'
  | 'avgUpdateSize'
  | 'updateSize'
  | 'encodeTime'
  | 'docSize'
  | 'parseTime'
  | 'memUsed'
  /** Not the suite's: heap per loaded document (`doc-memory.ts`, with `--doc-memory`). */
  | 'heapPerDoc';

/** One result row: `[B1.1] Append N characters (time)` for one library. */
export interface SuiteRow {
  lib: string;
  version: string;
  /** N of the run (the suite's is 6000). */
  n: number;
  /** The scenario, e.g. `[B1.1] Append N characters`. */
  benchmark: string;
  measure: Measure;
  /** `benchmark (measure)`, the suite's row id. */
  id: string;
  /** Milliseconds for times, bytes for sizes and memory. */
  value: number;
  unit: 'ms' | 'bytes';
}

/** Collects rows of one library. */
export class Results {
  readonly rows: SuiteRow[] = [];

  constructor(
    readonly lib: string,
    readonly version: string,
    readonly n: number,
  ) {}

  /** Record `value` for `benchmark (measure)`. */
  add(benchmark: string, measure: Measure, value: number): void {
    const unit = measure.endsWith('Time') || measure === 'time' ? 'ms' : 'bytes';
    this.rows.push({
      lib: this.lib,
      version: this.version,
      n: this.n,
      benchmark,
      measure,
      id: `${benchmark} (${measure})`,
      value,
      unit,
    });
  }

  /** Run `f`, record its duration under `measure`, and return its result. */
  time<T>(benchmark: string, measure: Measure, f: () => T): T {
    const start = performance.now();
    const out = f();
    this.add(benchmark, measure, performance.now() - start);
    return out;
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Force a garbage collection when node runs with `--expose-gc`. */
export function tryGc(): void {
  gc?.();
}

/**
 * The heap in use after background compile jobs finished and two forced collections (0 without
 * `--expose-gc`).
 */
export function heapUsed(): number {
  if (gc === undefined) return 0;
  finishCompileJobs();
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Thrown when a scenario's replicas do not end with the expected content. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

/** @throws CheckError unless `cond`. */
export function check(cond: boolean, what: string): void {
  if (!cond) throw new CheckError(what);
}

/** JSON-equality of two values (arrays, plain objects, scalars). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
