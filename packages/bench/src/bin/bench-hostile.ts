/**
 * `pnpm bench:hostile [--trace automerge-paper | --chars N] [--updates 2000] [--warmup 1000]
 * [--max-pending N] [--max-pending-bytes N] [--json]`: the cost of an honest one-keystroke
 * remote update into a document before and after an attacker filled its held set up to the
 * limits (median and p99, µs). Exit code 1 when the document did not end equal to the author's
 * or the held set could not be filled; 2 on a bad flag.
 */
import { parseArgs } from 'node:util';
import { intFlag, runMain, UsageError } from '../cli/args.js';
import { formatHostileTable, type HostileDocSource, runHostileBench } from '../hostile/run-hostile-bench.js';
import { loadTrace, resolveTracePath, TraceFormatError, traceName } from '../trace/trace-file.js';

const usage = `usage: bench:hostile [--trace automerge-paper | --chars N] [--updates 2000] [--warmup 1000] [--max-pending N] [--max-pending-bytes N] [--json]
  --trace             the document: a trace replayed by its author (a path, or a name in ../shared/traces, else packages/bench/traces; default automerge-paper)
  --chars             a generated document of N characters instead
  --updates           honest updates measured before and after the attack (default 2000)
  --warmup            honest updates applied unmeasured before each measurement (default 1000)
  --max-pending       the document's maxPending (default: the document default)
  --max-pending-bytes the document's maxPendingBytes (default: the document default)
  --json              one JSON object`;

const options = {
  trace: { type: 'string' },
  chars: { type: 'string' },
  updates: { type: 'string' },
  warmup: { type: 'string' },
  'max-pending': { type: 'string' },
  'max-pending-bytes': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `parseArgs` with its errors (unknown flags, missing values) as one-line usage errors. */
function parse(args: string[]) {
  try {
    return parseArgs({ args, options, allowPositionals: false }).values;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const flag = /'([^']*)'/.exec((e as Error).message)?.[1];
      throw new UsageError(
        code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined
          ? `bench:hostile: unknown flag ${flag} (see --help)`
          : `bench:hostile: ${(e as Error).message.split('\n')[0]} (see --help)`,
      );
    }
    throw e;
  }
}

function source(trace: string | undefined, chars: string | undefined): HostileDocSource {
  if (chars !== undefined) {
    if (trace !== undefined) throw new UsageError('bench:hostile: --trace and --chars exclude each other');
    return { chars: intFlag('chars', chars, 0) };
  }
  try {
    const path = resolveTracePath(trace ?? 'automerge-paper');
    return { trace: loadTrace(path), name: traceName(path) };
  } catch (e) {
    if (e instanceof TraceFormatError) throw new UsageError(`bench:hostile: ${e.message}`);
    throw e;
  }
}

async function main(): Promise<number> {
  const values = parse(process.argv.slice(2));
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const max = values['max-pending'];
  const maxBytes = values['max-pending-bytes'];
  const result = runHostileBench({
    source: source(values.trace, values.chars),
    updates: intFlag('updates', values.updates, 2000),
    warmup: intFlag('warmup', values.warmup, 1000),
    ...(max === undefined ? {} : { maxPending: intFlag('max-pending', max, 0) }),
    ...(maxBytes === undefined ? {} : { maxPendingBytes: intFlag('max-pending-bytes', maxBytes, 0) }),
    onPhase: (p) => {
      if (!values.json) process.stderr.write(`  ${p}\n`);
    },
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `\n${formatHostileTable(result)}\n\nnode ${process.version}, ${new Date().toISOString()}\n`,
    );
  return result.ok && result.full ? 0 : 1;
}

runMain(main);
