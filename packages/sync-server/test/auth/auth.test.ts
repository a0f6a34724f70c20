import { CloseCode, PROTOCOL_VERSION } from '@accord/core/protocol';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError, hmacVerifier, mintToken, openVerifier } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { GSetDocument, gsetUpdate } from '../support/gset-engine.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';

const { nodes, clients } = closeAfterEach();

const EMPTY_SV = new Uint8Array([0]);

async function authErrorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    return (e as AuthError).code;
  }
  return 'accepted';
}

/** A time of day long past (ms since the epoch): a token judged by the real clock is expired. */
const LONG_AGO = Date.UTC(2021, 0, 1);

describe('token verification', () => {
  const v = hmacVerifier(SECRET, 0);
  it('checks expiry against the wall clock it is given', async () => {
    const token = await mintToken(SECRET, {
      docId: 'a',
      scope: 'write',
      now: LONG_AGO / 1000,
      ttlSeconds: 60,
    });
    let wall = LONG_AGO + 59_000;
    const injected = hmacVerifier(SECRET, 0, () => wall);
    expect(await injected.verify(token, 'a')).toMatchObject({ expiresAt: LONG_AGO / 1000 + 60 });
    wall = LONG_AGO + 61_000;
    expect(await authErrorCode(injected.verify(token, 'a'))).toBe('token-expired');
    expect(await authErrorCode(v.verify(token, 'a'))).toBe('token-expired'); // the real clock
  });

  it('grants the scope of a valid token for its document, or for every document with *', async () => {
    expect(await v.verify(await mintToken(SECRET, { docId: 'a', scope: 'read' }), 'a')).toMatchObject({
      docId: 'a',
      scope: 'read',
    });
    expect((await v.verify(await mintToken(SECRET, { docId: '*', scope: 'write' }), 'zzz')).scope).toBe(
      'write',
    );
  });

  it('refuses missing, garbage, badly signed, expired, foreign-document and scope-less tokens', async () => {
    expect(await authErrorCode(v.verify('', 'a'))).toBe('auth-failed');
    expect(await authErrorCode(v.verify('not.a.jwt', 'a'))).toBe('auth-failed');
    const other = await mintToken('another-secret-0123456789', { docId: 'a', scope: 'write' });
    expect(await authErrorCode(v.verify(other, 'a'))).toBe('auth-failed');
    const expired = await mintToken(SECRET, { docId: 'a', scope: 'write', ttlSeconds: -60 });
    expect(await authErrorCode(v.verify(expired, 'a'))).toBe('token-expired');
    expect(await authErrorCode(v.verify(await mintToken(SECRET, { docId: 'b', scope: 'write' }), 'a'))).toBe(
      'forbidden',
    );
    const key = new TextEncoder().encode(SECRET);
    const noScope = await new SignJWT({ doc: 'a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(key);
    expect(await authErrorCode(v.verify(noScope, 'a'))).toBe('forbidden');
    const noExp = await new SignJWT({ doc: 'a', scope: 'write' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    expect(await authErrorCode(v.verify(noExp, 'a'))).toBe('auth-failed');
    // alg "none" must never be accepted.
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ doc: 'a', scope: 'write', exp: 9e9 })).toString('base64url');
    expect(await authErrorCode(v.verify(`${header}.${body}.`, 'a'))).toBe('auth-failed');
  });

  it('refuses a document id or a doc claim that is not well-formed UTF-16 as malformed, and will not mint one', async () => {
    const key = new TextEncoder().encode(SECRET);
    const claim = (doc: string) =>
      new SignJWT({ doc, scope: 'write' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(key);
    // JSON carries "\ud800" escapes: the claim decodes to a lone surrogate, which no hello can name.
    expect(await authErrorCode(v.verify(await claim('a\uD800'), 'a\uFFFD'))).toBe('malformed');
    expect(await authErrorCode(v.verify(await claim('a\uDC00'), 'a'))).toBe('malformed');
    expect(
      await authErrorCode(v.verify(await mintToken(SECRET, { docId: '*', scope: 'read' }), 'b\uD800')),
    ).toBe('malformed');
    await expect(mintToken(SECRET, { docId: 'x\uD83D', scope: 'read' })).rejects.toThrow(RangeError);
    expect(await authErrorCode(openVerifier().verify('', '\uDFFF'))).toBe('malformed');
  });

  it('refuses short secrets', () => {
    expect(() => hmacVerifier('short')).toThrow(RangeError);
  });
});

describe('relay auth (before any document byte)', () => {
  async function seeded() {
    const n = await startNode();
    nodes.push(n);
    const w = await TestClient.join(
      urlOf(n),
      'secret-doc',
      await mintToken(SECRET, { docId: 'secret-doc', scope: 'write' }),
      EMPTY_SV,
    );
    clients.push(w);
    await w.ack(w.update(gsetUpdate([{ replica: 1, counter: 1, payload: 'classified' }])));
    return n;
  }

  async function attempt(n: RelayNode, token: string, docId = 'secret-doc') {
    const c = await TestClient.connect(urlOf(n));
    clients.push(c);
    c.send({ type: 'hello', docId, token, stateVector: EMPTY_SV });
    const code = await c.closed;
    return { code, types: c.messages.map((m) => m.type), error: c.all('error')[0] };
  }

  it.each([
    ['no token', async () => '', 'auth-failed', CloseCode.authFailed],
    [
      'a bad signature',
      async () => mintToken('wrong-secret-0123456789', { docId: 'secret-doc', scope: 'write' }),
      'auth-failed',
      CloseCode.authFailed,
    ],
    [
      'an expired token',
      async () => mintToken(SECRET, { docId: 'secret-doc', scope: 'read', ttlSeconds: -30 }),
      'token-expired',
      CloseCode.tokenExpired,
    ],
    [
      'a token for another document',
      async () => mintToken(SECRET, { docId: 'public', scope: 'write' }),
      'forbidden',
      CloseCode.forbidden,
    ],
    [
      'a token whose doc claim holds a lone surrogate',
      async () =>
        new SignJWT({ doc: 'secret-doc\uD800', scope: 'write' })
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(SECRET)),
      'bad-frame',
      CloseCode.badData,
    ],
  ])('rejects %s with an error and a close, never sync or update', async (_name, token, code, closeCode) => {
    const n = await seeded();
    const r = await attempt(n, await token());
    expect(r.code).toBe(closeCode);
    expect(r.types).toEqual(['error']);
    expect(r.error?.code).toBe(code);
  });

  it('closes a hello whose document id smuggles a surrogate in as bytes with 1007; no room is opened', async () => {
    const n = await seeded();
    const c = await TestClient.connect(urlOf(n));
    clients.push(c);
    // hello, docId "secret-doc" + U+D800 written as ED A0 80 (what a lax encoder emits; not UTF-8).
    const id = [...new TextEncoder().encode('secret-doc'), 0xed, 0xa0, 0x80];
    c.sendRaw(new Uint8Array([PROTOCOL_VERSION, 1, id.length, ...id, 0, 1, 0]));
    expect(await c.closed).toBe(CloseCode.badData);
    expect(c.messages.map((m) => m.type)).toEqual(['error']);
    expect(n.relay.rooms.size).toBe(1); // only the seeded document
  });

  it('drops updates sent right behind a refused hello: nothing stored, nothing relayed', async () => {
    const n = await seeded();
    const watcher = clients[0] as TestClient;
    const c = await TestClient.connect(urlOf(n));
    clients.push(c);
    c.send({ type: 'hello', docId: 'secret-doc', token: 'forged', stateVector: EMPTY_SV });
    c.send({ type: 'update', id: 1, update: gsetUpdate([{ replica: 66, counter: 1, payload: 'intruder' }]) });
    expect(await c.closed).toBe(CloseCode.authFailed);
    expect(c.all('ack')).toHaveLength(0);
    const reader = await TestClient.join(
      urlOf(n),
      'secret-doc',
      await mintToken(SECRET, { docId: 'secret-doc', scope: 'read' }),
      EMPTY_SV,
    );
    clients.push(reader);
    const doc = new GSetDocument();
    doc.apply((await reader.next('sync')).update);
    expect(doc.toJSON()).toEqual(['classified']);
    expect(watcher.all('update')).toHaveLength(0);
  });

  it('refuses a foreign Origin at the upgrade (HTTP 403), allows listed and absent origins', async () => {
    const n = await startNode(['--allowed-origins', 'https://app.example.com,http://localhost:*']);
    nodes.push(n);
    await expect(TestClient.connect(urlOf(n), { Origin: 'https://evil.example.com' })).rejects.toThrow(
      'HTTP 403',
    );
    await expect(
      TestClient.connect(urlOf(n), { Origin: 'https://app.example.com.evil.com' }),
    ).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(urlOf(n), { Origin: 'http://localhost.evil.com:80' })).rejects.toThrow(
      'HTTP 403',
    );
    for (const origin of ['https://app.example.com', 'http://localhost:5173']) {
      const ok = await TestClient.connect(urlOf(n), { Origin: origin });
      clients.push(ok);
    }
    clients.push(await TestClient.connect(urlOf(n)));
    const metrics = await (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text();
    expect(metrics).toMatch(/accord_refused_upgrades_total\{reason="Forbidden",node="\d+"\} 3/);
  });

  it('closes a session with 4002 once its token expires', async () => {
    const n = await startNode();
    nodes.push(n);
    // exp is whole seconds: a 2 s token expires 1–2 s from now.
    const token = await mintToken(SECRET, { docId: 'd', scope: 'write', ttlSeconds: 2 });
    const c = await TestClient.join(urlOf(n), 'd', token, EMPTY_SV);
    clients.push(c);
    await c.ack(c.update(gsetUpdate([{ replica: 1, counter: 1, payload: 'x' }])));
    expect(await c.closed).toBe(CloseCode.tokenExpired);
    expect(c.all('error').at(-1)?.code).toBe('token-expired');
  }, 10_000);

  it("times a session's expiry from the node's injected wall clock, on its injected scheduler", async () => {
    const scheduler = new ManualScheduler();
    // Frames leave at the end of each event-loop turn (no coalescing window for virtual time to
    // hold), and keep-alive pings are further apart than the virtual minute the test crosses.
    const args = ['--write-coalesce', '0', '--write-coalesce-max', '0', '--keepalive', '3600000'];
    const n = await startNode(args, { scheduler, wallClock: () => LONG_AGO + 1000 });
    nodes.push(n);
    // Valid for 60 s from LONG_AGO: 59 s left by the node's wall clock, long expired by the real one.
    const token = await mintToken(SECRET, {
      docId: 'd',
      scope: 'write',
      now: LONG_AGO / 1000,
      ttlSeconds: 60,
    });
    const c = await TestClient.join(urlOf(n), 'd', token, EMPTY_SV);
    clients.push(c);
    expect((await c.next('welcome')).scope).toBe('write');
    scheduler.advance(58_999);
    // Still open: an update is acknowledged (rather than the socket closing).
    const id = c.update(gsetUpdate([{ replica: 1, counter: 1, payload: 'x' }]));
    expect(await Promise.race([c.ack(id).then(() => 'acked'), c.closed])).toBe('acked');
    scheduler.advance(1);
    expect(await c.closed).toBe(CloseCode.tokenExpired);
    expect(c.all('error').at(-1)?.code).toBe('token-expired');
  });

  it('with --auth none admits everyone with write access', async () => {
    const n = await startNode(['--auth', 'none']);
    nodes.push(n);
    const c = await TestClient.join(urlOf(n), 'd', '', EMPTY_SV);
    clients.push(c);
    expect((await c.next('welcome')).scope).toBe('write');
  });
});
