/**
 * Presence across a real 3-node cluster (relay processes, real peer links): a client on node 1
 * sees a client on node 2 appear, update, clear, leave, and vanish when node 2 is killed -9;
 * a client joining node 3 gets node 2's presence at once; presence works again once node 2 is back.
 * With a short presence TTL, a frozen node's (SIGSTOP, links still open) presence expires too,
 * while a live node's outlasts the TTL (shown against the frozen node's expiry, not a sleep; the
 * timing itself is tested in virtual time in test/relay/cluster-presence.test.ts).
 */
import { Doc, encodeStateVector } from '@accord/core';
import type { PresenceState } from '@accord/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { waitFor } from '../../src/testing/index.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const SECRET = 'presence-cluster-secret-0123456789';
const DOC = 'presence-doc';
let cluster: ProcessCluster;
let token: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  ensureBuilt();
  cluster = await ProcessCluster.start(3, ['--auth-secret', SECRET]);
  token = await mintToken(SECRET, { docId: DOC, scope: 'write' });
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await cluster?.stop();
  removeTempDirs();
});

async function join(node: number): Promise<{ client: TestClient; sessionId: number }> {
  const client = await TestClient.join(cluster.url(node), DOC, token, encodeStateVector(new Doc()));
  clients.push(client);
  return { client, sessionId: (await client.next('welcome')).sessionId };
}

/** The presence a client knows now: every presence-update it received, folded in order. */
function presenceOf(c: TestClient): Map<number, PresenceState> {
  const map = new Map<number, PresenceState>();
  for (const m of c.all('presence-update'))
    for (const e of m.entries) {
      if (e.state === null) map.delete(e.sessionId);
      else map.set(e.sessionId, e.state);
    }
  return map;
}

/** Wait (at most `ms`) until the client's presence of `sessionId` satisfies `pred`. */
async function untilPresence(
  c: TestClient,
  sessionId: number,
  pred: (s: PresenceState | undefined) => boolean,
  ms = 5000,
): Promise<void> {
  await waitFor(`presence of session ${sessionId} to match`, () => pred(presenceOf(c).get(sessionId)), {
    timeoutMs: ms,
    intervalMs: 10,
  }).catch((error: unknown) => {
    throw new Error(
      `presence of ${sessionId}: ${JSON.stringify(presenceOf(c).get(sessionId))}\n${String(error)}`,
    );
  });
}

const state = (name: string, anchor: number): PresenceState => ({
  name,
  color: '#3366ff',
  cursor: { anchor, head: anchor },
  data: null,
});

