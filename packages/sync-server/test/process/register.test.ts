/**
 * The linearizable register on three real relay processes: a lock taken by concurrent clients on
 * every node (followers forward) has exactly one winner; kill -9 of the leader loses nothing
 * acknowledged; a leader frozen with SIGSTOP while a newer one is elected cannot complete a cas
 * of its old term once it resumes.
 */
import { Doc, encodeStateVector } from '@accord/core';
import { type CasResultMessage, PROTOCOL_VERSION, type RegisterValue } from '@accord/core/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/testing/index.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { type NodeHealth, ProcessCluster } from '../support/process-cluster.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

let cluster: ProcessCluster | null = null;
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await cluster?.stop();
  removeTempDirs();
});

let nextId = 1;

async function join(c: ProcessCluster, id: number): Promise<TestClient> {
  const client = await TestClient.join(c.url(id), 'doc', '', encodeStateVector(new Doc()));
  clients.push(client);
  return client;
}

/** Send a cas and resend it (same op id) on `retry`/`unknown` until a definite answer. */
async function cas(
  client: TestClient,
  opId: string,
  key: string,
  expected: RegisterValue,
  next: RegisterValue,
): Promise<CasResultMessage> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const id = nextId++;
    client.send({ type: 'cas', id, opId, key, expected, next });
    const r = await client.next('cas-result', (m) => m.id === id, 10_000);
    if (r.status === 'done' || r.status === 'refused') return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`cas ${opId} never got a definite answer`);
}

/** The leader named by every node in `ids` (nodes not in `ids` may be frozen: never asked). */
async function leaderAmong(c: ProcessCluster, ids: number[], not?: number): Promise<number> {
  let leader = 0;
  await waitFor(
    `a leader among ${ids.join(',')}`,
    async () => {
      const hs = await Promise.all(
        ids.map(async (id) => {
          const res = await fetch(`http://127.0.0.1:${c.ports[id - 1]}/healthz`, {
            signal: AbortSignal.timeout(1000),
          });
          return (await res.json()) as NodeHealth;
        }),
      );
      const l = hs[0]?.cluster.leaderId;
      if (l == null || l === not || !hs.every((h) => h.cluster.leaderId === l)) return false;
      leader = l;
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return leader;
}

describe('the compare-and-set register on a 3-node cluster', () => {
  it('one lock winner, nothing acknowledged lost across kill -9, no stale leader completes a cas', async () => {
    ensureBuilt();
    const c = await ProcessCluster.start(3, ['--auth', 'none']);
    cluster = c;
    const leader = await c.agreedLeader();
    const others = [1, 2, 3].filter((id) => id !== leader);

    // 1. Six clients, two per node, race for the lock: exactly one wins, all see the winner.
    const racers = await Promise.all([1, 2, 3, 1, 2, 3].map((id) => join(c, id)));
    const results = await Promise.all(racers.map((cl, i) => cas(cl, `lock-${i}`, 'lock', null, `c${i}`)));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.value;
    for (const r of results) expect(r).toMatchObject({ status: 'done', value: winner });

    // 2. A counter through a follower (forwarded): every increment acknowledged.
    const viaFollower = racers[others[0] === 1 ? 0 : others[0] === 2 ? 1 : 2] as TestClient;
    for (let n = 0; n < 5; n++) {
      const r = await cas(viaFollower, `inc-${n}`, 'counter', n === 0 ? null : n, n + 1);
      expect(r).toMatchObject({ status: 'done', ok: true, value: n + 1 });
    }

    // 3. kill -9 the leader: a new one is elected and still holds the lock and the counter.
    await c.kill(leader);
    const second = await leaderAmong(c, others);
    const survivor = await join(c, others[0] as number);
    expect(await cas(survivor, 'read-lock', 'lock', 'nobody', 'nobody')).toMatchObject({
      status: 'done',
      ok: false,
      value: winner,
    });
    expect(await cas(survivor, 'inc-5', 'counter', 5, 6)).toMatchObject({ ok: true, value: 6 });
    // a retry of an acknowledged op after the failover is answered, not applied again
    expect(await cas(survivor, 'inc-4', 'counter', 4, 5)).toMatchObject({ ok: true, value: 5 });
    expect(await cas(survivor, 'read-counter', 'counter', 'x', 'x')).toMatchObject({ ok: false, value: 6 });

    // 4. Bring the killed node back, freeze the current leader, let the others elect a new one.
    await c.startNode(leader);
    await leaderAmong(c, [1, 2, 3]);
    const current = (await c.health(second)).cluster.leaderId as number;
    const staleClient = await join(c, current);
    c.signal(current, 'SIGSTOP');
    try {
      // sent while frozen: read only when it resumes, in a term that is over by then
      const staleId = nextId++;
      staleClient.send({
        type: 'cas',
        id: staleId,
        opId: 'stale',
        key: 'flag',
        expected: null,
        next: 'stale',
      });
      const rest = [1, 2, 3].filter((id) => id !== current);
      const fresh = await leaderAmong(c, rest, current);
      const freshClient = await join(c, fresh);
      expect(await cas(freshClient, 'fresh', 'flag', null, 'fresh')).toMatchObject({
        ok: true,
        value: 'fresh',
      });
      c.signal(current, 'SIGCONT');
      const first = await staleClient.next('cas-result', (m) => m.id === staleId, 15_000);
      expect(first.status === 'done' && first.ok).toBe(false);
      // however often it is retried, the stale client's op finds the fresh value
      expect(await cas(staleClient, 'stale', 'flag', null, 'stale')).toMatchObject({
        ok: false,
        value: 'fresh',
      });
      expect(await cas(freshClient, 'read-flag', 'flag', 'x', 'x')).toMatchObject({
        ok: false,
        value: 'fresh',
      });
    } finally {
      c.signal(current, 'SIGCONT');
    }
  }, 120_000);

  it('hostile cas frames close the connection with 1007 and the node keeps serving', async () => {
    ensureBuilt();
    const c = cluster;
    if (c === null) throw new Error('the first test starts the cluster');
    const id = [...c.procs.keys()][0] as number;
    const bad = await join(c, id);
    // a cas whose value tag is unknown
    bad.sendRaw(new Uint8Array([PROTOCOL_VERSION, 17, 1, 1, 0x6f, 1, 0x6b, 0, 9]));
    expect(await bad.closed).toBe(1007);
    const good = await join(c, id);
    const r = await cas(good, 'after', 'after-bad', null, true);
    expect(r).toMatchObject({ status: 'done', ok: true, value: true });
  }, 60_000);
});
