/**
 * Over a real peer link: a document no node holds data of yet costs no causal pull. Node 2 is a
 * real node with real clients; node 1 is played by the test with the cluster's own `PeerLinks`
 * (it answers node 2's join reads, holding nothing of the new document and something of the
 * other, and records what node 2 sends); node 3 stays down.
 */
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { ReplicateMessage } from '../../src/cluster/messages.js';
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

/** What node 1 (played here) holds of each document: 'old' has a text, 'new' nothing. */
const held = new Map<string, Doc>();
const old = new Doc({ clientId: 55 });
old.getText('t').insert(0, 'held by node 1');
held.set('old', old);

describe("a new document's first forwards", () => {
  it('go without a pull flag and are taken in without a pull; a document read with data still asks for one', async () => {
    // Node 3 never comes up: with three nodes a join reads from one peer (R = 2), here node 1.
    // Only a join's read (catch-up asks with request id 0) gets node 1's data: the test is of what
    // such a read brings (catch-up marks what it brings by itself).
    const { node, fake, fromNode2, stop } = await startWithPlayedPeer({
      answer: (docId, reqId) => (reqId !== 0 ? held.get(docId) : undefined),
      ackWrites: true,
      downPeers: [3],
    });
    stops.push(stop);

    const join = async (docId: string) => {
      const token = await mintToken(SECRET, { docId, scope: 'write' });
      const c = await TestClient.join(urlOf(node), docId, token, encodeStateVector(new Doc()));
      stops.push(async () => c.ws.terminate());
      return c;
    };
    const forwardOf = (docId: string) =>
      fromNode2.find((m): m is ReplicateMessage => m.type === 'replicate' && m.docId === docId);

    // A client of node 2 writes to a document nobody has stored: forwarded as the first of an
    // epoch, asking node 1 for no pull.
    const client = await join('new');
    const author = new Doc({ clientId: 77 });
    author.getText('t').insert(0, 'first');
    client.update(encodeStateAsUpdate(author));
    await waitFor('the forward', () => forwardOf('new') !== undefined, { timeoutMs: 5000, intervalMs: 10 });
    expect(forwardOf('new')?.causal).toMatchObject({ seq: 1, pull: false, deps: [] });

    // Node 1's own first forward of it, in an epoch node 2 has not seen: taken in at once.
    const other = new Doc({ clientId: 88 });
    other.getText('u').insert(0, 'from node 1');
    const update = encodeStateAsUpdate(other);
    const stamp = { epoch: 4242, seq: 1, deps: [], pull: false };
    expect(fake.send(2, { type: 'replicate', docId: 'new', updateId: 9, update, causal: stamp })).toBe(true);
    await received(client, update);
    const acked = () =>
      fromNode2.some(
        (m) =>
          (m.type === 'replicate-acks' && m.acks.some((a) => a.docId === 'new' && a.updateId === 9)) ||
          (m.type === 'replicate-ack' && m.docId === 'new' && m.updateId === 9),
      );
    await waitFor('the ack of node 1 write', acked, { timeoutMs: 5000, intervalMs: 10 });
    expect(fromNode2.filter((m) => m.type === 'causal-pull')).toEqual([]);

    // A document whose join read brought data from node 1: that data is outside any frontier,
    // so node 2's next forward of it asks node 1 to pull first.
    const reader = await join('old'); // its join read took in node 1's text
    const writer = new Doc({ clientId: 99 });
    writer.getText('t').insert(0, 'after reading');
    reader.update(encodeStateAsUpdate(writer));
    await waitFor('the forward of old', () => forwardOf('old') !== undefined, {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    expect(forwardOf('old')?.causal).toMatchObject({ seq: 1, pull: true });
  }, 20_000);
});
