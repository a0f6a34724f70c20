/**
 * 2 full nodes + 1 witness (`--witness 3` given to every node), as real processes on loopback:
 * the witness is never leader and refuses clients; with one full node down writes are
 * acknowledged with W = 2 (the witness counts); kill -9 of either full node loses nothing
 * acknowledged, and a full node restarted after missing updates that only the witness and the
 * dead node held gets them from the witness; once both full nodes hold everything, the witness
 * holds (near) nothing.
 */
import { CloseCode } from '@accord/core/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { WITNESS_REFUSAL } from '../../src/node.js';
import { waitFor } from '../../src/testing/index.js';
import { DocClient } from '../support/doc-client.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const SECRET = 'witness-test-secret-0123456789';
const WITNESS = 3;
let cluster: ProcessCluster | null = null;
afterAll(async () => {
  await cluster?.stop();
  removeTempDirs();
});

/** `count` edits by `client`, each setting a key `${prefix}-i`, all acknowledged. */
async function writeKeys(client: DocClient, prefix: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${prefix}-${i}`;
    client.edit((doc) => doc.getMap('m').set(key, i));
    keys.push(key);
  }
  await client.settled(15_000);
  return keys;
}

/** Wait until every running node of `c` names `leader`. */
async function leaderIs(c: ProcessCluster, leader: number): Promise<void> {
  await waitFor(
    `every running node to follow node ${leader}`,
    async () => {
      const hs = await Promise.all([...c.procs.keys()].map((id) => c.health(id)));
      return hs.every((h) => h.cluster.leaderId === leader);
    },
    { timeoutMs: 15_000, intervalMs: 20 },
  ).catch((e: unknown) => {
    for (const [id, p] of c.procs)
      console.log(
        id,
        p.logs
          .filter((l) => /election|cluster|leader/.test(l))
          .slice(-25)
          .join('\n'),
      );
    throw e;
  });
}

async function missingOn(url: string, token: string, keys: readonly string[]): Promise<string[]> {
  return (await joinOn(url, token, keys)).missing;
}

/** Join on `url`: whether the node read its quorum, and which of `keys` the state lacked. */
async function joinOn(
  url: string,
  token: string,
  keys: readonly string[],
): Promise<{ readQuorum: boolean | undefined; missing: string[] }> {
  const reader = new DocClient('w-doc', token);
  await reader.connect(url);
  const m = reader.doc.getMap('m');
  const missing = keys.filter((k) => m.get(k) === undefined);
  const readQuorum = reader.welcome?.readQuorum;
  reader.client?.ws.terminate();
  return { readQuorum, missing };
}

describe('2 full nodes + 1 witness, real processes', () => {
  it('witness: never leads, refuses clients, counts toward W, hands over what only it held, then holds nothing', async () => {
    ensureBuilt();
    // Snapshots every 10 updates: a witness must not fold what it holds into one (its hand-over
    // would miss it).
    cluster = await ProcessCluster.start(3, [
      '--auth-secret',
      SECRET,
      '--witness',
      String(WITNESS),
      '--snapshot-every',
      '10',
    ]);
    const c = cluster;
    const token = await mintToken(SECRET, { docId: 'w-doc', scope: 'write' });

    const first = await c.agreedLeader();
    expect(first).not.toBe(WITNESS);
    const wh = await c.health(WITNESS);
    expect(wh.ok).toBe(true);
    expect(wh.witness).toBe(true);

    // A client connecting to the witness is refused with a named, retryable close code.
    const refused = await TestClient.connect(c.url(WITNESS));
    expect(await refused.closed).toBe(CloseCode.goingAway);
    expect(WITNESS_REFUSAL).toMatch(/witness/);

    // Kill the leader: the other full node leads (the witness votes for it, never for itself).
    const other = first === 1 ? 2 : 1;
    await c.kill(first);
    await leaderIs(c, other);

    // One full node down: writes are acknowledged by the survivor + the witness (W = 2).
    const writer = new DocClient('w-doc', token);
    await writer.connect(c.url(other));
    const onlyWithWitness = await writeKeys(writer, 'a', 60);
    const held = await c.health(WITNESS);
    expect(held.replication?.heldUpdates ?? 0).toBeGreaterThan(0);
    writer.client?.ws.terminate();

    // kill -9 the full node that took the writes; restart the one that missed them. Only the
    // witness (and the dead node) hold them: the restarted node must get them from the witness.
    await c.kill(other);
    await c.startNode(first);
    await leaderIs(c, first);
    // Its first join already reads its quorum (N - W + 1 = 2 nodes) through the witness, which
    // answers with what it holds: every acknowledged update is in it, nothing waits for the
    // witness's hand-over.
    expect(await joinOn(c.url(first), token, onlyWithWitness)).toEqual({ readQuorum: true, missing: [] });

    // Writes go on with the other full node down (the witness counts again).
    const writer2 = new DocClient('w-doc', token);
    await writer2.connect(c.url(first));
    const more = await writeKeys(writer2, 'b', 30);
    writer2.client?.ws.terminate();

    // Both full nodes back: each holds everything, and the witness drops what it held.
    await c.startNode(other);
    await waitFor(
      'the witness to drop what both full nodes hold',
      async () => (await c.health(WITNESS)).replication?.heldUpdates === 0,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect((await c.health(WITNESS)).replication?.heldBytes).toBe(0);
    expect(await missingOn(c.url(other), token, [...onlyWithWitness, ...more])).toEqual([]);
    expect(await missingOn(c.url(first), token, [...onlyWithWitness, ...more])).toEqual([]);
    // Through all of it the witness never led.
    expect(await c.agreedLeader()).not.toBe(WITNESS);
  }, 90_000);
});