describe('presence across a 3-node relay cluster', () => {
  it('is relayed between nodes, and expires on leave and on kill -9 of the peer node', async () => {
    const a = await join(1);
    const b = await join(2);
    // session ids carry the node id in their low 16 bits: never equal across nodes
    expect(a.sessionId % 2 ** 16).toBe(1);
    expect(b.sessionId % 2 ** 16).toBe(2);

    b.client.send({ type: 'presence', state: state('Bea', 1) });
    await untilPresence(a.client, b.sessionId, (s) => s?.name === 'Bea');
    b.client.send({ type: 'presence', state: state('Bea', 7) });
    await untilPresence(a.client, b.sessionId, (s) => JSON.stringify(s?.cursor) === '{"anchor":7,"head":7}');
    // and the other way round: node 2 sees node 1's client
    a.client.send({ type: 'presence', state: state('Ann', 0) });
    await untilPresence(b.client, a.sessionId, (s) => s?.name === 'Ann');

    // a client joining node 3 later gets both at once (from the join's presence-update)
    const c = await join(3);
    await untilPresence(c.client, b.sessionId, (s) => s?.name === 'Bea' && s.cursor !== null);
    await untilPresence(c.client, a.sessionId, (s) => s?.name === 'Ann');
    expect(presenceOf(c.client).has(c.sessionId)).toBe(false);

    // clearing, then leaving (socket closed)
    b.client.send({ type: 'presence', state: null });
    await untilPresence(a.client, b.sessionId, (s) => s === undefined);
    b.client.send({ type: 'presence', state: state('Bea', 2) });
    await untilPresence(a.client, b.sessionId, (s) => s?.name === 'Bea');
    await b.client.close();
    await untilPresence(a.client, b.sessionId, (s) => s === undefined);
    await untilPresence(c.client, b.sessionId, (s) => s === undefined);

    // kill -9 of node 2: its clients' presence disappears everywhere else
    const b2 = await join(2);
    b2.client.send({ type: 'presence', state: state('Bob', 3) });
    await untilPresence(a.client, b2.sessionId, (s) => s?.name === 'Bob');
    await untilPresence(c.client, b2.sessionId, (s) => s?.name === 'Bob');
    await cluster.kill(2);
    await untilPresence(a.client, b2.sessionId, (s) => s === undefined);
    await untilPresence(c.client, b2.sessionId, (s) => s === undefined);
    expect(presenceOf(a.client).get(c.sessionId)).toBeUndefined(); // c never set any
    expect(presenceOf(c.client).get(a.sessionId)?.name).toBe('Ann'); // node 1's is untouched

    // node 2 restarts: a new client there is seen again, and sees node 1's client
    await cluster.startNode(2);
    const b3 = await join(2);
    await untilPresence(b3.client, a.sessionId, (s) => s?.name === 'Ann', 10_000);
    b3.client.send({ type: 'presence', state: state('Bo', 4) });
    await untilPresence(a.client, b3.sessionId, (s) => s?.name === 'Bo', 10_000);
  }, 60_000);

  it('expires a frozen node’s presence after the TTL, and keeps live presence alive past it', async () => {
    const ttl = 1500;
    const frozen = await ProcessCluster.start(3, ['--auth-secret', SECRET, '--presence-ttl', String(ttl)]);
    const pingers: ReturnType<typeof setInterval>[] = [];
    try {
      const joinOn = async (node: number) => {
        const client = await TestClient.join(frozen.url(node), DOC, token, encodeStateVector(new Doc()));
        clients.push(client);
        let nonce = 1;
        pingers.push(setInterval(() => client.send({ type: 'ping', nonce: nonce++ }), 200));
        return { client, sessionId: (await client.next('welcome')).sessionId };
      };
      const a = await joinOn(1);
      const b = await joinOn(2);
      const c = await joinOn(3);
      b.client.send({ type: 'presence', state: state('Bea', 1) });
      await untilPresence(a.client, b.sessionId, (s) => s?.name === 'Bea');
      c.client.send({ type: 'presence', state: state('Cy', 1) });
      await untilPresence(a.client, c.sessionId, (s) => s?.name === 'Cy');
      // Node 3 freezes: node 1 drops Cy's presence at a sweep more than a TTL after node 3's last
      // report. Node 1 heard of Bea before Cy, so that same sweep would drop Bea too had node 2
      // not re-reported it since: no sleep, the expiry of the frozen node is the clock.
      frozen.signal(3, 'SIGSTOP');
      const t0 = Date.now();
      await untilPresence(a.client, c.sessionId, (s) => s === undefined, 3 * ttl);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(ttl / 2);
      expect(presenceOf(a.client).get(b.sessionId)?.name).toBe('Bea');
      frozen.signal(3, 'SIGCONT');
      // And the other way round: node 2 freezes, its session's presence expires on node 1.
      frozen.signal(2, 'SIGSTOP');
      const t1 = Date.now();
      await untilPresence(a.client, b.sessionId, (s) => s === undefined, 3 * ttl);
      expect(Date.now() - t1).toBeGreaterThanOrEqual(ttl / 2);
      frozen.signal(2, 'SIGCONT');
      b.client.send({ type: 'presence', state: state('Bea', 2) });
      await untilPresence(a.client, b.sessionId, (s) => s?.name === 'Bea', 5000);
    } finally {
      for (const p of pingers) clearInterval(p);
      frozen.signal(2, 'SIGCONT');
      frozen.signal(3, 'SIGCONT');
      await frozen.stop();
    }
  }, 60_000);
});
