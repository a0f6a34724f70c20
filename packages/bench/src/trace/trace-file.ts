/**
 * Editing traces in the josephg/editing-traces format (see `packages/bench/traces/README.md`):
 * loading, validating and locating them. Trace positions count Unicode code points; loaded
 * traces count UTF-16 code units, the unit of every library's JavaScript text API.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { tracePatchesToUtf16 } from '@accord/core/testing';
import { GENERATED_KINDS, type GeneratedKind, generateTrace } from './generators.js';
import { syntheticConcurrentTrace } from './synthetic-concurrent.js';
import type { ConcurrentTrace, ConcurrentTxn, EditingTrace, TracePatch, TraceTxn } from './trace-types.js';

export type { ConcurrentTrace, ConcurrentTxn, EditingTrace, TracePatch, TraceTxn } from './trace-types.js';

/** Thrown when a trace file is missing or not in the expected shape. */
export class TraceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFormatError';
  }
}

/**
 * The shared trace folder, `<repo>/../shared/traces` (next to the repository). It may be absent
 * (a bare clone), and it may hold traces the repository does not: it is searched first.
 */
export function sharedTraceDir(): string {
  // dist/trace/trace-file.js or src/trace/trace-file.ts → packages/bench → repo root → ../shared/traces
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../../../shared/traces');
}

/**
 * The traces committed in this repository, `packages/bench/traces` (automerge-paper, seph-blog1
 * and `concurrent/clownschool`; provenance and license in its README). Searched after
 * {@link sharedTraceDir}, so a bare clone finds the default traces too.
 */
export function vendoredTraceDir(): string {
  // dist/trace/trace-file.js or src/trace/trace-file.ts → packages/bench/traces
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../traces');
}

/**
 * The trace folders in search order: the shared folder, then the vendored one. Each folder's
 * `concurrent/` subfolder is searched right after it.
 */
export function traceDirs(): string[] {
  return [sharedTraceDir(), vendoredTraceDir()];
}

/**
 * Every `*.json.gz` file in the trace folders `dirs` (default {@link traceDirs}) and their
 * `concurrent/` subfolders (absolute paths): sequential traces first, then concurrent ones, each
 * sorted by file name. A file name found in an earlier folder hides the same name in a later one,
 * so the shared folder's traces win over the vendored copies. Missing folders are skipped.
 */
export function listSharedTraces(dirs: readonly string[] = traceDirs()): string[] {
  const seen = new Set<string>();
  const kinds: Map<string, string>[] = [new Map(), new Map()]; // file name → path: sequential, concurrent
  for (const dir of dirs) {
    for (const [i, sub] of [dir, join(dir, 'concurrent')].entries()) {
      if (!existsSync(sub)) continue;
      for (const f of readdirSync(sub)) {
        if (!f.endsWith('.json.gz') || seen.has(f)) continue;
        seen.add(f);
        kinds[i]?.set(f, join(sub, f));
      }
    }
  }
  return kinds.flatMap((byName) => [...byName.keys()].sort().map((f) => byName.get(f) as string));
}

/**
 * Resolves a trace argument: a generated trace's spec (`gen:…`, returned as is), a path relative
 * to `cwd` (or absolute), else a name (`automerge-paper`, `automerge-paper.json.gz`) in the trace
 * folders `dirs` (default {@link traceDirs}: the shared folder, then the vendored one), each
 * folder before its `concurrent/` subfolder; the first match wins.
 * @throws TraceFormatError when no such file exists (naming every place looked in), or for a
 * malformed `gen:` spec.
 */
export function resolveTracePath(
  arg: string,
  cwd: string = process.env.INIT_CWD ?? process.cwd(),
  dirs: readonly string[] = traceDirs(),
): string {
  if (arg.startsWith(GENERATED_PREFIX)) {
    generatedSpec(arg);
    return arg;
  }
  const direct = isAbsolute(arg) ? arg : resolve(cwd, arg);
  if (existsSync(direct)) return direct;
  for (const dir of dirs) {
    for (const sub of [dir, join(dir, 'concurrent')]) {
      for (const name of [arg, `${arg}.json.gz`, `${arg}.gz`]) {
        const candidate = join(sub, basename(name));
        if (existsSync(candidate)) return candidate;
      }
    }
  }
  throw new TraceFormatError(`trace not found: ${arg} (looked in ${[cwd, ...dirs].join(', ')})`);
}

