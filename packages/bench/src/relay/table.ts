/** Human-readable table of relay-bench results. */
import { round } from '../stats/summary.js';
import type { RelayBenchResult } from './run-relay-bench.js';

/** Formats results as a Markdown table, one row per server. */
export function formatRelayTable(results: readonly RelayBenchResult[]): string {
  const head =
    '| lib | nodes | clients | docs | rate/s | updates/s | deliveries/s | ack p50 | ack p99 | fan-out p50 | fan-out p99 | lost | errors | server RSS MB | server CPU % | generator CPU % | load avg |';
  const sep =
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = results.map(
    (r) =>
      `| ${r.w === undefined ? r.lib : `${r.lib} (w=${r.w})`} | ${r.nodes} | ${r.clients} | ${r.docs} | ${r.rate} | ${round(r.updatesPerSec, 0)} | ${round(
        r.deliveriesPerSec,
        0,
      )} | ${round(r.ackP50Ms, 1)} | ${round(r.ackP99Ms, 1)} | ${round(r.fanoutP50Ms, 1)} | ${round(
        r.fanoutP99Ms,
        1,
      )} | ${r.lost} | ${r.errors} | ${round(r.rssMB, 0)} | ${round(r.cpuPercent, 0)} | ${round(r.generatorCpuPercent, 0)} | ${round(r.loadAvg1, 1)} |`,
  );
  return [head, sep, ...rows].join('\n');
}
