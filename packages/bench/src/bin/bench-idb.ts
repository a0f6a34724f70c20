/**
 * `pnpm bench:idb [--trace automerge-paper] [--runs 5] [--chunk 100] [--txns N] [--json]`: the browser store
 * (`IndexeddbPersistence`) in a real Chromium with an on-disk profile. The trace is replayed into
 * a stored document (one record per transaction, one write transaction per `--chunk` of them);
 * then, each time in a freshly started browser, the document is loaded before and after
 * compaction into one snapshot. Reported: load times (the first load after the browser started,
 * and the median of `--runs`), the compaction's time, and the store's size (records, bytes of
 * the values, the origin's usage on disk). `--txns N` replays only the first N transactions. Target: ≤ 50 ms after compaction for automerge-paper.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, chromiumSources, NoChromiumError } from '@accord/test-browser';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { intFlag, runMain } from '../cli/args.js';
import { BENCH_PAGE } from '../idb/page.js';
import { loadTrace, resolveTracePath, traceName } from '../trace/trace-file.js';

const usage = 'usage: bench:idb [--trace automerge-paper] [--runs 5] [--chunk 100] [--txns N] [--json]';

interface Timing {
  ms: number;
  ok: boolean;
  errors: string[];
}
interface Size {
  records: number;
  bytes: number;
  usage: number | null;
}
type BenchApi = {
  build(
    name: string,
    chunk: number,
    limit: number,
  ): Promise<{ txns: number; ms: number; ok: boolean; errors: string[]; endLength: number }>;
  load(name: string, expectedLength: number): Promise<Timing>;
  compact(name: string): Promise<{ ms: number; errors: string[] }>;
  size(name: string): Promise<Size>;
};

function distOf(pkg: string): string {
  return dirname(fileURLToPath(import.meta.resolve(pkg)));
}

function serve(traceJson: string): Promise<Server> {
  const roots: Record<string, string> = {
    '/core/': distOf('@accord/core'),
    '/client/': distOf('@accord/client'),
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(BENCH_PAGE);
    if (path === '/trace.json')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(traceJson);
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : roots[prefix];
    const file =
      prefix === undefined || root === undefined ? '' : normalize(join(root, path.slice(prefix.length)));
    if (root === undefined || !file.startsWith(root) || !existsSync(file))
      return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function chromiumPath(): Promise<string> {
  const attempts: string[] = [];
  for (const source of chromiumSources()) {
    try {
      const path = await source.executablePath();
      if (path !== undefined) return path;
      attempts.push(`${source.name}: ${source.absent}`);
    } catch (error) {
      attempts.push(`${source.name}: ${String(error)}`);
    }
  }
  throw new NoChromiumError(attempts);
}

/** Calls a method of the page's `window.idbBench`. */
type Call = <K extends keyof BenchApi>(
  method: K,
  ...args: Parameters<BenchApi[K]>
) => ReturnType<BenchApi[K]>;

