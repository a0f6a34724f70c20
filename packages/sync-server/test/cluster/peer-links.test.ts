import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeClusterMessage } from '../../src/cluster/codec.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { PeerLinks } from '../../src/cluster/peer-links.js';

const open: (PeerLinks | Socket)[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) {
    if (x instanceof PeerLinks) await x.stop();
    else x.destroy();
  }
});

function frame(bytes: Uint8Array): Buffer {
  const b = Buffer.alloc(4 + bytes.length);
  b.writeUInt32BE(bytes.length, 0);
  b.set(bytes, 4);
  return b;
}

async function pair() {
  const got: { from: number; m: ClusterMessage }[] = [];
  const connected: number[] = [];
  const b = new PeerLinks({
    nodeId: 2,
    listenHost: '127.0.0.1',
    listenPort: 0,
    peers: [{ id: 1, host: '127.0.0.1', port: 1 }], // b never reaches 1: it only listens here
    onMessage: (from, m) => got.push({ from, m }),
  });
  await b.start();
  const a = new PeerLinks({
    nodeId: 1,
    listenHost: '127.0.0.1',
    listenPort: 0,
    peers: [{ id: 2, host: '127.0.0.1', port: b.port }],
    onMessage: () => {},
    onConnected: (p) => connected.push(p),
  });
  await a.start();
  open.push(a, b);
  return { a, b, got, connected };
}

async function until(pred: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function raw(port: number): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  open.push(s);
  await once(s, 'connect');
  return s;
}

describe('PeerLinks over real TCP', () => {
  it('delivers framed messages in order after the hello, and reports the link', async () => {
    const { a, got, connected } = await pair();
    await until(() => connected.includes(2));
    expect(a.connected()).toEqual([2]);
    for (let term = 1; term <= 50; term++) a.send(2, { type: 'heartbeat', term, successors: [2] });
    a.send(2, { type: 'replicate', docId: 'd', updateId: 9, update: new Uint8Array(100_000).fill(7) });
    await until(() => got.length === 51);
    expect(got.slice(0, 50).map((g) => (g.m.type === 'heartbeat' ? g.m.term : 0))).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(got[50]).toMatchObject({ from: 1, m: { type: 'replicate', updateId: 9 } });
    expect(a.send(99, { type: 'heartbeat-ack', term: 1 })).toBe(false);
  });

  it('closes a connection that skips the hello, names a stranger, sends garbage or a huge length', async () => {
    const { a, b, got, connected } = await pair();
    await until(() => connected.includes(2));
    const noHello = await raw(b.port);
    noHello.write(frame(encodeClusterMessage({ type: 'heartbeat', term: 1, successors: [] })));
    const stranger = await raw(b.port);
    stranger.write(frame(encodeClusterMessage({ type: 'hello', from: 77 })));
    const garbage = await raw(b.port);
    garbage.write(frame(encodeClusterMessage({ type: 'hello', from: 1 })));
    garbage.write(frame(new Uint8Array([1, 250, 3])));
    const huge = await raw(b.port);
    huge.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await Promise.all([noHello, stranger, garbage, huge].map((s) => (s.destroyed ? null : once(s, 'close'))));
    expect(got).toEqual([]);
    // the honest link is untouched
    a.send(2, { type: 'alive', term: 3 });
    await until(() => got.length === 1);
    expect(got[0]).toEqual({ from: 1, m: { type: 'alive', term: 3 } });
  });

  it('reconnects after the peer restarts', async () => {
    const got: ClusterMessage[] = [];
    const mk = (port: number) =>
      new PeerLinks({
        nodeId: 2,
        listenHost: '127.0.0.1',
        listenPort: port,
        peers: [{ id: 1, host: '127.0.0.1', port: 1 }],
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
      onMessage: () => {},
      onConnected: (p) => connected.push(p),
    });
    await a.start();
    open.push(a);
    await until(() => connected.length === 1);
    await b.stop();
    await until(() => a.connected().length === 0);
    b = mk(port);
    await b.start();
    open.push(b);
    await until(() => connected.length === 2, 5000);
    a.send(2, { type: 'elect', term: 4 });
    await until(() => got.length === 1);
  });
});
