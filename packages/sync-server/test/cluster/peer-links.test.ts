/**
 * PeerLinks over real TCP: the handshake admits only holders of the cluster secret, nothing is
 * read before it, authenticated records cannot be forged, replayed or cut, and an honest link
 * keeps working through every refusal. Handshake deadlines are tested in virtual time.
 */
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lengthPrefixed } from '../../src/cluster/frame-reader.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { deriveClusterKey, RecordSealer } from '../../src/cluster/peer-auth.js';
import { dialPeer } from '../../src/cluster/peer-dialer.js';
import { DialerHandshake, encodeHandshake } from '../../src/cluster/peer-handshake.js';
import { type PeerLinkFault, PeerLinks, type PeerLinksOptions } from '../../src/cluster/peer-links.js';
import { waitFor } from '../../src/testing/index.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { CLUSTER_SECRET } from '../support/in-process.js';
import { closed, dialAs as dialAsPeer, frameOf, rawSocket } from '../support/peer-client.js';

const KEY = deriveClusterKey(CLUSTER_SECRET);
const open: (PeerLinks | Socket)[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) {
    if (x instanceof PeerLinks) await x.stop();
    else x.destroy();
  }
});

/** Node 2 listening (it never reaches node 1: it only listens here), with what it received and refused. */
async function listener(extra: Partial<PeerLinksOptions> = {}) {
  const got: { from: number; m: ClusterMessage }[] = [];
  const faults: PeerLinkFault[] = [];
  const authenticated: number[] = [];
  const b = new PeerLinks({
    nodeId: 2,
    listenHost: '127.0.0.1',
    listenPort: 0,
    peers: [{ id: 1, host: '127.0.0.1', port: 1 }],
    clusterKey: KEY,
    onMessage: (from, m) => got.push({ from, m }),
    onFault: (f) => faults.push(f),
    onInboundAuthenticated: (p) => authenticated.push(p),
    ...extra,
  });
  await b.start();
  open.push(b);
  return { b, got, faults, authenticated };
}

async function pair() {
  const l = await listener();
  const connected: number[] = [];
  const a = new PeerLinks({
    nodeId: 1,
    listenHost: '127.0.0.1',
    listenPort: 0,
    peers: [{ id: 2, host: '127.0.0.1', port: l.b.port }],
    clusterKey: KEY,
    onMessage: () => {},
    onConnected: (p) => connected.push(p),
  });
  await a.start();
  open.push(a);
  await waitFor('node 1 to connect to node 2', () => connected.includes(2), {
    timeoutMs: 3000,
    intervalMs: 5,
  });
  return { a, ...l, connected };
}

const track = (s: Socket) => open.push(s);
const raw = (port: number) => rawSocket(port, track);
const dialAs = (port: number, self: number, secret = CLUSTER_SECRET, peer = 2) =>
  dialAsPeer(port, self, secret, peer, track);

