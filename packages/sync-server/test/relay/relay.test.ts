import { describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { GSetDocument, gsetUpdate } from '../support/gset-engine.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';

const { nodes, clients } = closeAfterEach();

async function node(args: string[] = []) {
  const n = await startNode(args);
  nodes.push(n);
  return n;
}
const EMPTY_SV = new Uint8Array([0]);
const tok = (docId: string, scope: 'read' | 'write' = 'write') => mintToken(SECRET, { docId, scope });
async function join(
  n: RelayNode,
  docId: string,
  sv: Uint8Array = EMPTY_SV,
  scope: 'read' | 'write' = 'write',
) {
  const c = await TestClient.join(urlOf(n), docId, await tok(docId, scope), sv);
  clients.push(c);
  return c;
}
const entry = (replica: number, counter: number, payload = `${replica}.${counter}`) =>
  gsetUpdate([{ replica, counter, payload }]);

describe('relay handshake and sync', () => {
  it('answers hello with welcome, the missing part, its state vector, cluster status', async () => {
    const n = await node(['--id', '7']);
    const a = await join(n, 'doc');
    const welcome = await a.next('welcome');
    expect(welcome).toMatchObject({ scope: 'write', nodeId: 7, presenceTtlMs: 30000 });
    expect(a.messages.map((m) => m.type).slice(0, 3)).toEqual(['welcome', 'sync', 'cluster']);
    expect(await a.next('cluster')).toEqual({
      type: 'cluster',
      nodeId: 7,
      leaderId: 7,
      term: 1,
      successors: [],
      snapshotTerm: 0,
      snapshotSeq: 0,
    });
    await a.ack(a.update(entry(1, 1)));
    await a.ack(a.update(entry(1, 2)));
    // A client that has 1.1 receives exactly 1.2.
    const have = new GSetDocument();
    have.apply(entry(1, 1));
    const b = await join(n, 'doc', have.stateVector());
    const sync = await b.next('sync');
    const check = new GSetDocument();
    check.apply(sync.update);
    expect(check.toJSON()).toEqual([]); // 1.2 alone is held: it depends on 1.1
    have.apply(sync.update);
    expect(have.toJSON()).toEqual(['1.1', '1.2']);
    const serverState = new GSetDocument();
    serverState.apply(have.diff(EMPTY_SV));
    expect(Array.from(sync.stateVector)).toEqual(Array.from(serverState.stateVector()));
  });

  it('relays updates to the other sessions of the room only, and acks the sender', async () => {
    const n = await node();
    const a = await join(n, 'room');
    const b = await join(n, 'room');
    const other = await join(n, 'elsewhere');
    const id = a.update(entry(5, 1, 'hello'));
    await a.ack(id);
    const got = await b.next('update');
    expect(got.id).toBe(0);
    expect(Array.from(got.update)).toEqual(Array.from(entry(5, 1, 'hello')));
    expect(a.all('update')).toHaveLength(0);
    expect(other.all('update')).toHaveLength(0);
  });

  it('resync answers with what the client still lacks', async () => {
    const n = await node();
    const a = await join(n, 'd');
    await a.ack(a.update(entry(1, 1)));
    a.send({ type: 'resync', stateVector: EMPTY_SV });
    const syncs = () => a.all('sync');
    await a.next('sync', () => syncs().length === 2);
    const doc = new GSetDocument();
    doc.apply((syncs()[1] as { update: Uint8Array }).update);
    expect(doc.toJSON()).toEqual(['1.1']);
  });

  it('answers ping with pong', async () => {
    const n = await node();
    const a = await join(n, 'd');
    a.send({ type: 'ping', nonce: 42 });
    expect(await a.next('pong')).toEqual({ type: 'pong', nonce: 42 });
  });

  it('processes updates sent right after hello, before the handshake completed', async () => {
    const n = await node();
    const c = await TestClient.connect(urlOf(n));
    clients.push(c);
    c.send({ type: 'hello', docId: 'early', token: await tok('early'), stateVector: EMPTY_SV });
    const id = c.update(entry(3, 1));
    await c.ack(id);
    expect(c.messages.findIndex((m) => m.type === 'sync')).toBeLessThan(
      c.messages.findIndex((m) => m.type === 'ack'),
    );
  });
});

describe('read-only sessions', () => {
  it('refuse writes with read-only, keep the connection, leave the document unchanged', async () => {
    const n = await node();
    const w = await join(n, 'd');
    const r = await join(n, 'd', EMPTY_SV, 'read');
    expect((await r.next('welcome')).scope).toBe('read');
    r.send({ type: 'update', id: 9, update: entry(66, 1) });
    expect(await r.next('error')).toMatchObject({ code: 'read-only', id: 9 });
    await w.ack(w.update(entry(1, 1)));
    expect((await r.next('update')).update).toEqual(entry(1, 1));
    const fresh = await join(n, 'd');
    const doc = new GSetDocument();
    doc.apply((await fresh.next('sync')).update);
    expect(doc.toJSON()).toEqual(['1.1']);
    expect(w.all('update')).toHaveLength(0);
    expect(r.closeCode).toBeNull();
  });
});

describe('presence', () => {
  it('is relayed with the session id, sent to newcomers, cleared when a session leaves', async () => {
    const n = await node();
    const a = await join(n, 'p');
    const b = await join(n, 'p');
    const aId = (await a.next('welcome')).sessionId;
    const state = { name: 'Ada', color: '#f0a', cursor: { anchor: 3, head: 5 }, data: null };
    a.send({ type: 'presence', state });
    expect(await b.next('presence-update')).toEqual({
      type: 'presence-update',
      entries: [{ sessionId: aId, state }],
    });
    const c = await join(n, 'p');
    expect((await c.next('presence-update')).entries).toEqual([{ sessionId: aId, state }]);
    await a.close();
    await b.next('presence-update', (m) => m.entries[0]?.state === null);
    await c.next('presence-update', (m) => m.entries[0]?.state === null && m.entries[0].sessionId === aId);
  });

  it('does not relay oversized presence; the connection stays', async () => {
    const n = await node();
    const a = await join(n, 'p');
    const b = await join(n, 'p');
    a.send({ type: 'presence', state: { name: 'A', color: 'red', cursor: null, data: 'x'.repeat(10_000) } });
    expect((await a.next('error')).code).toBe('too-large');
    a.send({ type: 'presence', state: { name: 'A', color: 'red', cursor: null, data: 'small' } });
    expect((await b.next('presence-update')).entries[0]?.state?.data).toBe('small');
    expect(b.all('presence-update')).toHaveLength(1);
    expect(a.closeCode).toBeNull();
  });

  it('bounds presence in bytes per entry and per room; a refused set leaves the node as it was', async () => {
    const n = await node(['--presence-max-bytes', '300', '--presence-room-bytes', '600']);
    const [a, b, c] = [await join(n, 'p'), await join(n, 'p'), await join(n, 'p')];
    const st = (name: string, n: number) => ({ name, color: '', cursor: null, data: 'x'.repeat(n) });
    a.send({ type: 'presence', state: st('a', 250) });
    await b.next('presence-update', (m) => m.entries[0]?.state?.name === 'a');
    b.send({ type: 'presence', state: st('b', 250) });
    await a.next('presence-update', (m) => m.entries[0]?.state?.name === 'b');
    // Over the entry bound: refused by its frame's size, before it is decoded.
    c.send({ type: 'presence', state: st('c', 300) });
    expect((await c.next('error')).code).toBe('too-large');
    // Within the entry bound, but the room already holds ~520 of its 600 bytes.
    c.send({ type: 'presence', state: st('c', 100) });
    await c.next('error', (e) => e.message.includes('room'));
    // Shrinking one's own entry always fits; then there is room for c.
    a.send({ type: 'presence', state: st('a', 10) });
    await b.next('presence-update', (m) => m.entries[0]?.state?.data === 'x'.repeat(10));
    c.send({ type: 'presence', state: st('c', 100) });
    await a.next('presence-update', (m) => m.entries.some((e) => e.state?.name === 'c'));
    const d = await join(n, 'p');
    const names = (await d.next('presence-update')).entries.map((e) => e.state?.name).sort();
    expect(names).toEqual(['a', 'b', 'c']);
    expect(c.closeCode).toBeNull();
    const metrics = await (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text();
    expect(metrics).toMatch(
      /accord_presence_refused_total\{source="client",reason="entry-bytes",node="\d+"\} 1/,
    );
    expect(metrics).toMatch(
      /accord_presence_refused_total\{source="client",reason="room-bytes",node="\d+"\} 1/,
    );
  });

  it('merges a burst of presence changes into a few frames carrying the latest state', async () => {
    const n = await node(['--presence-interval', '300']);
    const a = await join(n, 'p');
    const b = await join(n, 'p');
    for (let i = 0; i < 50; i++)
      a.send({ type: 'presence', state: { name: 'a', color: '', cursor: i, data: null } });
    await b.next('presence-update', (m) => m.entries[0]?.state?.cursor === 49);
    // One frame at once (the first change), the rest merged into the next interval's frame.
    expect(b.all('presence-update').length).toBeLessThanOrEqual(3);
    expect(a.all('presence-update')).toHaveLength(0);
  });

  it('expires the presence of a silent session', async () => {
    const n = await node(['--presence-ttl', '300']);
    const a = await join(n, 'p');
    const b = await join(n, 'p');
    a.send({ type: 'presence', state: { name: 'A', color: 'red', cursor: null, data: null } });
    await b.next('presence-update', (m) => m.entries[0]?.state !== null);
    // b keeps talking, a stays silent: a's presence expires while its connection stays open.
    const keepAlive = setInterval(() => b.send({ type: 'ping', nonce: 1 }), 50);
    try {
      await b.next('presence-update', (m) => m.entries[0]?.state === null, 3000);
    } finally {
      clearInterval(keepAlive);
    }
    expect(a.closeCode).toBeNull();
  });
});
