import { ManualScheduler } from '@accord/core/testing';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.js';
import { CLIENT_ABORT_CODE, Connection, type ConnectionCloseInfo } from '../src/connection.js';
import { UrlPool } from '../src/url-pool.js';
import { fakeWebSocketClass } from './support/fake-socket.js';

const URLS = ['ws://127.0.0.1:4001', 'ws://127.0.0.1:4002', 'ws://127.0.0.1:4003'];

function setup(random = () => 0.5, pick = 0, raceAfterMs?: number, urls: string[] = URLS) {
  const scheduler = new ManualScheduler();
  const { ctor, sockets } = fakeWebSocketClass();
  const conn = new Connection({
    urls: new UrlPool(urls, () => pick),
    WebSocket: ctor,
    scheduler,
    backoff: new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, random }),
    connectTimeoutMs: 5000,
    stableAfterMs: 2000,
    raceAfterMs,
  });
  const closes: ConnectionCloseInfo[] = [];
  const waits: { url: string; delayMs: number; attempt: number }[] = [];
  conn.on('close', (info) => closes.push(info));
  conn.on('waiting', (info) => waits.push(info));
  return { scheduler, sockets, conn, closes, waits };
}

describe('Connection', () => {
  it('opens one socket to the current URL and reports open and frames', () => {
    const { sockets, conn } = setup();
    const frames: number[][] = [];
    let opened = '';
    conn.on('open', ({ url }) => {
      opened = url;
    });
    conn.on('message', (bytes) => frames.push([...bytes]));
    conn.start();
    conn.start();
    expect(sockets.length).toBe(1);
    expect(sockets[0]!.binaryType).toBe('arraybuffer');
    expect(conn.state).toBe('opening');
    expect(conn.send(Uint8Array.of(1))).toBe(false);
    sockets[0]!.serverOpen();
    expect(opened).toBe(URLS[0]);
    expect(conn.send(Uint8Array.of(7))).toBe(true);
    expect(sockets[0]!.sent.map((b) => [...b])).toEqual([[7]]);
    sockets[0]!.serverSend(Uint8Array.of(1, 2, 3));
    expect(frames).toEqual([[1, 2, 3]]);
  });

  it('fails over to the next URL after a loss, with a full-jitter delay that grows per failure', () => {
    const { scheduler, sockets, conn, waits } = setup(() => 0.5);
    conn.start();
    sockets[0]!.serverClose(1006);
    expect(conn.state).toBe('waiting');
    expect(waits[0]).toEqual({ url: URLS[1], delayMs: 50, attempt: 0 });
    scheduler.advance(49);
    expect(sockets.length).toBe(1);
    scheduler.advance(1);
    expect(sockets.length).toBe(2);
    expect(sockets[1]!.url).toBe(URLS[1]);
    sockets[1]!.serverClose(1006);
    expect(waits[1]).toEqual({ url: URLS[2], delayMs: 100, attempt: 1 });
    scheduler.advance(100);
    sockets[2]!.serverClose(1006);
    expect(waits[2]).toEqual({ url: URLS[0], delayMs: 200, attempt: 2 });
  });

  it('restarts the backoff only after a connection stayed ready for stableAfterMs', () => {
    const { scheduler, sockets, conn, waits } = setup(() => 0.5);
    conn.start();
    for (let i = 0; i < 3; i++) {
      sockets[i]!.serverClose(1006);
      scheduler.advance(waits[i]!.delayMs);
    }
    // Attempt 3 connects and is ready, but flaps within 2 s: backoff keeps growing.
    sockets[3]!.serverOpen();
    conn.markReady();
    expect(conn.state).toBe('ready');
    scheduler.advance(1999);
    sockets[3]!.serverClose(1006);
    expect(waits[3]!.attempt).toBe(3);
    scheduler.advance(waits[3]!.delayMs);
    sockets[4]!.serverOpen();
    conn.markReady();
    scheduler.advance(2000);
    sockets[4]!.serverClose(1001);
    expect(waits[4]).toMatchObject({ attempt: 0, delayMs: 50 });
  });

  it('abandons an attempt that is not ready before the deadline, even if the socket hangs', () => {
    const { scheduler, sockets, conn, closes, waits } = setup();
    conn.start();
    sockets[0]!.serverOpen(); // opened, but no handshake completes
    scheduler.advance(4999);
    expect(closes.length).toBe(0);
    scheduler.advance(1);
    expect(closes[0]).toMatchObject({
      code: CLIENT_ABORT_CODE,
      wasOpen: true,
      wasReady: false,
      url: URLS[0],
    });
    expect(sockets[0]!.closedWith?.code).toBe(CLIENT_ABORT_CODE);
    expect(waits[0]!.url).toBe(URLS[1]);
    // The late close event of the abandoned socket changes nothing.
    sockets[0]!.serverClose(1006);
    expect(closes.length).toBe(1);
  });

  it('a ready connection has no deadline', () => {
    const { scheduler, sockets, conn, closes } = setup();
    conn.start();
    sockets[0]!.serverOpen();
    conn.markReady();
    scheduler.advance(60_000);
    expect(closes.length).toBe(0);
    expect(conn.state).toBe('ready');
  });

  it('drop() closes at once, reports the code and moves on', () => {
    const { scheduler, sockets, conn, closes } = setup();
    conn.start();
    sockets[0]!.serverOpen();
    conn.markReady();
    conn.drop(4000, 'silent');
    expect(closes[0]).toMatchObject({ code: 4000, reason: 'silent', wasReady: true });
    expect(sockets[0]!.closedWith).toEqual({ code: 4000, reason: 'silent' });
    scheduler.advance(1000);
    expect(sockets.length).toBe(2);
    expect(sockets[1]!.url).toBe(URLS[1]);
  });

  it('stop() closes with 1000, cancels the retry and emits nothing; start() resumes', () => {
    const { scheduler, sockets, conn, closes } = setup();
    conn.start();
    sockets[0]!.serverClose(1006);
    conn.stop();
    expect(conn.state).toBe('idle');
    scheduler.advance(100_000);
    expect(sockets.length).toBe(1);
    conn.start();
    expect(sockets.length).toBe(2);
    sockets[1]!.serverOpen();
    conn.stop();
    expect(sockets[1]!.closedWith?.code).toBe(1000);
    expect(closes.length).toBe(1);
    expect(scheduler.pending).toBe(0);
  });

  it('stop() from a close handler prevents the retry', () => {
    const { scheduler, sockets, conn } = setup();
    conn.on('close', () => conn.stop());
    conn.start();
    sockets[0]!.serverClose(4001, 'auth');
    expect(conn.state).toBe('idle');
    expect(scheduler.pending).toBe(0);
  });

  it('retryNow() skips the backoff wait', () => {
    const { sockets, conn } = setup();
    conn.start();
    sockets[0]!.serverClose(1006);
    conn.retryNow();
    expect(sockets.length).toBe(2);
    expect(conn.state).toBe('opening');
  });

  it('treats a WebSocket constructor that throws as a failed attempt and keeps rotating', () => {
    const scheduler = new ManualScheduler();
    const tried: string[] = [];
    const conn = new Connection({
      urls: new UrlPool(URLS, () => 0),
      WebSocket: class {
        constructor(url: string) {
          tried.push(url);
          throw new Error('blocked');
        }
      } as unknown as ConstructorParameters<typeof Connection>[0]['WebSocket'],
      scheduler,
      backoff: new Backoff({ initialDelayMs: 10, maxDelayMs: 10, random: () => 0.5 }),
      connectTimeoutMs: 1000,
      stableAfterMs: 1000,
    });
    const closes: ConnectionCloseInfo[] = [];
    conn.on('close', (c) => closes.push(c));
    conn.start();
    scheduler.advance(10); // retries every 5 ms (window 10, draw 0.5)
    expect(tried).toEqual([URLS[0], URLS[1], URLS[2]]);
    expect(closes[0]).toMatchObject({ code: 1006, wasOpen: false });
    expect(closes[0]!.reason).toContain('blocked');
    conn.stop();
  });

  it('bounds the retry rate under a storm of failures (cap respected, never a tight loop)', () => {
    const { scheduler, sockets, conn, waits } = setup(() => 0.999);
    conn.start();
    for (let i = 0; i < 200; i++) {
      sockets[i]!.serverClose(1006);
      scheduler.advance(waits[i]!.delayMs);
    }
    const late = waits.slice(20).map((w) => w.delayMs);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(990);
    expect(Math.max(...late)).toBeLessThan(1000);
  });
});

