import { type ClientMessage, CloseCode, encodeMessage, type HelloMessage } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/relay/connection.js';
import { FrameBudget, SharedBudgets } from '../../src/relay/rate-limit.js';
import { Session, type SessionHost, type SessionLimits } from '../../src/relay/session.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

class FakeConn implements Connection {
  readonly remote = '127.0.0.9:1';
  closed: number | null = null;
  sent = 0;
  constructor(
    readonly address = '127.0.0.9',
    private readonly admit = true,
  ) {}
  get bufferedAmount(): number {
    return 0;
  }
  send(): void {
    this.sent++;
  }
  close(code: number): void {
    this.closed ??= code;
  }
  authenticated(): boolean {
    return this.admit;
  }
}

class FakeHost implements SessionHost {
  readonly counted: string[] = [];
  readonly hellos: HelloMessage[] = [];
  readonly messages: ClientMessage[] = [];
  hello(_s: Session, msg: HelloMessage): void {
    this.hellos.push(msg);
  }
  message(_s: Session, msg: ClientMessage): void {
    this.messages.push(msg);
  }
  closed(): void {}
  count(kind: string, code: string | number): void {
    if (kind !== 'error' && kind !== 'close') this.counted.push(`${kind}:${code}`);
  }
}

const LIMITS: SessionLimits = {
  helloTimeoutMs: 3000,
  joinTimeoutMs: 10_000,
  maxBufferedBytes: 1 << 20,
  maxPresenceBytes: 100,
};
const open = { framesPerSecond: 0, frameBurst: 1, bytesPerSecond: 0, byteBurst: 1 };
const hello = encodeMessage({
  type: 'hello',
  docId: 'd',
  token: 't.x.sig',
  stateVector: new Uint8Array([0]),
});
const ping = encodeMessage({ type: 'ping', nonce: 1 });

function session(
  scheduler: ManualScheduler,
  host = new FakeHost(),
  conn = new FakeConn(),
  budgets: FrameBudget[] = [],
) {
  const now = () => scheduler.now();
  const s = new Session(
    1,
    conn,
    host,
    LIMITS,
    [new FrameBudget('connection', open, now), ...budgets],
    scheduler,
  );
  return { s, host, conn };
}

describe('session deadlines (virtual time)', () => {
  it('closes a socket that sends no hello within the hello deadline with 4006, not before', () => {
    const scheduler = new ManualScheduler();
    const { s, host, conn } = session(scheduler);
    scheduler.advance(2999);
    s.onFrame(ping, true); // pings do not count as a hello
    expect(conn.closed).toBeNull();
    scheduler.advance(1);
    expect(conn.closed).toBe(CloseCode.handshakeTimeout);
    expect(host.counted).toEqual(['admission:hello-timeout']);
    expect(scheduler.pending).toBe(0);
  });

  it('after hello, the join deadline applies instead; joining cancels it', () => {
    const scheduler = new ManualScheduler();
    const a = session(scheduler);
    scheduler.advance(2000);
    a.s.onFrame(hello, true);
    expect(a.host.hellos).toHaveLength(1);
    scheduler.advance(9999);
    expect(a.conn.closed).toBeNull();
    scheduler.advance(1);
    expect(a.conn.closed).toBe(CloseCode.handshakeTimeout);
    expect(a.host.counted).toEqual(['admission:join-timeout']);

    const b = session(scheduler);
    b.s.onFrame(hello, true);
    b.s.joined('write');
    scheduler.advance(60_000);
    expect(b.conn.closed).toBeNull();
    expect(scheduler.pending).toBe(0);
  });

  it('closes with 4002 when the token expires, on the injected clock', () => {
    const scheduler = new ManualScheduler();
    const { s, conn } = session(scheduler);
    s.onFrame(hello, true);
    s.joined('read', 5000);
    scheduler.advance(4999);
    expect(conn.closed).toBeNull();
    scheduler.advance(1);
    expect(conn.closed).toBe(CloseCode.tokenExpired);
  });

  it('asks its connection whether the connection budget admits it', () => {
    const scheduler = new ManualScheduler();
    expect(session(scheduler).s.authenticated()).toBe(true);
    expect(session(scheduler, new FakeHost(), new FakeConn('x', false)).s.authenticated()).toBe(false);
  });
});

describe('session budgets', () => {
  it('a budget shared by address trips on the sum of its connections, closing the one that crossed it', () => {
    const scheduler = new ManualScheduler();
    const now = () => scheduler.now();
    const byAddress = new SharedBudgets(
      'address',
      { framesPerSecond: 10, frameBurst: 10, bytesPerSecond: 0, byteBurst: 1 },
      now,
    );
    const a = session(scheduler, new FakeHost(), new FakeConn(), [byAddress.acquire('127.0.0.9')]);
    const b = session(scheduler, new FakeHost(), new FakeConn(), [byAddress.acquire('127.0.0.9')]);
    for (let i = 0; i < 5; i++) a.s.onFrame(ping, true);
    for (let i = 0; i < 5; i++) b.s.onFrame(ping, true);
    expect(a.conn.closed ?? b.conn.closed).toBeNull();
    b.s.onFrame(ping, true);
    expect(b.conn.closed).toBe(CloseCode.rateLimited);
    expect(b.host.counted).toEqual(['rate-limited:address']);
    expect(a.conn.closed).toBeNull();
    scheduler.advance(100); // 10/s: one frame's worth again
    a.s.onFrame(ping, true);
    expect(a.conn.closed).toBeNull();
    expect(byAddress.size).toBe(1);
    byAddress.release('127.0.0.9');
    byAddress.release('127.0.0.9');
    expect(byAddress.size).toBe(0);
  });

  it('charges a budget added on join (the token’s) from then on', () => {
    const scheduler = new ManualScheduler();
    const { s, host, conn } = session(scheduler);
    for (let i = 0; i < 20; i++) s.onFrame(ping, true);
    s.onFrame(hello, true);
    s.joined('write');
    s.addBudget(
      new FrameBudget('token', { framesPerSecond: 1, frameBurst: 2, bytesPerSecond: 0, byteBurst: 1 }, () =>
        scheduler.now(),
      ),
    );
    s.onFrame(ping, true);
    s.onFrame(ping, true);
    expect(conn.closed).toBeNull();
    s.onFrame(ping, true);
    expect(conn.closed).toBe(CloseCode.rateLimited);
    expect(host.counted).toEqual(['rate-limited:token']);
  });

  it('refuses an oversized presence frame before decoding it; the connection stays', () => {
    const scheduler = new ManualScheduler();
    const { s, host, conn } = session(scheduler);
    s.onFrame(hello, true);
    s.joined('read');
    const presence = (n: number) =>
      encodeMessage({ type: 'presence', state: { name: '', color: '', cursor: null, data: 'x'.repeat(n) } });
    const fits = presence(100 - 6); // flag, two empty strings, null cursor, tag and length of data
    expect(fits.length - 2).toBe(100);
    s.onFrame(fits, true);
    s.onFrame(presence(100 - 5), true);
    expect(host.messages).toHaveLength(1);
    expect(host.counted).toEqual(['presence:entry-bytes']);
    expect(conn.closed).toBeNull();
    expect(conn.sent).toBe(1); // the too-large error
  });
});