describe('PeerLinks over real TCP', () => {
  it('delivers messages in order after the handshake, in records of many frames', async () => {
    const { a, got, authenticated } = await pair();
    expect(a.connected()).toEqual([2]);
    // The listener learns that node 1 can reach it again (its host re-forwards unacked writes then).
    await waitFor('node 2 to authenticate node 1', () => authenticated.includes(1), {
      timeoutMs: 3000,
      intervalMs: 5,
    });
    for (let term = 1; term <= 50; term++) a.send(2, { type: 'heartbeat', term, successors: [2] });
    a.send(2, { type: 'replicate', docId: 'd', updateId: 9, update: new Uint8Array(100_000).fill(7) });
    await waitFor('51 messages to arrive', () => got.length === 51, { timeoutMs: 3000, intervalMs: 5 });
    expect(got.slice(0, 50).map((g) => (g.m.type === 'heartbeat' ? g.m.term : 0))).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(got[50]).toMatchObject({ from: 1, m: { type: 'replicate', updateId: 9 } });
    expect(a.send(99, { type: 'heartbeat-ack', term: 1 })).toBe(false);
  });

  it('refuses every connection that cannot prove the secret, and reads nothing from it', async () => {
    const { a, b, got, faults } = await pair();
    // No handshake at all: a cluster message straight away.
    const noHello = await raw(b.port);
    noHello.write(frameOf({ type: 'replicate', docId: 'd', updateId: 1, update: new Uint8Array(3) }));
    // A known node id without the secret: it cannot check the listener's proof, so it sends any proof.
    const knownId = await raw(b.port);
    knownId.write(lengthPrefixed(encodeHandshake(new DialerHandshake(KEY, 1, 2).hello())));
    await once(knownId, 'data');
    knownId.write(lengthPrefixed(encodeHandshake({ type: 'proof', proof: new Uint8Array(32).fill(9) })));
    // A dialer with the wrong secret gives up itself: the listener's proof does not verify.
    const wrongSecret = await dialAs(b.port, 1, 'not-the-cluster-secret-at-all');
    // An unknown node id, the wrong listener id.
    const stranger = await dialAs(b.port, 77);
    const wrongNode = await dialAs(b.port, 1, CLUSTER_SECRET, 3);
    // Garbage and an oversized length before authenticating.
    const garbage = await raw(b.port);
    garbage.write(Buffer.from([0, 0, 0, 3, 1, 250, 3]));
    const huge = await raw(b.port);
    huge.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await Promise.all([noHello, knownId, garbage, huge].map(closed));
    expect(wrongSecret).toEqual({ failed: 'bad-proof' });
    expect(stranger).toEqual({ failed: 'refused' });
    expect(wrongNode).toEqual({ failed: 'refused' });
    await waitFor('six refused handshakes reported', () => faults.length >= 6, {
      timeoutMs: 3000,
      intervalMs: 5,
    });
    // The handshake's first byte is its version: a cluster message sent in its place (whose
    // first byte is the peer protocol's version, 3) and the garbage frame (1) name another one.
    expect(faults.map((f) => f.reason).sort()).toEqual(
      ['bad-proof', 'bad-version', 'bad-version', 'malformed', 'unknown-node', 'wrong-node'].sort(),
    );
    expect(faults.every((f) => f.direction === 'inbound' && f.address.startsWith('127.0.0.1:'))).toBe(true);
    expect(got).toEqual([]);
    // The honest link is untouched.
    a.send(2, { type: 'alive', term: 3 });
    await waitFor('the alive on the honest link', () => got.length === 1, { timeoutMs: 3000, intervalMs: 5 });
    expect(got[0]).toEqual({ from: 1, m: { type: 'alive', term: 3 } });
  });

  it('refuses a replayed handshake: the listener nonce is new on every connection', async () => {
    const { b, faults } = await listener();
    // Record an honest dialer's hello and proof against a first connection...
    const first = await raw(b.port);
    const hs = new DialerHandshake(KEY, 1, 2);
    const hello = lengthPrefixed(encodeHandshake(hs.hello()));
    first.write(hello);
    const [challenge] = (await once(first, 'data')) as [Buffer];
    const step = hs.receive(challenge.subarray(4));
    if (step.kind !== 'send') throw new Error(`expected a proof to send, got ${step.kind}`);
    const proof = lengthPrefixed(encodeHandshake(step.message));
    first.destroy();
    // ...and replay both on a second one, as an eavesdropper without the secret would.
    const replay = await raw(b.port);
    replay.write(hello);
    await once(replay, 'data');
    replay.write(proof);
    await closed(replay);
    await waitFor('a bad-proof fault for the replay', () => faults.some((f) => f.reason === 'bad-proof'), {
      timeoutMs: 3000,
      intervalMs: 5,
    });
  });

  it('a dialer refuses a listener that cannot prove the secret (an impostor on the address)', async () => {
    const impostor = new PeerLinks({
      nodeId: 2,
      listenHost: '127.0.0.1',
      listenPort: 0,
      peers: [{ id: 1, host: '127.0.0.1', port: 1 }],
      clusterKey: deriveClusterKey('an-impostor-guessing-wrong'),
      onMessage: () => {},
    });
    await impostor.start();
    open.push(impostor);
    expect(await dialAs(impostor.port, 1)).toEqual({ failed: 'bad-proof' });
  });

  it('closes an authenticated link on a forged, replayed or reordered record', async () => {
    const { got, faults, b } = await listener();
    for (const attack of ['forged', 'replayed', 'reordered'] as const) {
      const link = await dialAs(b.port, 1);
      if (!('writer' in link)) throw new Error(`handshake failed: ${link.failed}`);
      const before = got.length;
      link.writer.write(frameOf({ type: 'alive', term: 1 }));
      await waitFor('the alive on the fresh link', () => got.length === before + 1, {
        timeoutMs: 3000,
        intervalMs: 5,
      });
      // Build records by hand with a sealer that does not know the session key, or re-send one.
      const sealed = new RecordSealer(Buffer.alloc(32, 1)).seal([frameOf({ type: 'alive', term: 2 })]);
      if (attack === 'forged') link.socket.write(Buffer.concat(sealed));
      else {
        // The writer's sealer is at seq 1: capture the next record it writes and misuse it.
        const writes: Buffer[] = [];
        const orig = link.socket.write.bind(link.socket);
        link.socket.write = ((chunk: Buffer) => {
          writes.push(Buffer.from(chunk));
          return true;
        }) as typeof link.socket.write;
        link.writer.write(frameOf({ type: 'alive', term: 2 }));
        link.writer.write(frameOf({ type: 'alive', term: 3 }));
        link.socket.write = orig;
        // One write per record (the sealer returns each record as one buffer).
        expect(writes).toHaveLength(2);
        const [r2, r3] = [Buffer.concat(writes.slice(0, 1)), Buffer.concat(writes.slice(1, 2))];
        if (attack === 'replayed') link.socket.write(Buffer.concat([r2, r2]));
        else link.socket.write(Buffer.concat([r3, r2]));
      }
      await closed(link.socket);
    }
    const terms = got.map((g) => (g.m.type === 'alive' ? g.m.term : 0));
    // Each link delivered its honest first record; a replay delivered its original once, then closed.
    expect(terms).toEqual([1, 1, 2, 1]);
    expect(faults.filter((f) => f.reason === 'bad-record')).toHaveLength(3);
  });

  it('caps unauthenticated sockets per address and in total, and times out silent ones', async () => {
    // The handshake deadline runs on virtual time; the test waits only for socket I/O.
    const clock = new ManualScheduler();
    const { b, faults } = await listener({
      maxUnauthenticated: 5,
      maxUnauthenticatedPerAddress: 3,
      handshakeTimeoutMs: 2000,
      scheduler: clock,
    });
    const silent = await Promise.all([1, 2, 3, 4].map(() => raw(b.port)));
    await waitFor(
      'a too-many-unauthenticated fault',
      () => faults.some((f) => f.reason === 'too-many-unauthenticated'),
      { timeoutMs: 3000, intervalMs: 5 },
    );
    const from2 = connect({ host: '127.0.0.1', port: b.port, localAddress: '127.0.0.2' });
    from2.on('error', () => {});
    open.push(from2);
    await once(from2, 'connect');
    // Admitted: three silent sockets from 127.0.0.1 and the one from 127.0.0.2, each with its
    // deadline; plus node 2's one timer towards node 1 (a dial's deadline or its redial backoff).
    await waitFor('4 handshake deadlines', () => clock.pending === 5, { timeoutMs: 3000, intervalMs: 5 });
    const timeouts = () => faults.filter((f) => f.reason === 'timeout' && f.direction === 'inbound').length;
    clock.advance(1999);
    expect(timeouts()).toBe(0);
    clock.advance(1);
    expect(timeouts()).toBe(4);
    // Silent sockets are closed at the deadline, and the slots come back.
    await Promise.all([...silent, from2].map(closed));
    expect('writer' in (await dialAs(b.port, 1))).toBe(true);
  });

  it('reconnects after the peer restarts', async () => {
    const got: ClusterMessage[] = [];
    const mk = (port: number) =>
      new PeerLinks({
        nodeId: 2,
        listenHost: '127.0.0.1',
        listenPort: port,
        peers: [{ id: 1, host: '127.0.0.1', port: 1 }],
        clusterKey: KEY,
        onMessage: (_f, m) => got.push(m),
      });
    let b = mk(0);
    await b.start();
    const port = b.port;
    const connected: number[] = [];
    const a = new PeerLinks({
      nodeId: 1,
      listenHost: '127.0.0.1',
      listenPort: 0,
      peers: [{ id: 2, host: '127.0.0.1', port }],
      clusterKey: KEY,
      onMessage: () => {},
      onConnected: (p) => connected.push(p),
    });
    await a.start();
    open.push(a);
    await waitFor('the first connection', () => connected.length === 1, { timeoutMs: 3000, intervalMs: 5 });
    await b.stop();
    await waitFor('node 1 to see node 2 gone', () => a.connected().length === 0, {
      timeoutMs: 3000,
      intervalMs: 5,
    });
    b = mk(port);
    await b.start();
    open.push(b);
    await waitFor('the reconnection', () => connected.length === 2, { timeoutMs: 5000, intervalMs: 5 });
    a.send(2, { type: 'elect', term: 4 });
    await waitFor('the elect to arrive', () => got.length === 1, { timeoutMs: 3000, intervalMs: 5 });
  });
});

describe('dialPeer', () => {
  it('gives up on a peer that accepts the connection but never answers, at the handshake deadline', async () => {
    const clock = new ManualScheduler();
    const mute = createServer((s) => {
      s.on('error', () => {});
      open.push(s);
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    try {
      const failed: string[] = [];
      const s = dialPeer(
        {
          host: '127.0.0.1',
          port: (mute.address() as AddressInfo).port,
          self: 1,
          peer: 2,
          clusterKey: KEY,
          tls: null,
          handshakeTimeoutMs: 500,
          maxRecordPayload: 1 << 20,
          scheduler: clock,
        },
        { onAuthenticated: () => failed.push('authenticated'), onFailed: (reason) => failed.push(reason) },
      );
      track(s);
      await once(s, 'connect');
      clock.advance(499);
      expect(failed).toEqual([]);
      expect(s.destroyed).toBe(false);
      clock.advance(1);
      expect(failed).toEqual(['timeout']);
      expect(s.destroyed).toBe(true);
      expect(clock.pending).toBe(0);
    } finally {
      mute.close();
    }
  });
});
