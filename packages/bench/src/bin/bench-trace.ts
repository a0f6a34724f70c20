/**
 * `pnpm bench:trace <trace.json.gz>... [--vs yjs,automerge,json-joy,loro] [--runs 5] [--json]`
 * (no trace: every trace in ../shared/traces and packages/bench/traces). Accord always runs; `--vs` picks the competitors.
 * Exit code 1 when any library did not end with the trace's `endContent`.
 */
import { parseArgs } from 'node:util';
import { intFlag, listFlag, runMain, UsageError } from '../cli/args.js';
import { competitorLibs, type TraceLib, traceLibs } from '../trace/adapters/index.js';
import { runTraceBench, type TraceBenchResult } from '../trace/run-trace-bench.js';
import { formatTraceTable } from '../trace/table.js';
import { listSharedTraces, resolveTracePath } from '../trace/trace-file.js';

const usage = `usage: bench:trace [trace.json.gz ...] [--vs ${competitorLibs.join(',')}] [--runs 5] [--json] [--no-accord]
  trace      a path (relative to the current directory) or a name in ../shared/traces, else packages/bench/traces; none = all of them
  --vs       competitors to compare (default: all four)
  --runs     fresh-process runs per library; medians are reported (default 5)
  --json     one JSON object per line and library
  --no-accord  skip Accord (compare competitors only)`;

function resolveOrUsage(arg: string): string {
  try {
    return resolveTracePath(arg);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      vs: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-accord': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const vs = listFlag('vs', values.vs, traceLibs, competitorLibs);
  const libs: TraceLib[] = values['no-accord']
    ? vs.filter((l) => l !== 'accord')
    : ['accord', ...vs.filter((l) => l !== 'accord')];
  if (libs.length === 0) throw new UsageError('no library to run');
  const runs = intFlag('runs', values.runs, 5);
  const traces = positionals.length > 0 ? positionals.map(resolveOrUsage) : listSharedTraces();
  if (traces.length === 0) throw new UsageError(`no trace given and none found\n${usage}`);

  const all: TraceBenchResult[] = [];
  for (const tracePath of traces) {
    const results = await runTraceBench({
      tracePath,
      libs,
      runs,
      onRun: (lib, run, r) => {
        if (!values.json) {
          const what = 'error' in r ? `error: ${r.error}` : `apply ${r.applyMs.toFixed(1)} ms, ok ${r.ok}`;
          process.stderr.write(`  ${lib} run ${run}/${runs}: ${what}\n`);
        }
      },
    });
    for (const r of results) {
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      all.push(r);
    }
  }
  if (!values.json) {
    process.stdout.write(
      `\n${formatTraceTable(all)}\n\nnode ${process.version}, median of ${runs} run(s), ${new Date().toISOString()}\n`,
    );
  }
  return all.every((r) => r.ok) ? 0 : 1;
}

runMain(main);
