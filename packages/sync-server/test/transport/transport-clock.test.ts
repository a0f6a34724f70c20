/**
 * The transport's timers run on its injected scheduler: with a `ManualScheduler` and real
 * sockets, keep-alive pings, the idle close, the grace period of a refused upgrade and the
 * shutdown wait happen when virtual time reaches them, and not before. Waits in these tests are
 * for socket I/O only; every deadline is crossed by advancing the clock.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { CloseCode } from '@accord/core/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { PING_SLICES } from '../../src/transport/liveness.js';
import { startTransport, type Transport } from '../../src/transport/ws-server.js';

/** Far longer than any test runs: only virtual time can reach it. */
const KEEP_ALIVE_MS = 800_000;
const BAD_ORIGIN = 'http://evil.example';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A transport on `clock`; afterEach closes it (advancing past the shutdown wait) unless the test did. */
async function transport(clock: ManualScheduler): Promise<{ t: Transport; close: () => Promise<void> }> {
  const t = await startTransport(
    {
      host: '127.0.0.1',
      port: 0,
      maxPayload: 1 << 20,
      maxConnections: 10,
      keepAliveMs: KEEP_ALIVE_MS,
      isOriginAllowed: (origin) => origin !== BAD_ORIGIN,
      logger: pino({ level: 'silent' }),
      scheduler: clock,
    },
    {
      accept: (conn) => {
        conn.authenticated?.(); // pinged only once authenticated
        return { onFrame: () => {}, onClose: () => {} };
      },
      accepting: () => true,
      health: () => ({ ok: true }),
      metrics: async () => ({ contentType: 'text/plain', body: '' }),
    },
  );
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= t.close();
    return closing;
  };
  cleanup.push(async () => {
    const done = close();
    clock.advance(1000);
    await done;
  });
  return { t, close };
}

/** A client that does not answer pings on its own. */
async function client(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { autoPong: false });
  cleanup.push(() => ws.terminate());
  await once(ws, 'open');
  return ws;
}

/** A round trip over a fresh connection: what the server did before it has reached the sockets. */
async function barrier(port: number): Promise<void> {
  await (await fetch(`http://127.0.0.1:${port}/healthz`)).text();
}

describe('transport timers on an injected scheduler', () => {
  it('pings an authenticated socket at its slice and closes it (idle) when it misses a round trip', async () => {
    const clock = new ManualScheduler();
    const { t } = await transport(clock);
    const ws = await client(t.port);
    const pings: number[] = [];
    ws.on('ping', () => pings.push(clock.now()));
    const slice = KEEP_ALIVE_MS / PING_SLICES; // the first socket is in slice 0
    clock.advance(slice - 1);
    await barrier(t.port);
    expect(pings).toEqual([]);
    const pinged = once(ws, 'ping');
    clock.advance(1);
    await pinged;
    expect(pings).toEqual([slice]);
    // No pong: one interval later it is closed as idle.
    const closed = once(ws, 'close');
    clock.advance(KEEP_ALIVE_MS - 1);
    await barrier(t.port);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    clock.advance(1);
    const [code] = (await closed) as [number];
    expect(code).toBe(CloseCode.idleTimeout);
  });

  it('keeps a refused upgrade’s socket for its 2 s grace period, then destroys it', async () => {
    const clock = new ManualScheduler();
    const { t } = await transport(clock);
    // A client that never closes its side: only the server's grace timer ends the socket.
    const s: Socket = connect({ host: '127.0.0.1', port: t.port, allowHalfOpen: true });
    cleanup.push(() => s.destroy());
    s.on('error', () => {}); // the reset (EPIPE) that ends the test
    let answer = '';
    s.on('data', (d: Buffer) => {
      answer += d.toString();
    });
    const ended = once(s, 'end');
    await once(s, 'connect');
    s.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Origin: ${BAD_ORIGIN}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
    let isClosed = false;
    const closed = new Promise<void>((resolve) =>
      s.once('close', () => {
        isClosed = true;
        resolve();
      }),
    );
    // Writing to a socket the server destroyed is answered with a reset, which a later write
    // reports (EPIPE, and the socket closes); a kept socket takes the bytes.
    const poke = async (times: number) => {
      for (let i = 0; i < times && !isClosed; i++) {
        s.write('still there?');
        await barrier(t.port);
      }
    };
    clock.advance(1999);
    await poke(3);
    expect(isClosed).toBe(false);
    clock.advance(1);
    await poke(50);
    await closed;
  });

  it('on close, waits 1 s of the scheduler’s time for open sockets, then terminates them', async () => {
    const clock = new ManualScheduler();
    const { t, close } = await transport(clock);
    const ws = await client(t.port);
    const closedWs = once(ws, 'close');
    let done = false;
    const closing = close().then(() => {
      done = true;
    });
    clock.advance(999);
    await barrier(t.port).catch(() => {}); // the server no longer takes connections
    await new Promise<void>((r) => setImmediate(r));
    expect(done).toBe(false);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    clock.advance(1);
    await closing;
    await closedWs;
  });
});
