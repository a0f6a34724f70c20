/**
 * The connection state machine over real WebSockets (`ws` on 127.0.0.1): the platform glue
 * (binary frames, close codes, refused ports) works the way the fake socket assumes.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Backoff } from '../../src/backoff.js';
import { Connection, type ConnectionCloseInfo } from '../../src/connection.js';
import { systemScheduler } from '../../src/scheduler.js';
import { UrlPool } from '../../src/url-pool.js';

const servers: WebSocketServer[] = [];
const connections: Connection[] = [];

afterEach(async () => {
  for (const c of connections.splice(0)) c.stop();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

function listen(onConnection: (socket: WebSocket) => void): Promise<string> {
  return new Promise((resolve) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('unexpected address');
      resolve(`ws://127.0.0.1:${address.port}`);
    });
    server.on('connection', onConnection);
    servers.push(server);
  });
}

/** A port nobody listens on (bound, then released). */
function deadPort(): Promise<string> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(`ws://127.0.0.1:${port}`));
    });
  });
}

function connect(urls: string[]): Connection {
  const c = new Connection({
    urls: new UrlPool(urls, () => 0),
    WebSocket,
    scheduler: systemScheduler,
    backoff: new Backoff({ initialDelayMs: 20, maxDelayMs: 100 }),
    connectTimeoutMs: 2000,
    stableAfterMs: 1000,
  });
  connections.push(c);
  return c;
}

function next<T>(c: Connection, event: 'close' | 'message' | 'open'): Promise<T> {
  return new Promise((resolve) => {
    const off = c.on(event, ((arg: T) => {
      off();
      resolve(arg);
    }) as never);
  });
}

describe('Connection over real WebSockets', () => {
  it('exchanges binary frames both ways', async () => {
    const url = await listen((socket) => {
      socket.on('message', (data) => socket.send(Buffer.concat([Buffer.from([9]), data as Buffer])));
    });
    const c = connect([url]);
    const opened = next(c, 'open');
    c.start();
    await opened;
    const reply = next<Uint8Array>(c, 'message');
    expect(c.send(Uint8Array.of(1, 2))).toBe(true);
    expect([...(await reply)]).toEqual([9, 1, 2]);
  });

  it('reports the close code a server sends, then fails over to the next URL', async () => {
    const a = await listen((socket) => socket.close(4004, 'going away'));
    const b = await listen((socket) => socket.send(Uint8Array.of(42)));
    const c = connect([a, b]);
    const closed = next<ConnectionCloseInfo>(c, 'close');
    const message = next<Uint8Array>(c, 'message');
    c.start();
    expect(await closed).toMatchObject({ url: a, code: 4004, reason: 'going away', wasOpen: true });
    expect([...(await message)]).toEqual([42]);
    expect(c.url).toBe(b);
  });

  it('skips a refused port (no process listening) and reaches the live node', async () => {
    const dead = await deadPort();
    const live = await listen(() => {});
    const c = connect([dead, live]);
    const closed = next<ConnectionCloseInfo>(c, 'close');
    const opened = next<{ url: string }>(c, 'open');
    c.start();
    expect((await closed).wasOpen).toBe(false);
    expect((await opened).url).toBe(live);
  });

  it('notices a server that drops the TCP connection (terminate) and reconnects', async () => {
    let count = 0;
    const url = await listen((socket) => {
      count++;
      if (count === 1) setTimeout(() => socket.terminate(), 20);
    });
    const c = connect([url]);
    const closed = next<ConnectionCloseInfo>(c, 'close');
    c.start();
    expect((await closed).code).toBe(1006);
    await next(c, 'open');
    expect(count).toBe(2);
  });
});