/** Start Chromium on the on-disk profile `profile`, open the bench page, run `fn`, close. */
async function session<T>(
  executablePath: string,
  profile: string,
  url: string,
  fn: (call: Call) => Promise<T>,
): Promise<T> {
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
  try {
    const page: Page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(600_000);
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const call = ((method: string, ...args: unknown[]) =>
      page.evaluate(
        ([m, a]) => {
          const api = (
            window as unknown as { idbBench: Record<string, (...x: unknown[]) => Promise<unknown>> }
          ).idbBench;
          const f = api[m as string];
          if (f === undefined) throw new Error(`no method ${String(m)}`);
          return f(...(a as unknown[]));
        },
        [method, args] as const,
      )) as unknown as Call;
    return await fn(call);
  } finally {
    await context.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
}

const round = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      trace: { type: 'string' },
      runs: { type: 'string' },
      chunk: { type: 'string' },
      txns: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const runs = intFlag('runs', values.runs, 5);
  const chunk = intFlag('chunk', values.chunk, 100);
  const limit = intFlag('txns', values.txns, Number.MAX_SAFE_INTEGER);
  const tracePath = resolveTracePath(values.trace ?? 'automerge-paper');
  const trace = loadTrace(tracePath);
  const name = traceName(tracePath);
  const executablePath = await chromiumPath();
  const server = await serve(JSON.stringify(trace));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
  const profile = mkdtempSync(join(tmpdir(), 'accord-bench-idb-'));
  const log = (line: string): void => {
    if (!values.json) process.stderr.write(`${line}\n`);
  };
  try {
    const doc = `bench-${name}`;
    log(`replaying ${trace.txns.length} transactions of ${name} into the store…`);
    const build = await session(executablePath, profile, url, (call) => call('build', doc, chunk, limit));
    const end = build.endLength;
    log(`built in ${round(build.ms)} ms; loading before compaction…`);
    const before = await session(executablePath, profile, url, async (call) => {
      const size = await call('size', doc);
      const loads: Timing[] = [];
      for (let i = 0; i < runs; i++) loads.push(await call('load', doc, end));
      const compact = await call('compact', doc);
      return { size, loads, compact };
    });
    log(`compacted in ${round(before.compact.ms)} ms; loading after compaction…`);
    const after = await session(executablePath, profile, url, async (call) => {
      const size = await call('size', doc);
      const loads: Timing[] = [];
      for (let i = 0; i < runs; i++) loads.push(await call('load', doc, end));
      return { size, loads };
    });
    const errors = [
      ...build.errors,
      ...before.loads.flatMap((l) => l.errors),
      ...before.compact.errors,
      ...after.loads.flatMap((l) => l.errors),
    ];
    const ok = build.ok && [...before.loads, ...after.loads].every((l) => l.ok) && errors.length === 0;
    const result = {
      lib: 'accord',
      trace: name,
      txns: build.txns,
      runs,
      buildMs: round(build.ms),
      recordsBefore: before.size.records,
      storeBytesBefore: before.size.bytes,
      diskBytesBefore: before.size.usage,
      coldLoadBeforeMs: round(before.loads[0]?.ms ?? Number.NaN),
      loadBeforeMs: round(median(before.loads.map((l) => l.ms))),
      loadBeforeMinMs: round(Math.min(...before.loads.map((l) => l.ms))),
      compactMs: round(before.compact.ms),
      recordsAfter: after.size.records,
      storeBytesAfter: after.size.bytes,
      diskBytesAfter: after.size.usage,
      coldLoadMs: round(after.loads[0]?.ms ?? Number.NaN),
      loadMs: round(median(after.loads.map((l) => l.ms))),
      loadMinMs: round(Math.min(...after.loads.map((l) => l.ms))),
      loadAverage: Math.round((loadavg()[0] ?? 0) * 10) / 10,
      targetMs: 50,
      ok,
      ...(errors.length > 0 ? { errors: errors.slice(0, 5) } : {}),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const rows: [string, string][] = [
        ['trace', `${name} (${result.txns} transactions, one record each)`],
        [
          'before compaction',
          `${result.recordsBefore} records, ${result.storeBytesBefore} bytes (disk ${result.diskBytesBefore ?? '?'})`,
        ],
        [
          'load before compaction',
          `${result.loadBeforeMs} ms median of ${runs}, min ${result.loadBeforeMinMs} (first after start ${result.coldLoadBeforeMs} ms)`,
        ],
        ['compaction', `${result.compactMs} ms`],
        [
          'after compaction',
          `${result.recordsAfter} record(s), ${result.storeBytesAfter} bytes (disk ${result.diskBytesAfter ?? '?'})`,
        ],
        [
          'load after compaction',
          `${result.loadMs} ms median of ${runs}, min ${result.loadMinMs} (first after start ${result.coldLoadMs} ms); target ≤ 50 ms`,
        ],
        ['load average', `${result.loadAverage} (1 min; other work on the machine inflates every time)`],
        ['ok', String(ok)],
      ];
      for (const [k, v] of rows) process.stdout.write(`${k.padEnd(24)} ${v}\n`);
    }
    return ok ? 0 : 1;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(profile, { recursive: true, force: true });
  }
}

runMain(main);
