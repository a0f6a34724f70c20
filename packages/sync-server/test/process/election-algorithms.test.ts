/**
 * Every non-bully election algorithm on three real relay processes: the nodes agree on a leader,
 * the leader is killed with SIGKILL, and the two survivors agree on a new one in a newer term.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/testing/index.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { removeTempDirs } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
let cluster: ProcessCluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
  removeTempDirs();
});

describe.each([
  ['ring', []],
  ['invitation', []],
  ['candidates', ['--candidates', '1,2,3']],
])('--election %s on three relay processes', (algorithm, extra) => {
  it('agrees on a leader, and on a new one after kill -9 of the leader', async () => {
    ensureBuilt();
    const c = await ProcessCluster.start(3, ['--auth-secret', SECRET, '--election', algorithm, ...extra]);
    cluster = c;
    const first = await c.agreedLeader();
    const before = await c.health(first);
    const replication = (await (await fetch(`http://127.0.0.1:${c.ports[first - 1]}/healthz`)).json()) as {
      replication?: { election?: string };
    };
    expect(replication.replication?.election).toBe(algorithm);
    await c.kill(first);
    let second = first;
    await waitFor('the survivors to agree on a new leader', async () => {
      second = await c.agreedLeader();
      return second !== first;
    });
    const after = await c.health(second);
    expect(after.cluster.term).toBeGreaterThan(before.cluster.term);
  }, 60_000);
});
