/**
 * One measured replay of a trace into one library, inside the current process. The harness runs
 * this in a fresh `node --expose-gc` process per run (see `worker.ts`), so no library warms up
 * another's JIT or holds memory during another's run.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { finishCompileJobs } from '../util/compile-jobs.js';
import { isPeerReplica, type TextAdapter, type TraceLib } from './adapters/index.js';
import { measureRemoteKeystrokes } from './remote-keystrokes.js';
import { countOps, type EditingTrace } from './trace-file.js';

/** What one run measures (the `bench:trace` contract fields plus context). */
export interface TraceRunResult {
  lib: TraceLib;
  trace: string;
  /** `sequential` (one author) or `concurrent` (several, with merges). */
  kind: 'sequential' | 'concurrent';
  /** Patches (edit operations) replayed. */
  ops: number;
  /** Transactions replayed (one library transaction each). */
  txns: number;
  /** Replaying every transaction, one library transaction each (concurrent: `replayMs`). */
  applyMs: number;
  /** Concurrent traces: the whole replay, authors' transactions and the merges before them. */
  replayMs: number | null;
  /** Concurrent traces: a fresh replica applying every recorded update in order, then reading the text. */
  mergeMs: number | null;
  /** Size of the full-document encoding (Yjs: `encodeStateAsUpdateV2`). */
  encodeBytes: number;
  encodeMs: number;
  /** Loading the encoding into a fresh document + reading the whole text + one edit in its middle. */
  loadMs: number;
  /**
   * Sequential traces: median microseconds to apply one keystroke typed on another replica to the
   * replayed document (see `remote-keystrokes.ts`); null for concurrent traces and for libraries
   * whose adapter cannot fork a peer.
   */
  remoteKeyUs: number | null;
  /** Heap (V8 heap + external/WASM memory) held after the replay, after GC, above the baseline. */
  heapMB: number;
  /** True only when the replayed text, the loaded text and the text after the load edit are right. */
  ok: boolean;
  version: string;
  /** 1-minute load average of the machine when the run started (2 cores: above 2 means contention). */
  loadAvg1: number;
}

type GcFn = () => void;

/** The remote typist's agent number (its replica id is this plus one). */
const REMOTE_AGENT = 7;

/** Timed remote keystrokes per run, and their seed. */
const REMOTE_KEYSTROKES = { keystrokes: 5000, seed: 0x5eed } as const;

/**
 * Background compile jobs finished, then two full garbage collections (with `--expose-gc`; a
 * no-op without).
 */
export function collect(): void {
  const gc = (globalThis as { gc?: GcFn }).gc;
  if (gc !== undefined) {
    finishCompileJobs();
    gc();
    gc();
  }
}

/**
 * The middle of `text` for the edit after a load, moved off a surrogate pair's second half (no
 * library may split a character; some refuse to).
 */
export function middle(text: string): number {
  const mid = text.length >> 1;
  const c = text.charCodeAt(mid);
  return mid > 0 && c >= 0xdc00 && c <= 0xdfff ? mid - 1 : mid;
}

/** V8 heap plus external (WASM, buffers) memory in use. */
export function memoryNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Replays `trace` into a fresh document of `adapter`, then encodes it and loads it back.
 * Heap figures are exact only with `--expose-gc` (otherwise they include garbage).
 */
export function replayOnce(adapter: TextAdapter, trace: EditingTrace, name: string): TraceRunResult {
  const loadAvg1 = loadavg()[0] ?? 0;
  collect();
  const base = memoryNow();

  const replayed = adapter.create();
  let replica = replayed;
  if (trace.startContent !== '') replica.applyTxn([[0, 0, trace.startContent]]);
  const t0 = performance.now();
  for (const txn of trace.txns) replica.applyTxn(txn.patches);
  const applyMs = performance.now() - t0;

  collect();
  const heapMB = (memoryNow() - base) / (1024 * 1024);
  const applied = replica.text();

  const t1 = performance.now();
  const bytes = replica.encode();
  const encodeMs = performance.now() - t1;

  const t2 = performance.now();
  replica = adapter.load(bytes);
  const loaded = replica.text();
  const mid = middle(loaded);
  replica.applyTxn([[mid, 0, '!']]);
  const loadMs = performance.now() - t2;

  const expectedAfterEdit = `${trace.endContent.slice(0, mid)}!${trace.endContent.slice(mid)}`;
  const remote =
    adapter.fork !== undefined && isPeerReplica(replayed)
      ? measureRemoteKeystrokes(replayed, adapter.fork(bytes, REMOTE_AGENT), REMOTE_KEYSTROKES)
      : null;
  const ok =
    applied === trace.endContent &&
    loaded === trace.endContent &&
    replica.text() === expectedAfterEdit &&
    (remote === null || remote.ok);

  return {
    lib: adapter.lib,
    trace: name,
    kind: 'sequential',
    ops: countOps(trace),
    txns: trace.txns.length,
    applyMs,
    replayMs: null,
    mergeMs: null,
    remoteKeyUs: remote?.medianUs ?? null,
    encodeBytes: bytes.byteLength,
    encodeMs,
    loadMs,
    heapMB,
    ok,
    version: adapter.version,
    loadAvg1,
  };
}
