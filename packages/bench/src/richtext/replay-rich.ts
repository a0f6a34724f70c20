/**
 * One measured replay of a rich trace (made by `rich-trace.ts`, its shape in `rich-trace-types.ts`)
 * into Accord or Yjs, in this process: `text.insert` (with attributes where the trace gives them),
 * `text.delete` and `text.format`, one library transaction per step, then the encoding, a load
 * into a fresh document and `toDelta()`.
 * The plain variants replay only the edit steps, without attributes: the same edits.
 */
import { performance } from 'node:perf_hooks';
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import * as Y from 'yjs';
import type { RichStep, RichTrace } from './rich-trace-types.js';

/** What is replayed: `accord` / `yjs` the rich trace, `*-plain` its edits alone. */
export type RichVariant = 'accord' | 'accord-plain' | 'yjs' | 'yjs-plain';

/** A delta run as both libraries give it. */
export interface DeltaRun {
  insert: string;
  attributes?: Record<string, unknown>;
}

/** One replay's measures. */
export interface RichRun {
  variant: RichVariant;
  /** Replaying every step into an empty document. */
  applyMs: number;
  /** Accord: `encodeStateAsUpdate`; Yjs: `encodeStateAsUpdateV2` (its smaller format). */
  bytes: number;
  /** Yjs only: `encodeStateAsUpdate` (format V1). */
  bytesV1: number | null;
  /** Loading the encoding into a fresh document and reading `toDelta()`. */
  loadMs: number;
  /**
   * The replayed document, for a caller that keeps it alive while it measures the next replay,
   * as an application keeps its open document (see `bench-richtext.ts`).
   */
  document: unknown;
  /** The replayed document's text. */
  text: string;
  /** The replayed and the loaded document's formatting, neighbours with equal attributes joined. */
  delta: DeltaRun[];
  loadedDelta: DeltaRun[];
}

/** JSON with object keys sorted. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * A delta with attribute names sorted and neighbours with equal attributes joined (Yjs may split a
 * run at a formatting item that changes nothing).
 */
export function normalizeDelta(delta: readonly { insert?: unknown; attributes?: unknown }[]): DeltaRun[] {
  const out: DeltaRun[] = [];
  let lastKey = '';
  for (const op of delta) {
    if (typeof op.insert !== 'string') throw new Error('delta has a non-text insert');
    const attrs = (op.attributes ?? {}) as Record<string, unknown>;
    const names = Object.keys(attrs).filter((k) => attrs[k] !== null && attrs[k] !== undefined);
    const key = canonical(Object.fromEntries(names.map((k) => [k, attrs[k]])));
    const last = out[out.length - 1];
    if (last !== undefined && key === lastKey) {
      last.insert += op.insert;
      continue;
    }
    const run: DeltaRun = { insert: op.insert };
    if (names.length > 0) {
      run.attributes = {};
      for (const k of names.sort()) run.attributes[k] = attrs[k];
    }
    out.push(run);
    lastKey = key;
  }
  return out;
}

/** True when two normalized deltas are equal (values compared as canonical JSON). */
export function sameDelta(a: readonly DeltaRun[], b: readonly DeltaRun[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as DeltaRun;
    const y = b[i] as DeltaRun;
    if (x.insert !== y.insert || canonical(x.attributes ?? {}) !== canonical(y.attributes ?? {}))
      return false;
  }
  return true;
}

/** The first place two normalized deltas differ, for error messages. */
export function firstDifference(a: readonly DeltaRun[], b: readonly DeltaRun[]): string {
  let pos = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || !sameDelta([x], [y]))
      return `run ${i} at ${pos}: ${JSON.stringify(x)?.slice(0, 200)} vs ${JSON.stringify(y)?.slice(0, 200)}`;
    pos += x.insert.length;
  }
  return 'none';
}

function replayAccord(trace: RichTrace, rich: boolean): RichRun {
  const doc = new Doc();
  const t = doc.getText('text');
  if (trace.startContent !== '') t.insert(0, trace.startContent);
  const steps = trace.steps;
  const t0 = performance.now();
  for (const step of steps) {
    if (step.kind === 'edit') {
      const attrs = rich ? step.attributes : undefined;
      doc.transact(() => {
        const ps = step.patches;
        for (let j = 0; j < ps.length; j++) {
          const [pos, del, ins] = ps[j] as readonly [number, number, string];
          if (del > 0) t.delete(pos, del);
          if (ins !== '') {
            const a = attrs?.[j];
            if (a === undefined) t.insert(pos, ins);
            else t.insert(pos, ins, a);
          }
        }
      });
    } else if (rich) doc.transact(() => t.format(step.index, step.length, step.attributes));
  }
  const applyMs = performance.now() - t0;
  const bytes = encodeStateAsUpdate(doc);
  const t1 = performance.now();
  const loaded = new Doc();
  applyUpdate(loaded, bytes);
  const loadedDelta = loaded.getText('text').toDelta();
  const loadMs = performance.now() - t1;
  return {
    variant: rich ? 'accord' : 'accord-plain',
    applyMs,
    bytes: bytes.byteLength,
    bytesV1: null,
    loadMs,
    document: doc,
    text: t.toString(),
    delta: normalizeDelta(t.toDelta()),
    loadedDelta: normalizeDelta(loadedDelta),
  };
}

function replayYjs(trace: RichTrace, rich: boolean): RichRun {
  const doc = new Y.Doc();
  const t = doc.getText('text');
  if (trace.startContent !== '') t.insert(0, trace.startContent);
  const steps: readonly RichStep[] = trace.steps;
  const t0 = performance.now();
  for (const step of steps) {
    if (step.kind === 'edit') {
      const attrs = rich ? step.attributes : undefined;
      doc.transact(() => {
        const ps = step.patches;
        for (let j = 0; j < ps.length; j++) {
          const [pos, del, ins] = ps[j] as readonly [number, number, string];
          if (del > 0) t.delete(pos, del);
          if (ins !== '') {
            const a = attrs?.[j];
            if (a === undefined) t.insert(pos, ins);
            else t.insert(pos, ins, a as Record<string, unknown>);
          }
        }
      });
    } else if (rich)
      doc.transact(() => t.format(step.index, step.length, step.attributes as Record<string, unknown>));
  }
  const applyMs = performance.now() - t0;
  const v1 = Y.encodeStateAsUpdate(doc);
  const v2 = Y.encodeStateAsUpdateV2(doc);
  const t1 = performance.now();
  const loaded = new Y.Doc();
  Y.applyUpdateV2(loaded, v2);
  const loadedDelta = loaded.getText('text').toDelta() as { insert?: unknown; attributes?: unknown }[];
  const loadMs = performance.now() - t1;
  return {
    variant: rich ? 'yjs' : 'yjs-plain',
    applyMs,
    bytes: v2.byteLength,
    bytesV1: v1.byteLength,
    loadMs,
    document: doc,
    text: t.toString(),
    delta: normalizeDelta(t.toDelta() as { insert?: unknown; attributes?: unknown }[]),
    loadedDelta: normalizeDelta(loadedDelta),
  };
}

/** Replay `trace` as `variant` once (see the module comment). */
export function replayRich(trace: RichTrace, variant: RichVariant): RichRun {
  switch (variant) {
    case 'accord':
      return replayAccord(trace, true);
    case 'accord-plain':
      return replayAccord(trace, false);
    case 'yjs':
      return replayYjs(trace, true);
    case 'yjs-plain':
      return replayYjs(trace, false);
  }
}
