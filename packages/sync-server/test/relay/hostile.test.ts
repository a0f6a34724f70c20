import { CloseCode, Encoder, encodeMessage, PROTOCOL_VERSION } from '@accord/core/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import type { DocumentEngine } from '../../src/relay/document.js';
import { GSetDocument, gsetEngine, gsetUpdate } from '../support/gset-engine.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const EMPTY_SV = new Uint8Array([0]);
const DOC = 'shared';
let node: RelayNode;
let honestA: TestClient;
let honestB: TestClient;
let counter = 0;

beforeAll(async () => {
  node = await startNode(['--max-payload', '65536', '--rate-limit', '200', '--rate-burst', '400']);
  const token = await mintToken(SECRET, { docId: DOC, scope: 'write' });
  honestA = await TestClient.join(urlOf(node), DOC, token, EMPTY_SV);
  honestB = await TestClient.join(urlOf(node), DOC, token, EMPTY_SV);
});
afterAll(async () => {
  honestA.ws.terminate();
  honestB.ws.terminate();
  await node.close();
  removeTempDirs();
});

/** The honest clients can still edit and see each other's edits. */
async function honestStillWork(): Promise<void> {
  counter++;
  const u = gsetUpdate([{ replica: 1, counter, payload: `honest-${counter}` }]);
  await honestA.ack(honestA.update(u));
  await honestB.next('update', (m) => m.update.length === u.length && m.update.every((b, i) => b === u[i]));
}

async function attacker(): Promise<TestClient> {
  const c = await TestClient.connect(urlOf(node));
  c.send({
    type: 'hello',
    docId: DOC,
    token: await mintToken(SECRET, { docId: DOC, scope: 'write' }),
    stateVector: EMPTY_SV,
  });
  await c.next('sync');
  return c;
}

/** What the node stores and serves equals what the honest clients wrote, nothing more. */
async function documentIsClean(): Promise<void> {
  const c = await TestClient.join(
    urlOf(node),
    DOC,
    await mintToken(SECRET, { docId: DOC, scope: 'read' }),
    EMPTY_SV,
  );
  const d = new GSetDocument();
  d.apply((await c.next('sync')).update);
  c.ws.terminate();
  expect(d.toJSON()).toEqual(Array.from({ length: counter }, (_, i) => `honest-${i + 1}`).sort());
}

