/**
 * The relay bench end to end at a tiny load: a real Hocuspocus child process with SQLite, real
 * WebSockets on 127.0.0.1, light clients; every update acknowledged and delivered.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRelayBench } from '../../src/relay/run-relay-bench.js';
import { loadRelayTarget } from '../../src/relay/targets.js';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));

beforeAll(async () => {
  // The server runs as built JS in its own process.
  if (!existsSync(`${pkgDir}/dist/relay/servers/hocuspocus-main.js`)) {
    await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: pkgDir });
  }
}, 120_000);

describe('bench:relay (light load)', () => {
  it('hocuspocus: 12 clients over 3 documents, every update acked and fanned out', async () => {
    const target = await loadRelayTarget('hocuspocus');
    const r = await runRelayBench(target, { nodes: 1, clients: 12, docs: 3, rate: 300, seconds: 1 });
    expect(r).toMatchObject({
      lib: 'hocuspocus',
      clients: 12,
      docs: 3,
      sent: 300,
      acked: 300,
      lost: 0,
      errors: 0,
    });
    expect(r.deliveries).toBe(300 * 3);
    for (const k of ['ackP50Ms', 'ackP99Ms', 'fanoutP50Ms', 'fanoutP99Ms', 'rssMB', 'cpuPercent'] as const) {
      expect(Number.isFinite(r[k]), k).toBe(true);
    }
    expect(r.ackP99Ms).toBeGreaterThanOrEqual(r.ackP50Ms);
    expect(r.rssMB).toBeGreaterThan(10);
    expect(r.updatesPerSec).toBeGreaterThan(0);
  }, 60_000);

  it('hocuspocus --full: real documents converge to the server state, nothing lost', async () => {
    const target = await loadRelayTarget('hocuspocus');
    const r = await runRelayBench(target, {
      nodes: 1,
      clients: 9,
      docs: 3,
      rate: 200,
      seconds: 1,
      full: true,
      seed: 3,
    });
    expect(r).toMatchObject({
      full: true,
      sent: 200,
      acked: 200,
      lost: 0,
      converged: true,
      divergentDocs: 0,
    });
    expect(r.deliveries).toBe(200 * 2);
  }, 60_000);

  it('accord: light clients, every update acked after durable storage and fanned out', async () => {
    const target = await loadRelayTarget('accord');
    const r = await runRelayBench(target, { nodes: 1, clients: 12, docs: 3, rate: 300, seconds: 1 });
    expect(r).toMatchObject({
      lib: 'accord',
      sent: 300,
      acked: 300,
      lost: 0,
      errors: 0,
      duplicates: 0,
      undelivered: 0,
    });
    expect(r.deliveries).toBe(300 * 3);
    expect(r.rssMB).toBeGreaterThan(10);
  }, 60_000);

  it('accord --full: real documents converge to the relay state, nothing lost', async () => {
    const target = await loadRelayTarget('accord');
    const r = await runRelayBench(target, {
      nodes: 1,
      clients: 9,
      docs: 3,
      rate: 200,
      seconds: 1,
      full: true,
      seed: 5,
    });
    expect(r).toMatchObject({
      full: true,
      sent: 200,
      acked: 200,
      lost: 0,
      converged: true,
      divergentDocs: 0,
    });
  }, 60_000);
});
