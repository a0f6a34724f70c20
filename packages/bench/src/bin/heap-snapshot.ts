/**
 * `pnpm bench:heap-snapshot [trace] [--lib accord|yjs|...] [--top 12]`: what a replayed document
 * holds, by V8 constructor. Replays the trace once (so the code is compiled), then takes a heap
 * snapshot before and after a second replay into a fresh document and prints the difference
 * (count and bytes per kind, largest first). Needs `--expose-gc` (the script passes it).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { intFlag, runMain, UsageError } from '../cli/args.js';
import { attributeHeap, type HeapRow, heapGrowth } from '../heap/attribution.js';
import { loadAdapter, type TextAdapter, type TraceLib, traceLibs } from '../trace/adapters/index.js';
import { collect } from '../trace/replay.js';
import { type EditingTrace, loadTrace, resolveTracePath, traceName } from '../trace/trace-file.js';

const usage = `usage: bench:heap-snapshot [trace] [--lib ${traceLibs.join('|')}] [--top 12]
  trace   a sequential trace (a path, or a name in ../shared/traces, else packages/bench/traces; default seph-blog1)
  --lib   the library replaying it (default accord)
  --top   rows printed (default 12)`;

/** Replays `trace` into a fresh document of `adapter` and returns it. */
function replay(adapter: TextAdapter, trace: EditingTrace): unknown {
  const doc = adapter.create();
  if (trace.startContent !== '') doc.applyTxn([[0, 0, trace.startContent]]);
  for (const txn of trace.txns) doc.applyTxn(txn.patches);
  return doc;
}

/** Writes a snapshot after a full collection; returns its file. */
function snapshot(tag: string): string {
  collect();
  return writeHeapSnapshot(join(tmpdir(), `accord-heap-${process.pid}-${tag}.heapsnapshot`));
}

/** Sums a snapshot file, then removes it. */
function attribute(file: string): Map<string, HeapRow> {
  try {
    return attributeHeap(JSON.parse(readFileSync(file, 'utf8')));
  } finally {
    rmSync(file, { force: true });
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      lib: { type: 'string', default: 'accord' },
      top: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const lib = traceLibs.find((l) => l === values.lib);
  if (lib === undefined) throw new UsageError(`bench:heap-snapshot: unknown --lib ${values.lib}`);
  const path = resolveTracePath(positionals[0] ?? 'seph-blog1');
  const trace = loadTrace(path);
  const adapter = await loadAdapter(lib as TraceLib);
  if ((replay(adapter, trace) as { text(): string }).text() !== trace.endContent) {
    throw new Error('the warm-up replay did not end with the trace text');
  }
  // Both snapshots are written before either is read, so neither holds the other's parse.
  const beforeFile = snapshot('before');
  const kept = replay(adapter, trace);
  const afterFile = snapshot('after');
  const rows = heapGrowth(attribute(beforeFile), attribute(afterFile));
  const total = rows.reduce((n, r) => n + r.bytes, 0);
  process.stdout.write(
    `${traceName(path)}, ${lib}: ${(total / 1e6).toFixed(2)} MB held by the replayed document\n`,
  );
  process.stdout.write('| kind | count | bytes |\n| --- | ---: | ---: |\n');
  for (const r of rows.slice(0, intFlag('top', values.top, 12))) {
    process.stdout.write(`| ${r.type}${r.name === '' ? '' : ` ${r.name}`} | ${r.count} | ${r.bytes} |\n`);
  }
  // The document stays alive until after the second snapshot.
  return kept === null ? 1 : 0;
}

runMain(main);
