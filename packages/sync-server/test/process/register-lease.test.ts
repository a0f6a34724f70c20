/**
 * Register read leases on three real relay processes: with leases (the default), reads after the
 * first are answered by the leader under its lease, without a confirmation round (its `/healthz`
 * counts them); with `--lease-ms 0` every read takes a round. Prints the read latencies of both.
 */
import { Doc, encodeStateVector } from '@accord/core';
import type { CasResultMessage, RegisterValue } from '@accord/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/ensure-built.js';
import { type NodeHealth, ProcessCluster } from '../support/process-cluster.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

let cluster: ProcessCluster | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await cluster?.stop();
  cluster = null;
  removeTempDirs();
});

let nextId = 1;

async function cas(
  client: TestClient,
  opId: string,
  key: string,
  expected: RegisterValue,
  next: RegisterValue,
): Promise<CasResultMessage> {
  const id = nextId++;
  client.send({ type: 'cas', id, opId, key, expected, next });
  return client.next('cas-result', (m) => m.id === id, 10_000);
}

type LeaseHealth = NodeHealth & { replication?: { registerReads?: { lease: number; confirmed: number } } };

/** Start a cluster with `args`, write once through the leader, then read `reads` times. */
async function readsOn(args: string[], reads: number) {
  ensureBuilt();
  const c = await ProcessCluster.start(3, ['--auth', 'none', ...args]);
  cluster = c;
  const leader = await c.agreedLeader();
  const client = await TestClient.join(c.url(leader), 'doc', '', encodeStateVector(new Doc()));
  clients.push(client);
  expect(await cas(client, 'w', 'lock', null, 'held')).toMatchObject({ status: 'done', ok: true });
  const ms: number[] = [];
  for (let i = 0; i < reads; i++) {
    const t0 = performance.now();
    // value ≠ expected: a read, answered with the current value
    const r = await cas(client, `r${i}`, 'lock', 'nobody', 'nobody');
    ms.push(performance.now() - t0);
    // a leader that lost its place in the meantime answers retry; everything else is the value
    if (r.status !== 'retry') expect(r).toMatchObject({ status: 'done', ok: false, value: 'held' });
  }
  const h = (await c.health(leader)) as LeaseHealth;
  const sorted = [...ms].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { stats: h.replication?.registerReads, p50: p(0.5), p99: p(0.99) };
}

describe('register read leases on a 3-node cluster', () => {
  it('reads after the first are answered under the lease, without a round', async () => {
    const on = await readsOn([], 200);
    // the first read pays the round and starts the lease; the next heartbeat (50 ms) asks for
    // promises, so nearly every later read is local
    expect(on.stats?.confirmed).toBeGreaterThanOrEqual(1);
    expect(on.stats?.lease).toBeGreaterThan(150);
    console.log(`leases on: ${JSON.stringify(on)}`);
  }, 60_000);

  it('--lease-ms 0: every read takes a confirmation round', async () => {
    const off = await readsOn(['--lease-ms', '0'], 200);
    expect(off.stats).toEqual({ lease: 0, confirmed: 200 });
    console.log(`leases off: ${JSON.stringify(off)}`);
  }, 60_000);
});
