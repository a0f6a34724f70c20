/**
 * The admission bench's two scenarios against a real relay process (its own data directory, a
 * random auth secret, logs at `warn`):
 * - **admission**: honest writers' ack latency and fresh connections without an attack, then the
 *   same while `attackers` idle sockets (never a `hello`) hold slots;
 * - **presence flood**: honest writers' ack latency on their own documents, quiet and while one
 *   read-only sender pushes presence into a room of `readers`, once per `--presence-interval`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mintToken } from '@accord/sync-server';
import { ProcSampler } from '../relay/proc-stats.js';
import { accordRelayMain, freePort } from '../relay/servers/accord-relay.js';
import { type ChildServer, startChildServer } from '../relay/servers/child-server.js';
import { round } from '../stats/summary.js';
import { probeConnects, runWriters } from './honest.js';
import { forkLoad, type LoadPoll, type RemoteLoad } from './load-process.js';

/** Options shared by both scenarios. */
export interface AdmissionBenchOptions {
  /** Honest writer connections and their total update rate (per second), for `seconds`. */
  readonly clients: number;
  readonly rate: number;
  readonly seconds: number;
  /** Extra `accord-relay` flags. */
  readonly relayArgs: readonly string[];
  /** The relay CLI to run (default: this checkout's build). */
  readonly relayMain?: string | undefined;
}

/** One measured phase (one JSON line). */
export type AdmissionBenchResult = Record<string, string | number | boolean | Record<string, number>>;

interface Relay {
  readonly server: ChildServer;
  readonly url: string;
  token(docId: string, scope?: 'read' | 'write'): Promise<string>;
  stop(): Promise<void>;
}

async function startRelay(opts: AdmissionBenchOptions, extra: readonly string[]): Promise<Relay> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-admission-bench-'));
  const secret = randomBytes(24).toString('hex');
  const port = await freePort();
  const args = [
    opts.relayMain ?? accordRelayMain(),
    ...['--port', String(port), '--data', dir, '--auth-secret', secret, '--log-level', 'warn'],
    ...extra,
    ...opts.relayArgs,
  ];
  const server = await startChildServer(args, { kind: 'http', port, path: '/healthz' });
  return {
    server,
    url: `ws://127.0.0.1:${port}/`,
    token: (docId, scope = 'write') => mintToken(secret, { docId, scope, ttlSeconds: 3600 }),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The relay's event-loop delay since the previous call (prom-client resets its histogram on
 * every scrape): p99 and max in ms, NaN when unavailable. Tells a stall of the relay's own loop
 * from one of the honest clients' process or the network.
 */
