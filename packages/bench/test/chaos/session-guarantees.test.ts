/**
 * Session guarantees across failover on real processes (issue 12): three relay nodes whose peer
 * links run through loopback proxies. A session that wrote through a node cut off from the rest
 * (`w: 1`, acknowledged by that node alone) is resumed with a fresh document on another node,
 * carrying only its session vector. While no node it can reach holds those writes, the node says
 * `behind` (and indeed lacks them); once one it can reach does, the node catches up before it
 * answers and says `covered`, and the fresh document holds every write the session had
 * acknowledged (read-your-writes) and everything it had read (monotonic reads).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterHarness } from '../../src/chaos/cluster-harness.js';
import { ClusterProviders, keysOf } from '../support/cluster-providers.js';
import { until } from '../support/run-node.js';

let c: ClusterProviders;
let h: ClusterHarness;

beforeAll(async () => {
  c = await ClusterProviders.start('accord-session-', 'session');
  h = c.cluster;
}, 150_000);

afterAll(async () => {
  await c?.close();
}, 30_000);

describe('session guarantees across failover on a 3-node cluster of real processes', {
  timeout: 90_000,
}, () => {
  it('a resumed session is served only by a node that caught up, or is told it is behind', async () => {
    await until('a leader', 15_000, () => h.majorityLeader());
    // Something everyone reads: written with the default W = 2 while the cluster is whole.
    const first = await c.join(1);
    first.doc.getMap('m').set('shared', 1);
    await first.provider.whenAcknowledged();
    first.provider.destroy();

    h.mesh.partition([[1, 2], [3]]);
    // The session reads 'shared' on node 3 and writes 'mine' there, acknowledged by node 3 alone.
    const solo = await c.join(3, { w: 1 });
    expect(keysOf(solo.doc)).toEqual(['shared']);
    solo.doc.getMap('m').set('mine', 1);
    await solo.provider.whenAcknowledged();
    const session = solo.provider.sessionVector();
    solo.provider.destroy();

    // Resumed on node 2 with a fresh document: no node it can reach holds 'mine'.
    const cut = await c.join(2, { session });
    expect(cut.provider.sessionStatus).toBe('behind');
    expect(keysOf(cut.doc)).toEqual(['shared']);
    // Without a session nothing is asked, and nothing is promised.
    const plain = await c.join(2);
    expect(plain.provider.sessionStatus).toBe('covered');
    for (const p of [cut, plain]) p.provider.destroy();

    // Node 1 can now reach node 3 (and catches up from it); node 2 still cannot. A resumed
    // join on node 2 says `covered` once node 1 holds the session's writes, and then holds them.
    h.mesh.setLink(1, 3, 'pass');
    h.mesh.setLink(3, 1, 'pass');
    const statuses: string[] = [];
    const served = await until('a resumed join on node 2 that covers the session', 30_000, async () => {
      const j = await c.join(2, { session });
      statuses.push(String(j.provider.sessionStatus));
      // Whatever it says, a node never claims to cover what it does not serve.
      if (j.provider.sessionStatus === 'covered') return j;
      expect(keysOf(j.doc)).not.toContain('mine');
      j.provider.destroy();
      return null;
    });
    expect(keysOf(served.doc)).toEqual(['mine', 'shared']);
    // The session carries on: it read and wrote on node 2, then moves to node 1.
    served.doc.getMap('m').set('later', 1);
    await served.provider.whenAcknowledged();
    const next = served.provider.sessionVector();
    served.provider.destroy();
    h.mesh.heal();
    const moved = await c.join(1, { session: next });
    expect(moved.provider.sessionStatus).toBe('covered');
    expect(keysOf(moved.doc)).toEqual(['later', 'mine', 'shared']);
    moved.provider.destroy();
    expect(statuses.at(-1)).toBe('covered');
  });
});