describe('Connection racing a slow attempt', () => {
  function racing(urls: string[] = URLS) {
    const t = setup(() => 0.5, 0, 300, urls);
    const opens: string[] = [];
    const races: { url: string; slowUrl: string; generation: number }[] = [];
    t.conn.on('open', ({ url }) => opens.push(url));
    t.conn.on('racing', (info) => races.push(info));
    return { ...t, opens, races };
  }

  it('opens a second socket to the next URL when the first has not opened in time; the first to open wins', () => {
    const { scheduler, sockets, conn, opens, races, closes } = racing();
    conn.start();
    scheduler.advance(299);
    expect(sockets.length).toBe(1);
    scheduler.advance(1);
    expect(sockets.map((s) => s.url)).toEqual([URLS[0], URLS[1]]);
    expect(races).toEqual([{ url: URLS[1], slowUrl: URLS[0], generation: 1 }]);
    sockets[1]!.serverOpen();
    expect(opens).toEqual([URLS[1]]);
    expect(conn.url).toBe(URLS[1]);
    expect(sockets[0]!.closedWith).toEqual({ code: 1000, reason: 'lost the race' });
    // Frames flow on the winner only; the loser's late events change nothing.
    const frames: number[][] = [];
    conn.on('message', (bytes) => frames.push([...bytes]));
    sockets[0]!.serverOpen();
    sockets[0]!.serverSend(Uint8Array.of(9));
    sockets[0]!.serverClose(1006);
    sockets[1]!.serverSend(Uint8Array.of(1));
    expect(frames).toEqual([[1]]);
    expect(conn.send(Uint8Array.of(5))).toBe(true);
    expect(sockets[1]!.sent.map((b) => [...b])).toEqual([[5]]);
    expect(closes).toEqual([]);
    conn.markReady();
    expect(conn.state).toBe('ready');
    // Only the winner's loss is reported, and the retry moves past it.
    sockets[1]!.serverClose(1006);
    expect(closes.map((c) => c.url)).toEqual([URLS[1]]);
    expect(sockets.length).toBe(2);
  });

  it('keeps the first socket when it opens before the racer, and closes the racer', () => {
    const { scheduler, sockets, conn, opens } = racing();
    conn.start();
    scheduler.advance(300);
    sockets[0]!.serverOpen();
    expect(opens).toEqual([URLS[0]]);
    expect(sockets[1]!.closedWith).toEqual({ code: 1000, reason: 'lost the race' });
    sockets[1]!.serverOpen();
    expect(opens).toEqual([URLS[0]]);
    expect(conn.url).toBe(URLS[0]);
  });

  it("does not race once the first socket has opened (a slow handshake is the deadline's job)", () => {
    const { scheduler, sockets, conn, races } = racing();
    conn.start();
    sockets[0]!.serverOpen();
    scheduler.advance(4000);
    expect(sockets.length).toBe(1);
    expect(races).toEqual([]);
  });

  it('lets the racer carry on alone when the slow attempt fails, without reporting a loss', () => {
    const { scheduler, sockets, conn, opens, closes } = racing();
    conn.start();
    scheduler.advance(300);
    sockets[0]!.serverClose(1006);
    expect(closes).toEqual([]);
    expect(conn.state).toBe('opening');
    sockets[1]!.serverOpen();
    expect(opens).toEqual([URLS[1]]);
  });

  it("reports one loss when both fail, and the retry goes to the URL after the racer's", () => {
    const { scheduler, sockets, conn, closes, waits } = racing();
    conn.start();
    scheduler.advance(300);
    sockets[1]!.serverClose(1006);
    expect(closes).toEqual([]);
    sockets[0]!.serverClose(1006);
    expect(closes.map((c) => c.url)).toEqual([URLS[0]]);
    expect(waits[0]!.url).toBe(URLS[2]);
  });

  it('the deadline abandons both sockets when neither opens', () => {
    const { scheduler, sockets, conn, closes } = racing();
    conn.start();
    scheduler.advance(5000);
    expect(closes.length).toBe(1);
    expect(closes[0]).toMatchObject({ code: CLIENT_ABORT_CODE, wasOpen: false });
    expect(sockets[0]!.closedWith?.code).toBe(CLIENT_ABORT_CODE);
    expect(sockets[1]!.closedWith).toEqual({ code: 1000, reason: 'lost the race' });
    // Never more than two sockets per attempt.
    expect(sockets.length).toBe(2);
  });

  it('stop() closes the racer too', () => {
    const { scheduler, sockets, conn } = racing();
    conn.start();
    scheduler.advance(300);
    conn.stop();
    expect(sockets[0]!.closedWith?.code).toBe(1000);
    expect(sockets[1]!.closedWith?.code).toBe(1000);
    scheduler.advance(10_000);
    expect(sockets.length).toBe(2);
  });

  it('never races with a single URL', () => {
    const { scheduler, sockets, conn, races } = racing([URLS[0]!]);
    conn.start();
    scheduler.advance(4999);
    expect(sockets.length).toBe(1);
    expect(races).toEqual([]);
  });
});
