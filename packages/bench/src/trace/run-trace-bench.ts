/**
 * The trace-bench harness: runs every library `runs` times, each run in a fresh
 * `node --expose-gc` process, interleaving libraries run by run, and reports medians.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, round } from '../stats/summary.js';
import type { TraceLib } from './adapters/index.js';
import type { TraceRunResult } from './replay.js';
import { traceName } from './trace-file.js';

/** The median result of one library on one trace (the JSON line of `bench:trace --json`). */
export interface TraceBenchResult {
  lib: TraceLib;
  trace: string;
  kind: 'sequential' | 'concurrent' | null;
  ops: number | null;
  txns: number | null;
  applyMs: number | null;
  /** Concurrent traces: the whole replay (authors and merges); null for sequential ones. */
  replayMs: number | null;
  /** Concurrent traces: a fresh replica applying every recorded update in order; null for sequential ones. */
  mergeMs: number | null;
  /** Sequential traces: median µs to apply one remote keystroke to the replayed document. */
  remoteKeyUs: number | null;
  encodeBytes: number | null;
  encodeMs: number | null;
  loadMs: number | null;
  heapMB: number | null;
  /** Median 1-minute load average at the start of the runs (2 cores: above 2 means contention). */
  loadAvg1: number | null;
  /** True only when every run ended with the right text. */
  ok: boolean;
  /** Successful runs behind the medians. */
  runs: number;
  version?: string;
  /** Why runs failed (e.g. a library that is not available yet). */
  error?: string;
}

/** Options of {@link runTraceBench}. */
export interface TraceBenchOptions {
  tracePath: string;
  libs: readonly TraceLib[];
  runs: number;
  /** Path of the built worker; defaults to `dist/trace/worker.js` of this package. */
  workerPath?: string;
  /** Called after every run (for progress output). */
  onRun?: (lib: TraceLib, run: number, result: TraceRunResult | { error: string }) => void;
}

/** The built worker script of this package (`dist/trace/worker.js`). */
export function defaultWorkerPath(): string {
  return fileURLToPath(new URL('../../dist/trace/worker.js', import.meta.url));
}

function runWorker(
  workerPath: string,
  lib: TraceLib,
  tracePath: string,
): Promise<TraceRunResult | { error: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--allow-natives-syntax', '--max-old-space-size=4096', workerPath, lib, tracePath],
      { maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          const parsed = JSON.parse(line) as TraceRunResult | { error: string };
          resolve(parsed);
        } catch {
          resolve({
            error: err ? `${err.message.split('\n')[0]} ${stderr.trim().slice(-500)}` : 'no output',
          });
        }
      },
    );
  });
}

function isError(r: TraceRunResult | { error: string }): r is { error: string } {
  return 'error' in r;
}

function med(
  results: TraceRunResult[],
  key:
    | 'applyMs'
    | 'replayMs'
    | 'mergeMs'
    | 'remoteKeyUs'
    | 'encodeBytes'
    | 'encodeMs'
    | 'loadMs'
    | 'heapMB'
    | 'loadAvg1',
): number | null {
  const xs = results.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
  return xs.length === 0 ? null : round(median(xs), 3);
}

/**
 * Runs the bench. Libraries run one after the other (never two at once), run 1 of every
 * library, then run 2, and so on, so slow drift of the machine hits all alike.
 * @throws Error when the worker has not been built.
 */
export async function runTraceBench(opts: TraceBenchOptions): Promise<TraceBenchResult[]> {
  const workerPath = opts.workerPath ?? defaultWorkerPath();
  if (!existsSync(workerPath)) throw new Error(`${workerPath} is missing: build first (pnpm build)`);
  const done = new Map<TraceLib, TraceRunResult[]>();
  const errors = new Map<TraceLib, string>();
  for (let run = 1; run <= opts.runs; run++) {
    for (const lib of opts.libs) {
      if (errors.has(lib)) continue;
      const r = await runWorker(workerPath, lib, opts.tracePath);
      opts.onRun?.(lib, run, r);
      if (isError(r)) errors.set(lib, r.error);
      else done.set(lib, [...(done.get(lib) ?? []), r]);
    }
  }
  return opts.libs.map((lib): TraceBenchResult => {
    const rs = done.get(lib) ?? [];
    const first = rs[0];
    const error = errors.get(lib);
    return {
      lib,
      trace: first?.trace ?? traceName(opts.tracePath),
      kind: first?.kind ?? null,
      ops: first?.ops ?? null,
      txns: first?.txns ?? null,
      applyMs: med(rs, 'applyMs'),
      replayMs: med(rs, 'replayMs'),
      mergeMs: med(rs, 'mergeMs'),
      remoteKeyUs: med(rs, 'remoteKeyUs'),
      encodeBytes: med(rs, 'encodeBytes'),
      encodeMs: med(rs, 'encodeMs'),
      loadMs: med(rs, 'loadMs'),
      heapMB: med(rs, 'heapMB'),
      loadAvg1: med(rs, 'loadAvg1'),
      ok: error === undefined && rs.length === opts.runs && rs.every((r) => r.ok),
      runs: rs.length,
      ...(first !== undefined ? { version: first.version } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  });
}