describe('hostile input against a live relay', () => {
  it('random frames: error + close 1007 (or policy), node and room unaffected', async () => {
    const frames = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 200 }), { numRuns: 40, seed: 1234 });
    for (const f of frames) {
      const c = await TestClient.connect(urlOf(node));
      c.sendRaw(f);
      const code = await c.closed;
      expect([CloseCode.badData, CloseCode.policy, CloseCode.unsupportedVersion]).toContain(code);
    }
    await honestStillWork();
  });

  it('truncated and garbage updates inside valid frames: bad-update + 1007, nothing stored', async () => {
    const good = gsetUpdate([
      { replica: 99, counter: 1, payload: 'evil-one' },
      { replica: 99, counter: 2, payload: 'evil-two' },
    ]);
    const hostile: Uint8Array[] = [];
    for (let cut = 1; cut < good.length; cut += 3) hostile.push(good.slice(0, cut));
    hostile.push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    hostile.push(new Uint8Array([0x7f]));
    for (const u of hostile) {
      const c = await attacker();
      c.send({ type: 'update', id: 5, update: u });
      expect(await c.closed).toBe(CloseCode.badData);
      expect(c.all('error')[0]).toMatchObject({ code: 'bad-update', id: 5 });
      expect(c.all('ack')).toHaveLength(0);
    }
    await honestStillWork();
  });

  it('oversized frames close with 1009; frames just under the limit are fine', async () => {
    const c = await attacker();
    c.sendRaw(new Uint8Array(65536 + 10));
    expect(await c.closed).toBe(CloseCode.tooBig);
    await honestStillWork();
  });

  it('text frames, invalid UTF-8 and bad UTF-8 in strings close the connection', async () => {
    const text = await attacker();
    text.sendRaw('hello');
    expect(await text.closed).toBe(CloseCode.policy);

    const badText = await attacker();
    // A text frame with invalid UTF-8: ws itself closes with 1007.
    badText.ws.send(Buffer.from([0xc3, 0x28]), { binary: false });
    expect(await badText.closed).toBe(CloseCode.badData);

    const c = await TestClient.connect(urlOf(node));
    const e = new Encoder();
    e.writeU8(PROTOCOL_VERSION);
    e.writeU8(1);
    e.writeBytes(new Uint8Array([0x64, 0xed, 0xa0, 0x80])); // docId with a UTF-16 surrogate in UTF-8
    e.writeString('');
    e.writeBytes(EMPTY_SV);
    c.sendRaw(e.toBytes());
    expect(await c.closed).toBe(CloseCode.badData);
    expect(c.all('error')[0]?.code).toBe('bad-frame');
    await honestStillWork();
  });

  it('protocol misuse: update before hello, hello twice, relay-only messages, other versions', async () => {
    const early = await TestClient.connect(urlOf(node));
    early.send({ type: 'update', id: 1, update: gsetUpdate([]) });
    expect(await early.closed).toBe(CloseCode.policy);

    const twice = await attacker();
    twice.send({ type: 'hello', docId: 'other', token: '', stateVector: EMPTY_SV });
    expect(await twice.closed).toBe(CloseCode.policy);

    const wrongDir = await attacker();
    wrongDir.sendRaw(encodeMessage({ type: 'ack', id: 1 }));
    expect(await wrongDir.closed).toBe(CloseCode.badData);

    for (const version of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      const other = await TestClient.connect(urlOf(node));
      const frame = encodeMessage({ type: 'ping', nonce: 1 });
      frame[0] = version;
      other.sendRaw(frame);
      expect(await other.closed).toBe(CloseCode.unsupportedVersion);
      expect(other.all('error')[0]?.code).toBe('bad-version');
    }

    const badSv = await TestClient.connect(urlOf(node));
    badSv.send({
      type: 'hello',
      docId: DOC,
      token: await mintToken(SECRET, { docId: DOC, scope: 'write' }),
      stateVector: new Uint8Array([5, 1]),
    });
    expect(await badSv.closed).toBe(CloseCode.badData);
    expect(badSv.all('sync')).toHaveLength(0);
    await honestStillWork();
  });

  it('a flood is cut off by the rate limit (4005) while honest clients keep working', async () => {
    const c = await attacker();
    const ping = encodeMessage({ type: 'ping', nonce: 7 });
    for (let i = 0; i < 2000 && c.ws.readyState === c.ws.OPEN; i++) c.sendRaw(ping);
    expect(await c.closed).toBe(CloseCode.rateLimited);
    expect(c.all('error').some((e) => e.code === 'rate-limited')).toBe(true);
    await honestStillWork();
  });

  it('no handshake within the timeout closes with 4006', async () => {
    const n = await startNode(['--handshake-timeout', '150']);
    try {
      const c = await TestClient.connect(urlOf(n));
      expect(await c.closed).toBe(CloseCode.handshakeTimeout);
    } finally {
      await n.close();
    }
  });

  it('after all of it the stored document holds exactly the honest edits', async () => {
    await honestStillWork();
    await documentIsClean();
    const health = await (await fetch(`http://127.0.0.1:${node.port}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, cluster: { leaderId: 1, term: 1 } });
  });
});

describe('bugs reached through input', () => {
  it('an engine that throws a non-DecodeError costs one connection, not the node or the room', async () => {
    const buggy: DocumentEngine = {
      merge: gsetEngine.merge,
      create() {
        const doc = gsetEngine.create();
        return {
          apply(update: Uint8Array) {
            if (update.length === 3) throw new TypeError('engine bug');
            return doc.apply(update);
          },
          stateVector: () => doc.stateVector(),
          diff(sv: Uint8Array) {
            if (sv.length === 4) throw new TypeError('engine bug in diff');
            return doc.diff(sv);
          },
          snapshot: () => doc.snapshot(),
          complete: () => doc.complete(),
        };
      },
    };
    const n = await startNode([], { engine: buggy });
    try {
      const token = await mintToken(SECRET, { docId: 'b', scope: 'write' });
      const honest = await TestClient.join(urlOf(n), 'b', token, EMPTY_SV);
      const other = await TestClient.join(urlOf(n), 'b', token, EMPTY_SV);
      const apply = await TestClient.join(urlOf(n), 'b', token, EMPTY_SV);
      apply.update(new Uint8Array([1, 2, 3]));
      expect(await apply.closed).toBe(CloseCode.badData);
      const diff = await TestClient.connect(urlOf(n));
      diff.send({ type: 'hello', docId: 'b', token, stateVector: new Uint8Array([1, 1, 1, 1]) });
      expect(await diff.closed).toBe(CloseCode.internalError);
      const u = gsetUpdate([{ replica: 4, counter: 1, payload: 'still fine' }]);
      await honest.ack(honest.update(u));
      expect((await other.next('update')).update).toEqual(u);
      honest.ws.terminate();
      other.ws.terminate();
    } finally {
      await n.close();
    }
  });
});