async function relayLoopLag(relay: Relay): Promise<{ p99: number; max: number }> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${relay.server.port}/metrics`)).text();
    const read = (name: string) =>
      Number(new RegExp(`^${name}\\{[^}]*\\} ([\\d.e+-]+)$`, 'm').exec(text)?.[1]) * 1000;
    return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
  } catch {
    return { p99: Number.NaN, max: Number.NaN };
  }
}

/** Honest writers and a connect prober for one phase, with the relay's CPU, memory and loop delay over it. */
async function measure(relay: Relay, opts: AdmissionBenchOptions, docPrefix: string) {
  await relayLoopLag(relay);
  const sampler = new ProcSampler([relay.server.pid]);
  const probe = probeConnects({
    url: relay.url,
    docId: `${docPrefix}-probe`,
    token: await relay.token(`${docPrefix}-probe`),
    everyMs: 200,
  });
  sampler.start();
  const w = await runWriters({
    url: relay.url,
    clients: opts.clients,
    rate: opts.rate,
    seconds: opts.seconds,
    docPrefix,
    token: (d) => relay.token(d),
  });
  const proc = sampler.stop();
  const c = await probe.stop();
  const lag = await relayLoopLag(relay);
  return {
    clients: opts.clients,
    rate: opts.rate,
    seconds: opts.seconds,
    updates: w.updates,
    acked: w.acked,
    ackP50Ms: round(w.ackP50Ms, 2),
    ackP99Ms: round(w.ackP99Ms, 2),
    ackMaxMs: round(w.ackMaxMs, 2),
    droppedWriters: w.dropped,
    writerJoinFailures: w.joinFailures,
    connects: c.connects,
    connectFailures: c.connectFailures,
    connectP99Ms: round(c.connectP99Ms, 2),
    connectErrors: c.connectErrors,
    relayCpuPercent: round(proc.cpuPercent),
    relayRssMB: round(proc.rssMB),
    relayLoopLagP99Ms: round(lag.p99, 1),
    relayLoopLagMaxMs: round(lag.max, 1),
    loadAvg1: round(loadavg()[0] ?? 0, 2),
    ok:
      w.updates > 0 &&
      w.acked === w.updates &&
      w.dropped === 0 &&
      Object.keys(w.joinFailures).length === 0 &&
      c.connectFailures === 0,
  };
}

/** How the attackers hold their slots. */
export type AttackMode =
  /** The relay keeps idle sockets as long as they like (hello deadline 10 min): 10,000 held throughout. */
  | 'hold'
  /** The relay's default hello deadline closes them; each is reopened at once (reconnect churn). */
  | 'churn';

/** The relay flags of each attack mode (on top of `--relay-args`). */
const MODE_ARGS: Record<AttackMode, readonly string[]> = {
  hold: ['--handshake-timeout', '600000'],
  churn: [],
};

/** Run `fn` while `load` runs, polling it every 250 ms; stop the load afterwards (also on failure). */
async function measureUnder<T>(load: RemoteLoad, fn: () => Promise<T>) {
  const polls: LoadPoll[] = [];
  let polling = true;
  const poller = (async () => {
    for (let i = 0; polling && i < 100_000; i++) {
      polls.push(await load.poll());
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  let m: T;
  try {
    m = await fn();
  } finally {
    polling = false;
    await poller;
  }
  polls.push(await load.poll());
  const stats = await load.stop();
  return { m, polls, stats };
}

/**
 * Admission: a phase without attack, then, per mode (each on a fresh relay), one while
 * `attackers` sockets from 127.0.0.2… (`perAddress` each) upgrade and never say hello. The
 * attackers run in a process of their own.
 */
export async function runAdmissionBench(
  opts: AdmissionBenchOptions & {
    attackers: number;
    perAddress: number;
    retryMs: number;
    modes: readonly AttackMode[];
  },
  emit: (r: AdmissionBenchResult) => void,
): Promise<void> {
  for (const [i, mode] of opts.modes.entries()) {
    const relay = await startRelay(opts, MODE_ARGS[mode]);
    try {
      if (i === 0)
        emit({
          scenario: 'admission',
          phase: 'baseline',
          attackers: 0,
          ...(await measure(relay, opts, 'base')),
        });
      const port = Number(new URL(relay.url).port);
      const rampStart = performance.now();
      const attack = await forkLoad({
        kind: 'attack',
        options: { port, count: opts.attackers, perAddress: opts.perAddress, retryMs: opts.retryMs },
      });
      const rampMs = performance.now() - rampStart;
      const { m, polls, stats } = await measureUnder(attack, () => measure(relay, opts, `attack-${mode}`));
      const held = polls.map((p) => p.held);
      emit({
        scenario: 'admission',
        phase: `attack-${mode}`,
        attackers: opts.attackers,
        perAddress: opts.perAddress,
        attackRampMs: Math.round(rampMs),
        heldAtStart: attack.atStart.held,
        heldMin: held.length > 0 ? Math.min(...held) : attack.atStart.held,
        heldAvg:
          held.length > 0 ? Math.round(held.reduce((x, y) => x + y, 0) / held.length) : attack.atStart.held,
        attackUpgrades: stats?.upgrades ?? 0,
        attackUpgraded: stats?.upgraded ?? 0,
        attackRefused: stats?.refused ?? {},
        attackClosedByRelay: stats?.closedByRelay ?? {},
        ...m,
      });
    } finally {
      await relay.stop();
    }
  }
}

/**
 * Presence flood, once per entry of `intervals` (a `--presence-interval` value, or `default` to
 * pass none, e.g. for a relay build without the flag): quiet, then flooded.
 */
export async function runPresenceFloodBench(
  opts: AdmissionBenchOptions & {
    readers: number;
    presenceRate: number;
    presenceBytes: number;
    intervals: readonly string[];
  },
  emit: (r: AdmissionBenchResult) => void,
): Promise<void> {
  for (const interval of opts.intervals) {
    const relay = await startRelay(opts, interval === 'default' ? [] : ['--presence-interval', interval]);
    try {
      const common = { scenario: 'presence-flood', presenceInterval: interval, readers: opts.readers };
      emit({ ...common, phase: 'quiet', ...(await measure(relay, opts, 'quiet')) });
      const port = Number(new URL(relay.url).port);
      const flood = await forkLoad({
        kind: 'flood',
        options: {
          port,
          docId: 'flood',
          readers: opts.readers,
          rate: opts.presenceRate,
          bytes: opts.presenceBytes,
          token: await relay.token('flood', 'read'),
        },
      });
      const t0 = performance.now();
      const { m, polls } = await measureUnder(flood, () => measure(relay, opts, 'flooded'));
      const secs = (performance.now() - t0) / 1000;
      const last = polls.at(-1) ?? flood.atStart;
      emit({
        ...common,
        phase: 'flood',
        presenceRate: opts.presenceRate,
        presenceBytes: opts.presenceBytes,
        presenceSent: last.sent - flood.atStart.sent,
        readerFramesPerSec: Math.round((last.received - flood.atStart.received) / secs),
        ...m,
      });
    } finally {
      await relay.stop();
    }
  }
}