/** The trace's display name: its file name without `.json.gz`, or a generated trace's spec. */
export function traceName(path: string): string {
  if (path.startsWith(GENERATED_PREFIX)) return path;
  return basename(path).replace(/\.json(\.gz)?$/, '');
}

/** Trace arguments naming a generated trace: `gen:<kind>[:<edits>[:<seed>]]`. */
export const GENERATED_PREFIX = 'gen:';

/** A generated trace's kind, size and seed. */
interface GeneratedSpec {
  kind: GeneratedKind | 'concurrent';
  edits: number;
  seed: number;
}

/**
 * Reads `gen:<kind>[:<edits>[:<seed>]]` (kinds: those of `generators.ts` and `concurrent`, eight
 * authors with merges; default 100,000 edits, seed 1).
 * @throws TraceFormatError for an unknown kind or a bad number.
 */
function generatedSpec(arg: string): GeneratedSpec {
  const [kind = '', edits = '100000', seed = '1', ...rest] = arg.slice(GENERATED_PREFIX.length).split(':');
  const kinds: readonly string[] = [...GENERATED_KINDS, 'concurrent'];
  const n = Number(edits);
  const s = Number(seed);
  if (
    !kinds.includes(kind) ||
    rest.length > 0 ||
    !Number.isSafeInteger(n) ||
    n < 1 ||
    n > 10_000_000 ||
    !Number.isSafeInteger(s)
  )
    throw new TraceFormatError(`bad generated trace ${arg}: gen:<${kinds.join('|')}>[:<edits>[:<seed>]]`);
  return { kind: kind as GeneratedSpec['kind'], edits: n, seed: s };
}

/** The generated trace `arg` names (see {@link generatedSpec}). */
function generated(arg: string): EditingTrace | ConcurrentTrace {
  const { kind, edits, seed } = generatedSpec(arg);
  if (kind !== 'concurrent') return generateTrace(kind, edits, seed);
  const raw = syntheticConcurrentTrace({ agents: 8, edits, seed });
  return parseConcurrentTrace(raw as unknown as Record<string, unknown>);
}

function checkPatch(p: unknown, where: string): TracePatch {
  if (
    !Array.isArray(p) ||
    p.length !== 3 ||
    !Number.isSafeInteger(p[0]) ||
    !Number.isSafeInteger(p[1]) ||
    typeof p[2] !== 'string' ||
    (p[0] as number) < 0 ||
    (p[1] as number) < 0
  ) {
    throw new TraceFormatError(`${where}: patch must be [pos, del, text]`);
  }
  return [p[0] as number, p[1] as number, p[2] as string];
}

/**
 * Transaction `i`'s patches checked, in an array built the same way for every transaction.
 * `Array.prototype.map` gave holey arrays while the loader ran unoptimized and packed ones once
 * V8 had optimized it, so one file's lists switched array shape mid-trace (rustcode's twice in
 * one load, at points that move from load to load), and every library's replay loop met a
 * second shape there, deoptimized and was compiled again, in the timed replay.
 */
function checkedPatches(patches: readonly unknown[], i: number): TracePatch[] {
  const out: TracePatch[] = [];
  for (let j = 0; j < patches.length; j++) out.push(checkPatch(patches[j], `txn ${i} patch ${j}`));
  return out;
}

/**
 * Parses trace JSON (already decompressed) and checks its shape.
 * @throws TraceFormatError on any deviation from the format.
 */
