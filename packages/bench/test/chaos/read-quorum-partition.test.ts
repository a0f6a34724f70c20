/**
 * N/W/R on real processes (issue 12, "read quorum made real"): three relay nodes whose peer links
 * run through loopback proxies, partitioned {1,2} | {3}. A client joining on the minority side is
 * told its state was not read from a quorum; one joining on the majority side is not. Writes
 * acknowledged with the default W = 2 (R + W > N) are on every join once the cluster heals; a
 * write acknowledged by the minority node alone (w = 1, R + W = N) is not seen by a join on the
 * majority side, which is the trade-off the write concern names.
 */
import type { WebsocketProvider } from '@accord/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterHarness } from '../../src/chaos/cluster-harness.js';
import { ClusterProviders, keysOf } from '../support/cluster-providers.js';
import { until } from '../support/run-node.js';

let c: ClusterProviders;
let h: ClusterHarness;

beforeAll(async () => {
  c = await ClusterProviders.start('accord-rq-', 'read-quorum');
  h = c.cluster;
}, 150_000);

afterAll(async () => {
  await c?.close();
}, 30_000);

async function acknowledged(provider: WebsocketProvider, ms: number): Promise<boolean> {
  return Promise.race([
    provider.whenAcknowledged().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
  ]);
}

describe('read quorum on a partitioned 3-node cluster of real processes', { timeout: 60_000 }, () => {
  it('minority joins are flagged; R + W > N makes every acknowledged write visible; w = 1 does not', async () => {
    await until('a leader', 15_000, () => h.majorityLeader());
    h.mesh.partition([[1, 2], [3]]);
    await until('the majority side keeps a leader', 15_000, async () => {
      const l = await h.majorityLeader();
      return l !== null && l.leader !== 3 ? l : null;
    });

    // W = 2 writes on the majority side are acknowledged.
    const writer = await c.join(1);
    expect(writer.provider.readQuorum).toBe(true);
    for (let i = 0; i < 5; i++) writer.doc.getMap('m').set(`w2-${i}`, i);
    expect(await acknowledged(writer.provider, 10_000)).toBe(true);

    // A join on the minority side: its node cannot read from a quorum, and says so.
    const minority = await c.join(3);
    expect(minority.provider.readQuorum).toBe(false);
    expect(keysOf(minority.doc).filter((k) => k.startsWith('w2-'))).toEqual([]);

    // The minority node acknowledges a w = 1 write on its own (R + W = N)...
    const solo = await c.join(3, { w: 1 });
    solo.doc.getMap('m').set('w1-minority', 1);
    expect(await acknowledged(solo.provider, 10_000)).toBe(true);
    // ... which a join on the majority side, with its read quorum, does not see.
    const majority = await c.join(2);
    expect(majority.provider.readQuorum).toBe(true);
    expect(keysOf(majority.doc)).toEqual(['w2-0', 'w2-1', 'w2-2', 'w2-3', 'w2-4']);

    // Healed: every join reads a quorum and sees every W = 2 write.
    for (const p of [writer, minority, solo, majority]) p.provider.destroy();
    h.mesh.heal();
    for (const id of [3, 1]) {
      const after = await until(`a quorum read on node ${id} after the heal`, 15_000, async () => {
        const j = await c.join(id);
        if (j.provider.readQuorum === true) return j;
        j.provider.destroy();
        return null;
      });
      for (let i = 0; i < 5; i++) expect(keysOf(after.doc)).toContain(`w2-${i}`);
      after.provider.destroy();
    }
  });
});
