/**
 * Over a real peer link: a forwarded write that arrives twice (a re-forward after a lost ack) and
 * a causal fill repeating it are stored and acknowledged to the peer each time, but relayed to the
 * room's clients once. Node 2 is a real node with a real client; node 1 is played by the test
 * with the cluster's own `PeerLinks` (it answers node 2's reads and sends the frames).
 */
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import type { ServerMessage } from '@accord/core/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { waitFor } from '../../src/testing/index.js';
import { received } from '../support/core-relay.js';
import { SECRET, urlOf } from '../support/in-process.js';
import { startWithPlayedPeer } from '../support/played-peer.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  removeTempDirs();
});

describe('a forward and a fill repeating what the room holds', () => {
  it('are acknowledged to the peer each time and relayed to the clients once', async () => {
    // Node 1, played here: answers node 2's reads (it holds nothing) and records the rest.
    const { node, fake, fromNode2, stop } = await startWithPlayedPeer();
    stops.push(stop);
    const empty = new Doc();

    const token = await mintToken(SECRET, { docId: 'd', scope: 'write' });
    const watcher = await TestClient.join(urlOf(node), 'd', token, encodeStateVector(empty));
    stops.push(async () => watcher.ws.terminate());
    const duplicates = async () =>
      (await node.metrics.duplicateUpdates.get()).values.find((v) => v.labels.source === 'peer')?.value ?? 0;
    const duplicatesBefore = await duplicates(); // the join's read may have brought nothing new

    const author = new Doc({ clientId: 77 });
    author.getText('t').insert(0, 'forwarded once');
    const first = encodeStateAsUpdate(author);
    const send = (m: ClusterMessage) => expect(fake.send(2, m)).toBe(true);
    send({ type: 'replicate', docId: 'd', updateId: 7, update: first });
    send({ type: 'replicate', docId: 'd', updateId: 7, update: first }); // re-forwarded
    send({
      type: 'causal-fill',
      docId: 'd',
      update: encodeStateAsUpdate(author),
      frontier: [],
      untracked: [],
    });
    const before = encodeStateVector(author);
    author.getText('t').insert(0, '> ');
    const next = encodeStateAsUpdate(author, before);
    send({ type: 'replicate', docId: 'd', updateId: 8, update: next });

    await received(watcher, next);
    const relayed = watcher.messages.filter(
      (m): m is Extract<ServerMessage, { type: 'update' }> => m.type === 'update',
    );
    expect(relayed.map((m) => m.update)).toEqual([first, next]);
    // Both copies of write 7 were stored and acknowledged (acks of one window may come together).
    const acked = (id: number) =>
      fromNode2.flatMap((m) =>
        m.type === 'replicate-acks'
          ? m.acks.filter((a) => a.updateId === id)
          : m.type === 'replicate-ack' && m.updateId === id
            ? [m]
            : [],
      ).length;
    await waitFor('acks of 7 and 8', () => acked(7) === 2 && acked(8) === 1, {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    expect((await duplicates()) - duplicatesBefore).toBe(2);
  }, 20_000);
});
