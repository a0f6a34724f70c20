/**
 * One relay-bench measurement: start the server processes, run the light load against them,
 * sample their CPU and RSS from /proc, stop them, and report the contract fields.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LightLoadResult, runLightLoad } from './load-generator.js';
import { ProcSampler } from './proc-stats.js';
import type { LoadProtocol, RelayLib } from './protocols/types.js';
import type { ChildServer } from './servers/child-server.js';

/** One line of `bench:relay --json`. */
export interface RelayBenchResult extends LightLoadResult {
  lib: RelayLib;
  /** Whether clients held real documents (`--full`). */
  full: boolean;
  nodes: number;
  /** Peak resident memory of all server processes together (MB). */
  rssMB: number;
  /** CPU of all server processes together over the run (100 = one core). */
  cpuPercent: number;
  /**
   * Server CPU per acknowledged update (µs), per server process in start order (node 1 first):
   * its main thread, its busiest thread in system time (Accord: the SQLite commit worker) and its
   * other threads (GC, compiler). Same window as `cpuPercent`.
   */
  cpuUsPerUpdate: { main: number; worker: number; other: number }[];
  /** 1-minute load average when the run started (2 cores: above 2 means contention). */
  loadAvg1: number;
  /** The write concern Accord's clients asked for (`--w`); absent: the relay's own. */
  w?: string;
}

/** A relay under test: how to start it and how to talk to it. */
export interface RelayTarget {
  readonly lib: RelayLib;
  readonly protocol: LoadProtocol;
  /** Starts `nodes` server processes with data under `dataDir`; clients connect to the returned servers round-robin. */
  start(dataDir: string, nodes: number): Promise<ChildServer[]>;
}

/** Options of {@link runRelayBench}. */
export interface RelayBenchOptions {
  nodes: number;
  clients: number;
  docs: number;
  rate: number;
  seconds: number;
  /** Full clients (real documents, final states compared); default light clients. */
  full?: boolean;
  /** Seed of the full clients' edits. */
  seed?: number;
}

/**
 * Runs the light load once against a fresh instance of `target` (fresh data directory, fresh
 * processes), and stops it afterwards whatever happens.
 * @throws Error when the server does not start or clients cannot connect.
 */
export async function runRelayBench(target: RelayTarget, opts: RelayBenchOptions): Promise<RelayBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `accord-relay-bench-${target.lib}-`));
  let servers: ChildServer[] = [];
  try {
    servers = await target.start(dataDir, opts.nodes);
    const loadAvg1 = loadavg()[0] ?? 0;
    const sampler = new ProcSampler(servers.map((s) => s.pid));
    const load = await runLightLoad({
      urls: servers.map((s) => `ws://127.0.0.1:${s.port}`),
      protocol: target.protocol,
      clients: opts.clients,
      docs: opts.docs,
      rate: opts.rate,
      seconds: opts.seconds,
      full: opts.full === true,
      seed: opts.seed ?? 1,
      docPrefix: `bench-${process.pid}-${Date.now().toString(36)}`,
      onStart: () => sampler.start(),
    });
    const proc = sampler.stop();
    return {
      lib: target.lib,
      full: opts.full === true,
      nodes: opts.nodes,
      ...load,
      rssMB: proc.rssMB,
      cpuPercent: proc.cpuPercent,
      cpuUsPerUpdate: proc.threads.map((t) => ({
        main: perUpdateUs(t.main, load.acked),
        worker: perUpdateUs(t.worker, load.acked),
        other: perUpdateUs(t.other, load.acked),
      })),
      loadAvg1,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `cpuSeconds` per acknowledged update in whole µs (NaN with nothing acknowledged). */
function perUpdateUs(cpuSeconds: number, acked: number): number {
  return acked > 0 ? Math.round((cpuSeconds * 1e6) / acked) : Number.NaN;
}
