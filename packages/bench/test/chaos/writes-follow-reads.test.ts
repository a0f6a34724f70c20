/**
 * Writes-follow-reads across nodes on real processes (issue 12): three relay nodes whose peer
 * links run through loopback proxies, the link between nodes 1 and 3 silently cut. A client of
 * node 1 writes `a` (acknowledged by nodes 1 and 2); a client of node 2 reads it and writes `b`.
 * Node 2 forwards `b` to node 3 at once, but `a` can reach node 3 only through node 2. Node 3
 * must not show `b` without `a`: it holds `b` until it has pulled from node 2 what `b` follows.
 * A client watching node 3 records every state it is shown, and none has `b` without `a`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterHarness } from '../../src/chaos/cluster-harness.js';
import { ClusterProviders, keysOf } from '../support/cluster-providers.js';
import { until } from '../support/run-node.js';

let c: ClusterProviders;
let h: ClusterHarness;

beforeAll(async () => {
  c = await ClusterProviders.start('accord-wfr-', 'wfr');
  h = c.cluster;
}, 150_000);

afterAll(async () => {
  await c?.close();
}, 30_000);

describe('writes-follow-reads across nodes on a 3-node cluster of real processes', {
  timeout: 90_000,
}, () => {
  it('a node never shows a write before the write its writer had read', async () => {
    await until('a leader', 15_000, () => h.majorityLeader());
    // Every node writes once while the cluster is whole.
    for (const id of [1, 2, 3]) {
      const j = await c.join(id);
      j.doc.getMap('m').set(`warm${id}`, 1);
      await j.provider.whenAcknowledged();
      j.provider.destroy();
    }
    const watch = await c.join(3);
    await until('node 3 shows the warm-up', 10_000, () => keysOf(watch.doc).length === 3);
    const shown: string[][] = [];
    watch.doc.on('update', () => shown.push(keysOf(watch.doc)));

    h.mesh.setLink(1, 3, 'blackhole');
    h.mesh.setLink(3, 1, 'blackhole');
    const reader = await c.join(2);
    const writer = await c.join(1);
    writer.doc.getMap('m').set('a', 1);
    await writer.provider.whenAcknowledged();
    await until('the client of node 2 reads a', 10_000, () => keysOf(reader.doc).includes('a'));
    reader.doc.getMap('m').set('b', 1);
    await reader.provider.whenAcknowledged();

    await until('node 3 shows b', 20_000, () => keysOf(watch.doc).includes('b'));
    expect(keysOf(watch.doc)).toEqual(['a', 'b', 'warm1', 'warm2', 'warm3']);
    const early = shown.filter((keys) => keys.includes('b') && !keys.includes('a'));
    expect(early).toEqual([]);
    expect(shown.length).toBeGreaterThan(0);
    h.mesh.heal();
  });
});
