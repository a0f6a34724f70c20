/**
 * Leader snapshots are triggered by update count (`--snapshot-every`) and by idleness
 * (`--snapshot-idle`), in a real 3-process cluster: the snapshot number clients see advances after
 * edits, including a few edits followed by a pause, and is the same (term, seq) on every node.
 */
import { Doc, encodeStateVector } from '@accord/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { waitFor } from '../../src/testing/index.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const SECRET = 'snapshot-trigger-secret-0123456789';
const DOC = 'snap-doc';
let cluster: ProcessCluster;
const clients: TestClient[] = [];

beforeAll(async () => {
  ensureBuilt();
  cluster = await ProcessCluster.start(3, [
    '--auth-secret',
    SECRET,
    '--snapshot-every',
    '10',
    '--snapshot-idle',
    '300',
  ]);
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await cluster?.stop();
  removeTempDirs();
});

/** The (term, seq) of the latest `cluster` message a client got. */
function snapshotOf(c: TestClient): string {
  const m = c.all('cluster').at(-1);
  return m === undefined ? 'none' : `${m.snapshotTerm}.${m.snapshotSeq}`;
}

describe('leader snapshot triggers', () => {
  it('advance the snapshot number after edits (count and idle), the same on every node', async () => {
    const token = await mintToken(SECRET, { docId: DOC, scope: 'write' });
    const empty = encodeStateVector(new Doc());
    for (const id of [1, 2, 3]) clients.push(await TestClient.join(cluster.url(id), DOC, token, empty));
    const [c1, c2, c3] = clients as [TestClient, TestClient, TestClient];
    await waitFor(
      'a leader every node agrees on',
      () => {
        const leaders = clients.map((c) => c.all('cluster').at(-1)?.leaderId ?? null);
        return leaders[0] !== null && leaders.every((l) => l === leaders[0]);
      },
      { timeoutMs: 8000, intervalMs: 20 },
    );
    expect(snapshotOf(c1)).toBe('0.0');

    const doc = new Doc();
    const acks: Promise<unknown>[] = [];
    doc.on('update', (u: Uint8Array) => acks.push(c2.ack(c2.update(u))));
    const type = (n: number) => {
      for (let i = 0; i < n; i++) doc.getText('t').insert(0, String(i % 10));
    };

    // 3 edits (fewer than --snapshot-every), then quiet: the idle trigger numbers a snapshot.
    type(3);
    await Promise.all(acks);
    await waitFor('snapshot 1 on every node', () => clients.every((c) => snapshotOf(c) !== '0.0'), {
      timeoutMs: 8000,
      intervalMs: 20,
    });
    const first = c1.all('cluster').at(-1)!;
    expect(first.snapshotSeq).toBeGreaterThanOrEqual(1);
    await waitFor(
      'the same first snapshot everywhere',
      () => clients.every((c) => snapshotOf(c) === snapshotOf(c1)),
      { timeoutMs: 8000, intervalMs: 20 },
    );

    // 25 more edits: the count trigger (every 10) and then the idle trigger move it on.
    type(25);
    await Promise.all(acks);
    await waitFor(
      'a later snapshot on every node',
      () =>
        clients.every((c) => {
          const m = c.all('cluster').at(-1)!;
          return m.snapshotTerm === first.snapshotTerm
            ? m.snapshotSeq >= first.snapshotSeq + 2
            : m.snapshotTerm > first.snapshotTerm;
        }),
      { timeoutMs: 8000, intervalMs: 20 },
    );
    await waitFor(
      'the same latest snapshot everywhere',
      () => clients.every((c) => snapshotOf(c) === snapshotOf(c1)),
      { timeoutMs: 8000, intervalMs: 20 },
    );
    // Numbers only ever grow, as every client saw them.
    for (const c of [c1, c2, c3]) {
      const seen = c.all('cluster').map((m) => [m.snapshotTerm, m.snapshotSeq] as const);
      for (let i = 1; i < seen.length; i++) {
        const [t0, s0] = seen[i - 1]!;
        const [t1, s1] = seen[i]!;
        expect(t1 > t0 || (t1 === t0 && s1 >= s0)).toBe(true);
      }
    }
  }, 60_000);
});
