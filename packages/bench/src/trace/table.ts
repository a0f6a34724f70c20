/** Human-readable tables for the trace bench (also used for the README). */
import { round } from '../stats/summary.js';
import type { TraceBenchResult } from './run-trace-bench.js';

function cell(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined ? '-' : round(v, digits).toLocaleString('en-US');
}

function ratio(v: number | null, base: number | null): string {
  if (v === null || base === null || base === 0) return '';
  return ` (${round(v / base, 2)}x)`;
}

/**
 * Formats results as a Markdown table, one row per library and trace, with ratios against
 * Yjs on the same trace when Yjs is present.
 */
export function formatTraceTable(all: readonly TraceBenchResult[]): string {
  const results = all.filter((r) => r.kind !== 'concurrent');
  const concurrent = all.filter((r) => r.kind === 'concurrent');
  const tables: string[] = [];
  if (results.length > 0) tables.push(sequentialTable(results));
  if (concurrent.length > 0) tables.push(concurrentTable(concurrent));
  return tables.join('\n\n');
}

function sequentialTable(results: readonly TraceBenchResult[]): string {
  const head =
    '| trace | lib | ops | apply ms | remote key µs | encode bytes | encode ms | load ms | heap MB | load avg | ok |';
  const sep = '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |';
  const rows = results.map((r) => {
    const y = results.find((o) => o.trace === r.trace && o.lib === 'yjs');
    const withRatio = y !== undefined && r.lib !== 'yjs';
    const rel = (v: number | null, b: number | null | undefined) => (withRatio ? ratio(v, b ?? null) : '');
    const lib = r.version !== undefined ? `${r.lib} ${r.version}` : r.lib;
    const ok = r.ok ? 'yes' : `NO${r.error !== undefined ? ` (${r.error})` : ''}`;
    return `| ${r.trace} | ${lib} | ${cell(r.ops, 0)} | ${cell(r.applyMs, 1)}${rel(r.applyMs, y?.applyMs)} | ${cell(
      r.remoteKeyUs,
      2,
    )}${rel(r.remoteKeyUs, y?.remoteKeyUs)} | ${cell(
      r.encodeBytes,
      0,
    )}${rel(r.encodeBytes, y?.encodeBytes)} | ${cell(r.encodeMs, 1)} | ${cell(r.loadMs, 1)}${rel(
      r.loadMs,
      y?.loadMs,
    )} | ${cell(r.heapMB, 2)}${rel(r.heapMB, y?.heapMB)} | ${cell(r.loadAvg1, 1)} | ${ok} |`;
  });
  return [head, sep, ...rows].join('\n');
}

/** Concurrent traces: replay (authors and merges), merge (a fresh replica), size, load, heap. */
function concurrentTable(results: readonly TraceBenchResult[]): string {
  const head =
    '| concurrent trace | lib | txns | replay ms | merge ms | encode bytes | load ms | heap MB (merged) | load avg | ok |';
  const sep = '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |';
  const rows = results.map((r) => {
    const y = results.find((o) => o.trace === r.trace && o.lib === 'yjs');
    const withRatio = y !== undefined && r.lib !== 'yjs';
    const rel = (v: number | null, b: number | null | undefined) => (withRatio ? ratio(v, b ?? null) : '');
    const lib = r.version !== undefined ? `${r.lib} ${r.version}` : r.lib;
    const ok = r.ok ? 'yes' : `NO${r.error !== undefined ? ` (${r.error})` : ''}`;
    return `| ${r.trace} | ${lib} | ${cell(r.txns, 0)} | ${cell(r.replayMs, 1)}${rel(r.replayMs, y?.replayMs)} | ${cell(
      r.mergeMs,
      1,
    )}${rel(r.mergeMs, y?.mergeMs)} | ${cell(r.encodeBytes, 0)}${rel(r.encodeBytes, y?.encodeBytes)} | ${cell(
      r.loadMs,
      1,
    )}${rel(r.loadMs, y?.loadMs)} | ${cell(r.heapMB, 2)}${rel(r.heapMB, y?.heapMB)} | ${cell(r.loadAvg1, 1)} | ${ok} |`;
  });
  return [head, sep, ...rows].join('\n');
}
