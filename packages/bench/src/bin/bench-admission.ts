/**
 * `pnpm bench:admission [--attackers 10000] [--per-address 50] [--clients 10] [--rate 200]
 * [--seconds 10] [--presence-flood] [--json]`: honest clients' ack latency against a relay with
 * and without 10,000 idle sockets holding slots, or (`--presence-flood`) with and without one
 * sender pushing presence into a room of 300 readers. Linux only (attackers bind 127.0.0.2…).
 */
import { parseArgs } from 'node:util';
import {
  type AdmissionBenchResult,
  runAdmissionBench,
  runPresenceFloodBench,
} from '../admission/run-admission-bench.js';
import { intFlag, listFlag, runMain, UsageError } from '../cli/args.js';

const usage = `usage: bench:admission [--attackers 10000] [--attack hold,churn] [--per-address 50] [--retry-ms 100] [--clients 10] [--rate 200]
                       [--seconds 10] [--presence-flood] [--readers 300] [--presence-rate 400]
                       [--presence-bytes 2048] [--intervals 0,50] [--relay-args="FLAGS"] [--relay-main PATH] [--json]
  --attackers       idle sockets (upgrade, never hello) from 127.0.0.2… while honest clients write;
                    each is reopened --retry-ms after the relay closes or refuses it
  --attack          hold: the relay runs with a 10-minute hello deadline, so the attackers hold their
                    sockets throughout; churn: the relay's defaults (3 s hello deadline) and the
                    attackers reopen every socket it closes. Each mode on a fresh relay; the attackers
                    run in a process of their own
  --per-address     attacker sockets per source address (the relay's default cap is 64)
  --clients, --rate honest writers (from 127.0.0.1, one document each) and their updates per second in
                    total, open loop; latency from scheduled send to ack. A prober also opens a fresh
                    connection every 200 ms (upgrade to sync)
  --seconds         length of each measured phase (the first second is warm-up)
  --presence-flood  instead: one read-only sender pushes --presence-rate presence frames per second
                    (--presence-bytes of data) into a room of --readers readers; one relay per
                    --intervals entry (a --presence-interval value; "default" passes none)
  --relay-args      extra accord-relay flags; --relay-main another build of accord-relay (before/after)
  --json            one JSON object per line and phase`;

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse());
  } catch (e) {
    // node:util parseArgs throws a TypeError for an unknown flag or a missing value.
    throw new UsageError(`bench:admission: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const common = {
    clients: intFlag('clients', values.clients, 10),
    rate: intFlag('rate', values.rate, 200),
    seconds: intFlag('seconds', values.seconds, 10),
    relayArgs: (values['relay-args'] ?? '').split(/\s+/).filter((a) => a !== ''),
    relayMain: values['relay-main'],
  };
  if (common.seconds < 2) throw new UsageError('--seconds must be at least 2 (the first second is warm-up)');
  const results: AdmissionBenchResult[] = [];
  const emit = (r: AdmissionBenchResult) => {
    results.push(r);
    process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${describe(r)}\n`);
  };
  if (values['presence-flood']) {
    const intervals = (values.intervals ?? '0,50').split(',').map((s) => s.trim());
    for (const i of intervals)
      if (i !== 'default' && !/^\d+$/.test(i))
        throw new UsageError(`--intervals: "${i}" is not a number or "default"`);
    await runPresenceFloodBench(
      {
        ...common,
        readers: intFlag('readers', values.readers, 300),
        presenceRate: intFlag('presence-rate', values['presence-rate'], 400),
        presenceBytes: intFlag('presence-bytes', values['presence-bytes'], 2048),
        intervals,
      },
      emit,
    );
  } else {
    await runAdmissionBench(
      {
        ...common,
        attackers: intFlag('attackers', values.attackers, 10_000),
        perAddress: intFlag('per-address', values['per-address'], 50),
        retryMs: intFlag('retry-ms', values['retry-ms'], 100),
        modes: listFlag('attack', values.attack, ['hold', 'churn'] as const, ['hold', 'churn']),
      },
      emit,
    );
  }
  return results.every((r) => r.ok === true) ? 0 : 1;
}

function parse() {
  return parseArgs({
    allowPositionals: false,
    strict: true,
    options: {
      attackers: { type: 'string' },
      attack: { type: 'string' },
      'per-address': { type: 'string' },
      'retry-ms': { type: 'string' },
      clients: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      'presence-flood': { type: 'boolean', default: false },
      readers: { type: 'string' },
      'presence-rate': { type: 'string' },
      'presence-bytes': { type: 'string' },
      intervals: { type: 'string' },
      'relay-args': { type: 'string' },
      'relay-main': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** One human-readable line per phase. */
function describe(r: AdmissionBenchResult): string {
  const head =
    r.scenario === 'admission'
      ? `admission ${r.phase}${r.phase !== 'baseline' ? ` (${r.attackers} attackers, held avg ${r.heldAvg}, min ${r.heldMin})` : ''}`
      : `presence-flood interval=${r.presenceInterval} ${r.phase}${r.phase === 'flood' ? ` (${r.readers} readers, ${r.readerFramesPerSec} frames/s to readers)` : ''}`;
  return `${head}: ack p50 ${r.ackP50Ms} ms, p99 ${r.ackP99Ms} ms (${r.acked}/${r.updates} acked); connects ${r.connects} ok, ${r.connectFailures} failed, p99 ${r.connectP99Ms} ms; relay ${r.relayCpuPercent}% CPU, ${r.relayRssMB} MB, loop delay p99 ${r.relayLoopLagP99Ms} ms, max ${r.relayLoopLagMaxMs} ms; load ${r.loadAvg1}`;
}

runMain(main);
