/**
 * `pnpm bench:relay [--nodes 1|3] [--clients 200] [--docs 50] [--rate R] [--seconds 10] [--full]
 * [--vs hocuspocus] [--w 1,majority,all] [--json]`: light open-loop load against the Accord relay (and, with `--vs`,
 * Hocuspocus 3.4.4 under the same load), one result per server.
 */
import { parseArgs } from 'node:util';
import { intFlag, listFlag, runMain, UsageError } from '../cli/args.js';
import { relayLibs } from '../relay/protocols/types.js';
import { type RelayBenchResult, runRelayBench } from '../relay/run-relay-bench.js';
import { findSustainableRate } from '../relay/sustainable.js';
import { formatRelayTable } from '../relay/table.js';
import { takeTurns } from '../relay/take-turns.js';
import { loadRelayTarget } from '../relay/targets.js';

const usage = `usage: bench:relay [--nodes 1] [--clients 200] [--docs 50] [--rate 10000] [--seconds 10] [--vs hocuspocus] [--no-accord] [--w 1,majority,all] [--json]
  --nodes    relay nodes (Accord; Hocuspocus always runs one)
  --clients  light WebSocket clients, spread over --docs documents
  --rate     updates per second over all clients (open loop)
  --seconds  how long to send
  --vs       comparison servers (hocuspocus)
  --no-accord  only the comparison servers
  --sustainable  step the rate up from --rate (x1.25, fresh server per attempt, --seconds each) until
               a rate fails twice (ack or fan-out p99 over 50 ms, or anything lost), bisect twice
               between the last pass and that failure; report the highest passing rate. When --rate
               itself fails, step down (/1.25, at most 8 steps) until a rate passes, then bisect.
               With --vs the servers' searches take turns, one measurement at a time
  --accord-args "FLAGS"  extra accord-relay flags, e.g. "--sync normal" (default: the relay's defaults)
  --max-rate   upper bound of the --sustainable search (default 100000)
  --full     every client holds a real document (edits, applies what arrives); at the end the
             server's state of each document is loaded into a fresh client and compared with every
             replica (converged, lost = acked edits missing from it)
  --w        Accord's write concern, or several in turn on the same workload (PACELC:
             acknowledgement latency against durability): --w 1,majority,all. Each result line
             carries its "w"; default: the relay's own write quorum (--write-quorum)
  --json     one JSON object per line and server`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      clients: { type: 'string' },
      docs: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      full: { type: 'boolean', default: false },
      vs: { type: 'string' },
      'no-accord': { type: 'boolean', default: false },
      sustainable: { type: 'boolean', default: false },
      'accord-args': { type: 'string' },
      'max-rate': { type: 'string' },
      w: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const nodes = intFlag('nodes', values.nodes, 1);
  const clients = intFlag('clients', values.clients, 200);
  const docs = intFlag('docs', values.docs, 50);
  if (docs > clients) throw new UsageError('--docs cannot exceed --clients');
  const rate = intFlag('rate', values.rate, 10_000);
  const seconds = intFlag('seconds', values.seconds, 10);
  const accordArgs = (values['accord-args'] ?? '').split(/\s+/).filter((a) => a !== '');
  const concerns = listFlag('w', values.w, ['1', 'majority', 'all'] as const, []);
  if (concerns.length > 0 && values.sustainable)
    throw new UsageError('--w runs fixed-rate measurements only');
  const vs = listFlag('vs', values.vs, relayLibs, []);
  const libs = values['no-accord']
    ? vs.filter((l) => l !== 'accord')
    : ['accord' as const, ...vs.filter((l) => l !== 'accord')];

  // Hocuspocus always runs as one process.
  const optsFor = (lib: string) => ({
    nodes: lib === 'hocuspocus' ? 1 : nodes,
    clients,
    docs,
    seconds,
    full: values.full,
  });
  const results: RelayBenchResult[] = [];
  let failed = false;
  const report = (lib: string, err: unknown) => {
    failed = true;
    const error = err instanceof Error ? err.message : String(err);
    if (values.json) process.stdout.write(`${JSON.stringify({ lib, error })}\n`);
    else process.stderr.write(`${lib}: ${error}\n`);
  };
  if (values.sustainable) {
    // The searches run side by side and take turns (one measurement at a time, alternating), so
    // a slow phase of a shared machine hits every server alike and the ratio stays fair.
    const maxRate = intFlag('max-rate', values['max-rate'], 100_000);
    const inTurn = takeTurns();
    const outcomes = await Promise.all(
      libs.map(async (lib) => {
        try {
          const target = await loadRelayTarget(lib, accordArgs);
          const s = await findSustainableRate(
            (r) => inTurn(() => runRelayBench(target, { ...optsFor(lib), rate: r })),
            { startRate: rate, factor: 1.25, maxRate, p99LimitMs: 50 },
            (step) => {
              if (!values.json) process.stderr.write(`  ${lib} at ${step.rate}/s: ${JSON.stringify(step)}\n`);
            },
          );
          return { lib, s };
        } catch (err) {
          report(lib, err);
          return null;
        }
      }),
    );
    for (const o of outcomes) {
      if (o === null) continue;
      const { lib, s } = o;
      if (s.best !== null) results.push(s.best);
      const line = { ...(s.best ?? { lib }), sustainableRate: s.sustainableRate, steps: s.steps };
      if (values.json) process.stdout.write(`${JSON.stringify(line)}\n`);
      else
        process.stdout.write(
          `${lib}: sustainable rate ${s.sustainableRate} updates/s (p99 <= 50 ms, nothing lost)\n`,
        );
    }
  } else {
    const runs = libs.flatMap((lib) =>
      lib === 'accord' && concerns.length > 0
        ? concerns.map((w) => ({ lib, w }))
        : [{ lib, w: undefined as (typeof concerns)[number] | undefined }],
    );
    for (const { lib, w } of runs) {
      try {
        const concern = w === undefined ? undefined : w === '1' ? 1 : w;
        const target = await loadRelayTarget(lib, accordArgs, concern);
        const r = await runRelayBench(target, { ...optsFor(lib), rate });
        const line = w === undefined ? r : { ...r, w };
        results.push(line);
        if (values.json) process.stdout.write(`${JSON.stringify(line)}\n`);
        if (r.lost > 0) failed = true;
      } catch (err) {
        report(lib, err);
      }
    }
  }
  if (!values.json && results.length > 0) {
    process.stdout.write(
      `${formatRelayTable(results)}\n\nnode ${process.version}, ${new Date().toISOString()}\n`,
    );
  }
  return failed ? 1 : 0;
}

runMain(main);
