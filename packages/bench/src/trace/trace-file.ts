/**
 * Editing traces in the josephg/editing-traces format (see `shared/traces/README.md`):
 * loading, validating and locating them. Trace positions count Unicode code points; loaded
 * traces count UTF-16 code units, the unit of every library's JavaScript text API.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { type TracePatch, tracePatchesToUtf16 } from '@accord/core/testing';

/**
 * One patch with `Array.prototype.splice` semantics: delete `del` chars at `pos`, then insert
 * `ins` there (UTF-16 code units once loaded; code points in the file). The type core's
 * trace converter reads and writes.
 */
export type { TracePatch };

/** One user transaction: its patches are applied in order, as one transaction. */
export interface TraceTxn {
  readonly patches: readonly TracePatch[];
}

/** A whole trace: the text starts as `startContent` and must end as `endContent`. */
export interface EditingTrace {
  readonly startContent: string;
  readonly endContent: string;
  readonly txns: readonly TraceTxn[];
}

/** One transaction of a concurrent trace: its author, the transactions it follows, its patches. */
export interface ConcurrentTxn {
  readonly agent: number;
  /** Indexes of earlier transactions this one follows (their merged state is its starting state). */
  readonly parents: readonly number[];
  /** In Unicode code points, as in the file (converted per author state during the replay). */
  readonly patches: readonly TracePatch[];
}

/** A concurrent trace (`kind: "concurrent"`): several authors, transactions with parents. */
export interface ConcurrentTrace {
  readonly kind: 'concurrent';
  readonly endContent: string;
  readonly numAgents: number;
  readonly txns: readonly ConcurrentTxn[];
  /** True when some text has characters outside the BMP (code points and UTF-16 units differ). */
  readonly astral: boolean;
}

/** Thrown when a trace file is missing or not in the expected shape. */
export class TraceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFormatError';
  }
}

/** The shared trace folder, `<repo>/../shared/traces` (next to the repository). */
export function sharedTraceDir(): string {
  // dist/trace/trace-file.js or src/trace/trace-file.ts → packages/bench → repo root → ../shared/traces
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../../../shared/traces');
}

/**
 * Every `*.json.gz` file in the shared trace folder and its `concurrent/` subfolder, sorted by
 * name within each (absolute paths; sequential traces first).
 */
export function listSharedTraces(): string[] {
  const out: string[] = [];
  for (const dir of [sharedTraceDir(), join(sharedTraceDir(), 'concurrent')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.json.gz')) out.push(join(dir, f));
  }
  return out;
}

/**
 * Resolves a trace argument: a path relative to `cwd` (or absolute), else a name in the shared
 * trace folder (`automerge-paper`, `automerge-paper.json.gz`).
 * @throws TraceFormatError when no such file exists.
 */
export function resolveTracePath(arg: string, cwd: string = process.env.INIT_CWD ?? process.cwd()): string {
  const direct = isAbsolute(arg) ? arg : resolve(cwd, arg);
  if (existsSync(direct)) return direct;
  const dir = sharedTraceDir();
  for (const sub of [dir, join(dir, 'concurrent')]) {
    for (const name of [arg, `${arg}.json.gz`, `${arg}.gz`]) {
      const candidate = join(sub, basename(name));
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new TraceFormatError(`trace not found: ${arg} (looked in ${cwd} and ${dir})`);
}

/** The trace's display name: its file name without `.json.gz`. */
export function traceName(path: string): string {
  return basename(path).replace(/\.json(\.gz)?$/, '');
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
    return patches.map((p: unknown, j) => checkPatch(p, `txn ${i} patch ${j}`));
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
    const ps = patches.map((p: unknown, j) => checkPatch(p, `txn ${i} patch ${j}`));
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
  return parseTrace(readTraceJson(path));
}

/** Reads a trace file of either kind. */
export function loadAnyTrace(path: string): EditingTrace | ConcurrentTrace {
  return parseAnyTrace(readTraceJson(path));
}

/** The number of patches (edit operations) in a trace. */
export function countOps(trace: EditingTrace | ConcurrentTrace): number {
  let n = 0;
  for (const t of trace.txns) n += t.patches.length;
  return n;
}
