import { describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { decodeClusterMessage } from '../../src/cluster/peer-codec.js';
import { resolveWitnessQuorum } from '../../src/cluster/witness-quorum.js';
import { WriteReplication } from '../../src/cluster/write-replication.js';
import type { NodeId } from '../../src/election/types.js';
import type { ReplicaHost } from '../../src/relay/replicator.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

/** A node 1 of three whose stores resolve when the test says so, recording what it sends. */
function node() {
  const sent: { to: NodeId; m: ClusterMessage }[] = [];
  const frames: { to: NodeId; m: ClusterMessage; raw: Buffer }[] = [];
  const durable: (() => void)[] = [];
  const host = {
    ingest: () => new Promise<void>((resolve) => durable.push(resolve)),
    persist: () => new Promise<number>(() => {}),
    logger: { warn: () => {} },
  } as unknown as ReplicaHost;
  const writes = new WriteReplication({
    nodeId: 1,
    peers: [2, 3],
    fullPeers: [2, 3],
    witnesses: new Set(),
    keepsData: true,
    quorum: resolveWitnessQuorum(3, 0),
    host,
    scheduler: new ManualScheduler(),
    timeoutMs: 5000,
    send: (to, m) => sent.push({ to, m }),
    sendFrame: (to, raw) => frames.push({ to, m: decodeClusterMessage(raw.subarray(4)), raw }),
    isUp: () => true,
    sendLarge: (to, m) => sent.push({ to, m }),
    catchUp: () => null,
    noteUpdate: () => {},
  });
  return { writes, sent, frames, durable };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const forward = (updateId: number, docId = 'doc') =>
  ({ type: 'replicate', docId, updateId, update: new Uint8Array([updateId]) }) as const;

describe('acknowledging forwarded writes', () => {
  it('acks of writes stored together leave as one message per peer, each ack as it was', async () => {
    const n = node();
    n.writes.onReplicate(2, forward(7));
    n.writes.onReplicate(2, forward(8, 'other'));
    n.writes.onReplicate(3, forward(9));
    await settle();
    expect(n.sent).toEqual([]); // nothing durable yet: no ack
    for (const d of n.durable.splice(0)) d();
    await settle();
    expect(n.sent).toEqual([
      {
        to: 2,
        m: {
          type: 'replicate-acks',
          acks: [
            { docId: 'doc', updateId: 7 },
            { docId: 'other', updateId: 8 },
          ],
        },
      },
      { to: 3, m: { type: 'replicate-ack', docId: 'doc', updateId: 9 } },
    ]);
  });

  it('a write stored later is acknowledged on its own, once', async () => {
    const n = node();
    n.writes.onReplicate(2, forward(1));
    n.writes.onReplicate(2, forward(2));
    await settle();
    n.durable[0]?.();
    await settle();
    n.durable[1]?.();
    await settle();
    expect(n.sent.map((s) => s.m)).toEqual([
      { type: 'replicate-ack', docId: 'doc', updateId: 1 },
      { type: 'replicate-ack', docId: 'doc', updateId: 2 },
    ]);
  });

  it('a client write goes to both peers as one encoding of the same forward', () => {
    const n = node();
    void n.writes.replicate('doc', new Uint8Array([5])).catch(() => {});
    expect(n.frames.map((f) => f.to)).toEqual([2, 3]);
    const [a, b] = n.frames;
    expect(a?.raw).toBe(b?.raw);
    expect(a?.m).toMatchObject({ type: 'replicate', docId: 'doc', updateId: 1 });
    expect(a?.m.type === 'replicate' && [...a.m.update]).toEqual([5]);
    n.writes.stop();
  });
});
