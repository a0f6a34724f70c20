/**
 * Heap per loaded document, beside the suite's `memUsed` (not one of the suite's measures; run
 * with `bench:crdt --doc-memory K`). The suite reads `memUsed` as the heap's growth across one
 * load, which also counts the code that load compiles on first use; for small documents that is
 * most of it. Here each scenario's encoded state, as the suite loaded it, is loaded up to `K`
 * times more once the whole suite has run, every copy kept, and the heap's growth divided by the
 * copies: what a loaded document itself holds.
 */
import { collect, memoryNow } from '../trace/replay.js';
import type { Bytes, CrdtFactory } from './types.js';

/** A factory that records the state each scenario loads, and the states so far by scenario. */
export interface LoadCapture {
  readonly factory: CrdtFactory;
  /** The state each scenario loaded (its last load), by scenario name. */
  readonly states: Map<string, Bytes>;
  /** Tell the capture which scenario runs from now on (the suite's `onScenario`). */
  scenario(benchmark: string): void;
}

/** Wrap `base` so that every state it loads is recorded under the scenario running. */
export function captureLoads(base: CrdtFactory): LoadCapture {
  const states = new Map<string, Bytes>();
  let current: string | null = null;
  const factory: CrdtFactory = {
    name: base.name,
    version: base.version,
    create: (onUpdate) => base.create(onUpdate),
    load(onUpdate, bytes) {
      if (current !== null) states.set(current, bytes);
      return base.load(onUpdate, bytes);
    },
  };
  return {
    factory,
    states,
    scenario(benchmark) {
      current = benchmark;
    },
  };
}

/** Copies a measurement keeps alive together at most, in bytes of heap (large documents get fewer). */
const HEAP_BUDGET = 256 * 1024 * 1024;
/** Copies of the first, sizing measurement (and the fewest any measurement keeps). */
const PROBE_COPIES = 10;

/** The heap's growth per copy while `count` loads of `bytes` are kept alive together. */
function keptPerCopy(factory: CrdtFactory, bytes: Bytes, count: number): number {
  const kept: unknown[] = [];
  collect();
  const before = memoryNow();
  for (let i = 0; i < count; i++) kept.push(factory.load(() => {}, bytes));
  collect();
  const grown = memoryNow() - before;
  // Read after the measurement, so the copies stay alive through it.
  if (kept.length !== count) throw new Error('lost a copy');
  return grown / count;
}

/**
 * Bytes of heap each loaded copy of `bytes` holds: up to `copies` loads kept alive at once (as
 * many as fit in 256 MB, at least 10), after a few loads that warm the code up. Exact only with
 * `--expose-gc` (otherwise garbage counts too).
 * @throws RangeError unless `copies` is a positive integer.
 */
export function heapPerLoadedDoc(factory: CrdtFactory, bytes: Bytes, copies: number): number {
  if (!Number.isInteger(copies) || copies < 1)
    throw new RangeError(`copies must be a positive integer, got ${copies}`);
  for (let i = 0; i < 5; i++) factory.load(() => {}, bytes);
  const probe = keptPerCopy(factory, bytes, Math.min(copies, PROBE_COPIES));
  const count = Math.min(copies, Math.max(PROBE_COPIES, Math.floor(HEAP_BUDGET / Math.max(1, probe))));
  const perCopy = count <= PROBE_COPIES ? probe : keptPerCopy(factory, bytes, count);
  return Math.max(0, Math.round(perCopy));
}
