/**
 * Session guarantees across failover on real processes (issue 12): three relay nodes whose peer
 * links run through loopback proxies. A session that wrote through a node cut off from the rest
 * (`w: 1`, acknowledged by that node alone) is resumed with a fresh document on another node,
 * carrying only its session vector. While no node it can reach holds those writes, the node says
 * `behind` (and indeed lacks them); once one it can reach does, the node catches up before it
 * answers and says `covered`, and the fresh document holds every write the session had
 * acknowledged (read-your-writes) and everything it had read (monotonic reads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebsocketProvider } from '@accord/client';
import { Doc } from '@accord/core';
import type { WriteConcern } from '@accord/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClusterHarness } from '../../src/chaos/cluster-harness.js';
import { ensureBenchBuilt } from '../support/built.js';
import { until } from '../support/run-node.js';

const DOC = 'session';
let h: ClusterHarness;
let dir: string;
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
  const built = ensureBenchBuilt('chaos/cluster-harness.js');
  const harness = (await import(built)) as typeof import('../../src/chaos/cluster-harness.js');
  dir = mkdtempSync(join(tmpdir(), 'accord-session-'));
  h = await harness.ClusterHarness.start(3, dir);
}, 150_000);

afterAll(async () => {
  for (const p of providers) p.destroy();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** A provider on node `id` only, synced. */
async function join_(
  id: number,
  opts: { w?: WriteConcern; session?: Uint8Array } = {},
): Promise<{ doc: Doc; provider: WebsocketProvider }> {
  const doc = new Doc();
  const provider = new WebsocketProvider(doc, [h.url(id)], {
    docId: DOC,
    WebSocket: WebSocket as never,
    ...opts,
  });
  providers.push(provider);
  await until(`sync on node ${id}`, 10_000, () => provider.status === 'synced');
  return { doc, provider };
}

function keys(doc: Doc): string[] {
  return Object.keys(doc.getMap('m').toJSON() as object).sort();
}

describe('session guarantees across failover on a 3-node cluster of real processes', {
  timeout: 90_000,
}, () => {
  it('a resumed session is served only by a node that caught up, or is told it is behind', async () => {
    await until('a leader', 15_000, () => h.majorityLeader());
    // Something everyone reads: written with the default W = 2 while the cluster is whole.
    const first = await join_(1);
    first.doc.getMap('m').set('shared', 1);
    await first.provider.whenAcknowledged();
    first.provider.destroy();

    h.mesh.partition([[1, 2], [3]]);
    // The session reads 'shared' on node 3 and writes 'mine' there, acknowledged by node 3 alone.
    const solo = await join_(3, { w: 1 });
    expect(keys(solo.doc)).toEqual(['shared']);
    solo.doc.getMap('m').set('mine', 1);
    await solo.provider.whenAcknowledged();
    const session = solo.provider.sessionVector();
    solo.provider.destroy();

    // Resumed on node 2 with a fresh document: no node it can reach holds 'mine'.
    const cut = await join_(2, { session });
    expect(cut.provider.sessionStatus).toBe('behind');
    expect(keys(cut.doc)).toEqual(['shared']);
    // Without a session nothing is asked, and nothing is promised.
    const plain = await join_(2);
    expect(plain.provider.sessionStatus).toBe('covered');
    for (const p of [cut, plain]) p.provider.destroy();

    // Node 1 can now reach node 3 (and catches up from it); node 2 still cannot. A resumed
    // join on node 2 says `covered` once node 1 holds the session's writes, and then holds them.
    h.mesh.setLink(1, 3, 'pass');
    h.mesh.setLink(3, 1, 'pass');
    const statuses: string[] = [];
    const served = await until('a resumed join on node 2 that covers the session', 30_000, async () => {
      const j = await join_(2, { session });
      statuses.push(String(j.provider.sessionStatus));
      // Whatever it says, a node never claims to cover what it does not serve.
      if (j.provider.sessionStatus === 'covered') return j;
      expect(keys(j.doc)).not.toContain('mine');
      j.provider.destroy();
      return null;
    });
    expect(keys(served.doc)).toEqual(['mine', 'shared']);
    // The session carries on: it read and wrote on node 2, then moves to node 1.
    served.doc.getMap('m').set('later', 1);
    await served.provider.whenAcknowledged();
    const next = served.provider.sessionVector();
    served.provider.destroy();
    h.mesh.heal();
    const moved = await join_(1, { session: next });
    expect(moved.provider.sessionStatus).toBe('covered');
    expect(keys(moved.doc)).toEqual(['later', 'mine', 'shared']);
    moved.provider.destroy();
    expect(statuses.at(-1)).toBe('covered');
  });
});