export function parseTrace(json: string): EditingTrace {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new TraceFormatError(`trace is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new TraceFormatError('trace is not an object');
  if ((raw as { kind?: unknown }).kind === 'concurrent')
    throw new TraceFormatError('a concurrent trace: load it with parseAnyTrace');
  const { startContent, endContent, txns } = raw as Record<string, unknown>;
  if (typeof startContent !== 'string' || typeof endContent !== 'string' || !Array.isArray(txns)) {
    throw new TraceFormatError('trace needs startContent, endContent and txns');
  }
  const patches = txns.map((t: unknown, i) => {
    const patches = (t as { patches?: unknown } | null)?.patches;
    if (!Array.isArray(patches)) throw new TraceFormatError(`txn ${i}: missing patches`);
    return checkedPatches(patches, i);
  });
  // Positions in the file are code points; JavaScript text APIs count UTF-16 units.
  const out: TraceTxn[] = tracePatchesToUtf16(startContent, patches).map((p) => ({ patches: p }));
  return { startContent, endContent, txns: out };
}

const ASTRAL = /[\uD800-\uDFFF]/;

/**
 * Parses a concurrent trace's JSON and checks its shape: authors in range, parents earlier than
 * their transaction (so the file's order is causal), patches well formed.
 * @throws TraceFormatError on any deviation from the format.
 */
export function parseConcurrentTrace(raw: Record<string, unknown>): ConcurrentTrace {
  const { endContent, numAgents, txns } = raw;
  if (typeof endContent !== 'string' || !Number.isSafeInteger(numAgents) || !Array.isArray(txns))
    throw new TraceFormatError('a concurrent trace needs endContent, numAgents and txns');
  const agents = numAgents as number;
  if (agents < 1 || agents > 1_000) throw new TraceFormatError(`numAgents ${agents} is out of range`);
  let astral = ASTRAL.test(endContent);
  const out = txns.map((t: unknown, i): ConcurrentTxn => {
    const { agent, parents, patches } = (t ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(agent) || (agent as number) < 0 || (agent as number) >= agents)
      throw new TraceFormatError(`txn ${i}: agent must be 0..${agents - 1}`);
    if (!Array.isArray(parents) || parents.some((p) => !Number.isSafeInteger(p) || p < 0 || p >= i))
      throw new TraceFormatError(`txn ${i}: parents must be indexes of earlier transactions`);
    if (!Array.isArray(patches)) throw new TraceFormatError(`txn ${i}: missing patches`);
    const ps = checkedPatches(patches, i);
    if (!astral) astral = ps.some((p) => ASTRAL.test(p[2]));
    return { agent: agent as number, parents: parents as number[], patches: ps };
  });
  return { kind: 'concurrent', endContent, numAgents: agents, txns: out, astral };
}

/** Either kind of trace, by its `kind` field. */
export function parseAnyTrace(json: string): EditingTrace | ConcurrentTrace {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new TraceFormatError(`trace is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'concurrent')
    return parseConcurrentTrace(raw as Record<string, unknown>);
  return parseTrace(json);
}

function readTraceJson(path: string): string {
  const bytes = readFileSync(path);
  try {
    return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  } catch (e) {
    throw new TraceFormatError(`${path} is not gzip: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Reads a sequential trace file (`.json.gz` or plain `.json`).
 * @throws TraceFormatError when the file is malformed; fs errors when it cannot be read.
 */
export function loadTrace(path: string): EditingTrace {
  if (path.startsWith(GENERATED_PREFIX)) {
    const t = generated(path);
    if ('kind' in t) throw new TraceFormatError(`${path} is a concurrent trace`);
    return t;
  }
  return parseTrace(readTraceJson(path));
}

/** Reads a trace file of either kind, or makes the generated trace `path` names (`gen:…`). */
export function loadAnyTrace(path: string): EditingTrace | ConcurrentTrace {
  if (path.startsWith(GENERATED_PREFIX)) return generated(path);
  return parseAnyTrace(readTraceJson(path));
}

/** The number of patches (edit operations) in a trace. */
export function countOps(trace: EditingTrace | ConcurrentTrace): number {
  let n = 0;
  for (const t of trace.txns) n += t.patches.length;
  return n;
}
