/**
 * `pnpm bench:crdt [--libs accord,yjs,loro,automerge] [--n 6000] [--only B1,B3.3,B4] [--runs 1]
 * [--trace automerge-paper] [--doc-memory K] [--json]`: the dmonad/crdt-benchmarks scenarios
 * (B1–B4) for each library, each library in a fresh `node --expose-gc` process. Prints the suite's
 * table (or, with `--json`, one JSON object per library and row). Exit code 1 when a scenario's
 * check failed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { intFlag, listFlag, runMain, UsageError } from '../cli/args.js';
import { type SuiteLib, suiteLibs } from '../crdt-suite/factories/index.js';
import type { SuiteRow } from '../crdt-suite/measure.js';
import type { SuiteFailure } from '../crdt-suite/run-suite.js';
import { selected } from '../crdt-suite/run-suite.js';
import { formatSuiteTable } from '../crdt-suite/table.js';
import { resolveTracePath } from '../trace/trace-file.js';

const usage = `usage: bench:crdt [--libs ${suiteLibs.join(',')}] [--n 6000] [--only B1,B3.3,B4] [--runs 1] [--trace automerge-paper] [--doc-memory K] [--json]
  --libs   libraries to run, in this order (default: all four)
  --n      N of the suite (default 6000; B3 uses 20·⌊√N⌋ replicas)
  --only   scenarios to run by tag: B1 (all of B1), B3.3, B4, … (default: all)
  --runs   fresh-process runs per library; the median of each row is reported (default 1)
  --trace  the B4 trace, a path or a name in ../shared/traces, else packages/bench/traces (default automerge-paper)
  --doc-memory  also a heapPerDoc row per scenario (not the suite's): each scenario's state loaded
           up to K more times (as many as fit in 256 MB) once the suite has run, every copy kept,
           the heap's growth divided by the copies
  --json   one JSON object per library and row`;

const childPath = fileURLToPath(new URL('../crdt-suite/child.js', import.meta.url));

/** Run one library once in a child process; resolves with its parsed JSON lines. */
function runChild(
  lib: SuiteLib,
  n: number,
  only: string[],
  trace: string | null,
  copies: number,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const args = [
      '--expose-gc',
      // For measure.ts finishCompileJobs: heap readings without V8's compile jobs in flight.
      '--allow-natives-syntax',
      childPath,
      lib,
      String(n),
      only.length > 0 ? only.join(',') : '-',
      trace ?? '-',
      String(copies),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${lib}: child exited with code ${code}`));
      else
        resolve(
          out
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as unknown),
        );
    });
  });
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      libs: { type: 'string' },
      n: { type: 'string' },
      only: { type: 'string' },
      runs: { type: 'string' },
      trace: { type: 'string' },
      'doc-memory': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const libs = listFlag('libs', values.libs, suiteLibs, suiteLibs);
  if (libs.length === 0) throw new UsageError('no library to run');
  const n = intFlag('n', values.n, 6000);
  const runs = intFlag('runs', values.runs, 1);
  const copies = intFlag('doc-memory', values['doc-memory'], 0);
  const only = (values.only ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^\[|\]$/g, ''))
    .filter((s) => s !== '');
  for (const s of only)
    if (!/^B\d+(\.\d+)?$/.test(s)) throw new UsageError(`--only: "${s}" is not a tag like B1 or B3.3`);
  let trace: string | null = null;
  if (selected('[B4] x', only)) {
    try {
      trace = resolveTracePath(values.trace ?? 'automerge-paper');
    } catch (err) {
      if (values.trace !== undefined) throw new UsageError(err instanceof Error ? err.message : String(err));
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}: B4 skipped\n`);
    }
  }

  const rows: SuiteRow[] = [];
  const failures: SuiteFailure[] = [];
  for (const lib of libs) {
    const byId = new Map<string, { row: SuiteRow; values: number[] }>();
    for (let run = 1; run <= runs; run++) {
      if (!values.json) process.stderr.write(`  ${lib} run ${run}/${runs}…\n`);
      for (const line of await runChild(lib, n, only, trace, copies)) {
        if ((line as { ok?: unknown }).ok === false) {
          if (run === 1) failures.push(line as SuiteFailure);
          continue;
        }
        const r = line as SuiteRow;
        const e = byId.get(r.id);
        if (e === undefined) byId.set(r.id, { row: r, values: [r.value] });
        else e.values.push(r.value);
      }
    }
    for (const { row, values: vs } of byId.values()) {
      const r = { ...row, value: median(vs) };
      rows.push(r);
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    }
  }
  for (const f of failures) {
    if (values.json) process.stdout.write(`${JSON.stringify(f)}\n`);
    else process.stderr.write(`${f.lib} ${f.benchmark}: ${f.error}\n`);
  }
  if (!values.json) {
    process.stdout.write(
      `\n${formatSuiteTable(rows, n)}\n\nnode ${process.version}, ${runs === 1 ? 'one run' : `median of ${runs} runs`}, ${new Date().toISOString()}\n`,
    );
  }
  return failures.length === 0 ? 0 : 1;
}

runMain(main);
