/**
 * One measured replay of a concurrent trace into one library (in a fresh process, as the
 * sequential replay): one replica per author; before each transaction the author's replica gets
 * the updates of every ancestor transaction it lacks (in the file's order, which is causal), then
 * applies the transaction's patches as one local transaction and records its update. `replayMs`
 * times all of that. `mergeMs` times a fresh replica applying every recorded update one by one,
 * in order, then reading its text: the path every remote keystroke takes. The merged document is
 * then encoded and loaded back, as in the sequential replay; `heapMB` is what the merged replica
 * holds. A transaction that changed nothing has an empty update, sent to nobody.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { tracePatchesToUtf16 } from '@accord/core/testing';
import type { PeerReplica, TextAdapter } from './adapters/index.js';
import { collect, memoryNow, middle, type TraceRunResult } from './replay.js';
import { type ConcurrentTrace, countOps } from './trace-file.js';

/** Replays `trace` and checks every replica and the merged document against `endContent`. */
export function replayConcurrentOnce(
  adapter: TextAdapter,
  trace: ConcurrentTrace,
  name: string,
): TraceRunResult {
  const loadAvg1 = loadavg()[0] ?? 0;
  const n = trace.txns.length;
  const init = adapter.init();

  const t0 = performance.now();
  const peers: PeerReplica[] = [];
  /** Per author: which transactions its replica holds (closed under ancestors). */
  const holds: Uint8Array[] = [];
  for (let a = 0; a < trace.numAgents; a++) {
    const p = adapter.peer(a);
    if (init !== null) p.applyRemote(init);
    peers.push(p);
    holds.push(new Uint8Array(n));
  }
  const updates: Uint8Array[] = new Array(n);
  const stack: number[] = [];
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    const txn = trace.txns[i]!;
    const peer = peers[txn.agent]!;
    const held = holds[txn.agent]!;
    // Ancestors this replica lacks: a walk that stops at what it holds (held sets are closed).
    missing.length = 0;
    for (const p of txn.parents) stack.push(p);
    while (stack.length > 0) {
      const j = stack.pop()!;
      if (held[j] === 1) continue;
      held[j] = 1;
      missing.push(j);
      for (const p of trace.txns[j]!.parents) if (held[p] !== 1) stack.push(p);
    }
    missing.sort((x, y) => x - y);
    for (const j of missing) if (updates[j]!.length > 0) peer.applyRemote(updates[j]!);
    const patches = trace.astral ? tracePatchesToUtf16(peer.text(), [txn.patches])[0]! : txn.patches;
    updates[i] = peer.applyLocal(patches);
    held[i] = 1;
  }
  const replayMs = performance.now() - t0;

  // Every author catches up on everything: all replicas must agree with the trace.
  let agree = true;
  for (let a = 0; a < peers.length; a++) {
    const held = holds[a]!;
    for (let j = 0; j < n; j++)
      if (held[j] !== 1 && updates[j]!.length > 0) peers[a]!.applyRemote(updates[j]!);
    agree &&= peers[a]!.text() === trace.endContent;
  }
  peers.length = 0;

  collect();
  const t1 = performance.now();
  let merged: PeerReplica | null = adapter.peer(trace.numAgents);
  if (init !== null) merged.applyRemote(init);
  for (let j = 0; j < n; j++) if (updates[j]!.length > 0) merged.applyRemote(updates[j]!);
  const mergedText = merged.text();
  const mergeMs = performance.now() - t1;

  const t2 = performance.now();
  const bytes = merged.encode();
  const encodeMs = performance.now() - t2;

  // What the merged replica holds: memory with it alive minus memory once it is dropped (the
  // recorded updates and the encoding stay referenced across both readings).
  collect();
  const withMerged = memoryNow();
  merged = null;
  collect();
  const heapMB = (withMerged - memoryNow()) / (1024 * 1024);
  if (updates.length !== n) throw new Error('updates lost');

  const t3 = performance.now();
  const loaded = adapter.load(bytes);
  const loadedText = loaded.text();
  const mid = middle(loadedText);
  loaded.applyTxn([[mid, 0, '!']]);
  const loadMs = performance.now() - t3;
  const loadedOk = loaded.text() === `${trace.endContent.slice(0, mid)}!${trace.endContent.slice(mid)}`;

  const end = trace.endContent;
  const ok = agree && mergedText === end && loadedText === end && loadedOk;
  return {
    lib: adapter.lib,
    trace: name,
    kind: 'concurrent',
    ops: countOps(trace),
    txns: n,
    applyMs: replayMs,
    replayMs,
    mergeMs,
    remoteKeyUs: null,
    encodeBytes: bytes.byteLength,
    encodeMs,
    loadMs,
    heapMB,
    ok,
    version: adapter.version,
    loadAvg1,
  };
}
