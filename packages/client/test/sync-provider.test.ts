import { decodeClientMessage, type PresenceState } from '@accord/core/protocol';
import { ManualScheduler } from '@accord/core/testing';
import { describe, expect, it } from 'vitest';
import { ProviderDestroyedError, type ProviderError } from '../src/errors.js';
import type { ProviderOptions, ProviderStatus } from '../src/provider-options.js';
import { SyncProvider } from '../src/sync-provider.js';
import { decodeOps, encodeOps, FakeDoc } from './support/fake-doc.js';
import { FakeRelay } from './support/fake-relay.js';
import { type FakeSocket, fakeWebSocketClass } from './support/fake-socket.js';

const A = 'ws://127.0.0.1:4001';
const B = 'ws://127.0.0.1:4002';

/** A harness: a fake doc, fake relays by URL, a manual clock; `pump()` lets relays answer new sockets. */
function harness(options: Partial<ProviderOptions> = {}, urls = [A, B]) {
  const scheduler = new ManualScheduler();
  const { ctor, sockets } = fakeWebSocketClass();
  const doc = new FakeDoc();
  const relays = new Map<string, FakeRelay>([
    [A, new FakeRelay(1)],
    [B, new FakeRelay(2)],
  ]);
  const dead = new Set<string>();
  const served = new Set<FakeSocket>();
  const statuses: ProviderStatus[] = [];
  const errors: ProviderError[] = [];
  const make = () => {
    const provider = new SyncProvider(doc, urls, {
      docId: 'notes',
      WebSocket: ctor,
      scheduler,
      random: () => 0,
      backoff: { initialDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 },
      ...options,
    });
    provider.on('status', ({ status }) => statuses.push(status));
    provider.on('error', (e) => errors.push(e));
    return provider;
  };
  const pump = () => {
    scheduler.runDeferred();
    for (const socket of sockets) {
      if (served.has(socket) || socket.readyState === 3) continue;
      served.add(socket);
      if (dead.has(socket.url)) socket.serverClose(1006, 'refused');
      else relays.get(socket.url)!.serve(socket);
    }
    scheduler.runDeferred();
  };
  const live = () => sockets.at(-1)!;
  const kill = (url: string) => {
    dead.add(url);
    for (const s of sockets) if (s.url === url && s.readyState !== 3) s.serverClose(1006, '');
  };
  /** Advance time in small steps, letting relays answer new sockets. */
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      scheduler.advance(10);
      pump();
    }
  };
  return { scheduler, sockets, doc, relays, statuses, errors, make, pump, live, kill, run, dead };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('SyncProvider document ids', () => {
  it('refuses an id a relay would refuse: empty, or with a lone surrogate (never sent as U+FFFD)', () => {
    for (const docId of ['', 'a\uD800', '\uDC00b']) {
      const h = harness({ docId });
      expect(() => h.make()).toThrow(TypeError);
      expect(h.sockets).toHaveLength(0);
    }
    const h = harness({ docId: 'a😀' });
    h.make();
    h.pump();
    expect(h.relays.get(A)!.received[0]).toMatchObject({ type: 'hello', docId: 'a😀' });
  });
});

describe('SyncProvider handshake and live sync', () => {
  it('says hello with docId, token and state vector, applies the sync reply and sends what the relay lacks', async () => {
    const h = harness({ token: 'tok' });
    h.doc.edit(1);
    h.relays.get(A)!.ops.add(50);
    const p = h.make();
    expect(p.status).toBe('connecting');
    h.pump();
    expect(h.statuses).toEqual(['connected', 'synced']);
    const hello = h.relays.get(A)!.received[0]!;
    expect(hello).toMatchObject({ type: 'hello', docId: 'notes', token: 'tok' });
    expect(hello.type === 'hello' && decodeOps(hello.stateVector)).toEqual([1]);
    expect([...h.doc.ops].sort()).toEqual([1, 50]);
    expect([...h.relays.get(A)!.ops].sort()).toEqual([1, 50]);
    expect(p.synced).toBe(true);
    expect(p.cluster).toMatchObject({ nodeId: 1, leaderId: 1, term: 1, url: A });
    await p.whenAcknowledged();
    expect(p.pendingUpdates).toBe(0);
  });

  it('content the document had before the provider existed: only what the relay lacks is sent, and it counts for whenAcknowledged', async () => {
    const h = harness({ connect: false });
    for (const op of [1, 2, 3]) h.doc.edit(op);
    const p = h.make();
    const acked = p.whenAcknowledged();
    expect(p.pendingUpdates).toBe(1);
    const relay = h.relays.get(A)!;
    for (const op of [1, 2]) relay.ops.add(op);
    p.connect();
    h.pump();
    await acked;
    const sent = relay.received.filter((m) => m.type === 'update');
    expect(sent.map((m) => m.type === 'update' && decodeOps(m.update))).toEqual([[3]]);
  });

  it('sends nothing when the relay already has the initial content', async () => {
    const h = harness({ connect: false });
    h.doc.edit(1);
    const p = h.make();
    h.relays.get(A)!.ops.add(1);
    const acked = p.whenAcknowledged();
    p.connect();
    h.pump();
    await acked;
    expect(h.relays.get(A)!.received.filter((m) => m.type === 'update')).toEqual([]);
  });

  it('sends live edits as updates with fresh ids; remote updates do not echo back', () => {
    const h = harness();
    h.make();
    h.pump();
    const relay = h.relays.get(A)!;
    h.doc.edit(7);
    h.doc.edit(8);
    h.pump(); // updates of one task go out together, at its end
    relay.send(h.live(), { type: 'update', id: 0, update: new Uint8Array([9, 0, 0, 0]) });
    expect(h.doc.ops.has(9)).toBe(true);
    const updates = relay.received.filter((m) => m.type === 'update');
    expect(updates.map((m) => m.type === 'update' && decodeOps(m.update))).toEqual([[7], [8]]);
    const ids = updates.map((m) => (m.type === 'update' ? m.id : 0));
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => id > 0)).toBe(true);
  });

  it('applies relay updates (sync reply and live) with the provider itself as their origin', () => {
    const h = harness();
    h.relays.get(A)!.ops.add(50);
    const origins: unknown[] = [];
    h.doc.onUpdate((_update, origin) => origins.push(origin));
    const p = h.make();
    expect(p.docId).toBe('notes');
    h.pump();
    h.relays.get(A)!.send(h.live(), { type: 'update', id: 0, update: new Uint8Array([9, 0, 0, 0]) });
    h.doc.edit(7);
    expect(origins).toEqual([p, p, 'local']);
  });

  it('a burst of transactions in one task goes out as one merged frame, not one frame each', () => {
    const h = harness();
    h.make();
    h.pump();
    for (let op = 1; op <= 200; op++) h.doc.edit(op);
    h.pump();
    const updates = h.relays.get(A)!.received.filter((m) => m.type === 'update');
    expect(updates.length).toBe(1);
    expect(h.relays.get(A)!.ops.size).toBe(200);
  });

  it('whenAcknowledged waits for the durable ack, and only for updates made before the call', async () => {
    const h = harness();
    const p = h.make();
    h.pump();
    const relay = h.relays.get(A)!;
    relay.holdAcks = true;
    h.doc.edit(1);
    h.pump();
    let done = false;
    void p.whenAcknowledged().then(() => {
      done = true;
    });
    h.doc.edit(2);
    h.pump();
    await flush();
    expect(done).toBe(false);
    const [first] = relay.heldAcks.splice(0, 1);
    relay.send(h.live(), { type: 'ack', id: first! });
    await flush();
    expect(done).toBe(true);
    expect(p.pendingUpdates).toBe(1);
  });
});

describe('SyncProvider offline and failover', () => {
  it('keeps edits made offline and sends them on reconnect: nothing lost', async () => {
    const h = harness();
    const p = h.make();
    h.pump();
    p.disconnect();
    expect(p.status).toBe('offline');
    for (let op = 1; op <= 20; op++) h.doc.edit(op);
    h.relays.get(A)!.ops.add(99); // someone else's edit meanwhile
    const acked = p.whenAcknowledged();
    expect(h.relays.get(A)!.ops.size).toBe(1);
    p.connect();
    h.pump();
    await acked;
    expect(h.relays.get(A)!.ops.size).toBe(21);
    expect(h.doc.ops.has(99)).toBe(true);
    // 20 offline edits went out merged, not as 20 frames.
    const sent = h.relays.get(A)!.received.filter((m) => m.type === 'update');
    expect(sent.length).toBeLessThan(5);
  });

  it("asks for its write concern in every hello, and refuses one that is not 1, 'majority' or 'all'", () => {
    const h = harness({ w: 'all' });
    const p = h.make();
    h.pump();
    expect(p.status).toBe('synced');
    expect(h.relays.get(A)!.received.find((m) => m.type === 'hello')).toMatchObject({ w: 'all' });
    const plain = harness();
    plain.make();
    plain.pump();
    expect(plain.relays.get(A)!.received.find((m) => m.type === 'hello')).not.toHaveProperty('w');
    expect(() => harness({ w: 2 as unknown as 1 }).make()).toThrow(TypeError);
  });

  it('exposes, per connection, whether the node read its quorum before answering', () => {
    const h = harness();
    h.relays.get(A)!.readQuorum = false;
    const p = h.make();
    expect(p.readQuorum).toBeUndefined();
    const seen: boolean[] = [];
    p.on('connected-node', (n) => seen.push(n.readQuorum));
    h.pump();
    expect(p.status).toBe('synced');
    expect(p.readQuorum).toBe(false);
    h.kill(A);
    h.run(200);
    expect(p.url).toBe(B);
    expect(p.readQuorum).toBe(true);
    expect(seen).toEqual([false, true]);
  });

  it('fails over to the other node when its node dies and resends every unacknowledged edit', async () => {
    const h = harness();
    const p = h.make();
    h.pump();
    const nodes: number[] = [];
    p.on('connected-node', (n) => nodes.push(n.nodeId));
    const a = h.relays.get(A)!;
    h.doc.edit(1);
    a.holdAcks = true;
    h.doc.edit(2);
    h.doc.edit(3);
    const acked = p.whenAcknowledged();
    h.kill(A);
    expect(p.status).toBe('connecting');
    h.run(200);
    expect(p.status).toBe('synced');
    expect(p.url).toBe(B);
    expect(nodes).toEqual([2]);
    expect(p.cluster?.nodeId).toBe(2);
    await acked;
    expect([...h.relays.get(B)!.ops].sort()).toEqual([1, 2, 3]);
  });

  it('after a failover, sends what it read elsewhere in the same frame as, and ahead of, its pending writes', () => {
    const h = harness();
    const p = h.make();
    h.pump();
    const a = h.relays.get(A)!;
    // Read on A: op 50, written by someone else, reaches this document through A.
    a.ops.add(50);
    a.send(h.live(), { type: 'update', id: 0, update: encodeOps([50]) });
    a.holdAcks = true;
    h.doc.edit(7); // written after reading 50: pending, unacknowledged
    h.doc.edit(8);
    h.kill(A);
    h.run(200);
    expect(p.url).toBe(B);
    const updates = h.relays.get(B)!.received.filter((m) => m.type === 'update');
    // B never holds 7 or 8 without 50: the first update frame carries all three.
    expect(updates.length).toBeGreaterThan(0);
    expect(decodeOps(updates[0]!.update).sort((x, y) => x - y)).toEqual([7, 8, 50]);
  });

  it('keeps rotating with growing backoff while every node is down, and recovers when one returns', () => {
    const h = harness();
    h.kill(A);
    h.kill(B);
    const p = h.make();
    h.run(3000);
    const tried = h.sockets.map((s) => s.url);
    expect(tried.slice(0, 4)).toEqual([A, B, A, B]);
    expect(tried.length).toBeLessThan(15);
    expect(p.status).toBe('connecting');
    h.dead.delete(B);
    h.run(2000);
    expect(p.status).toBe('synced');
  });

  it('fails over when the relay goes silent (paused process) and when it sits on an update', () => {
    const h = harness({ pingIntervalMs: 1000, livenessTimeoutMs: 3000, ackTimeoutMs: 5000 });
    const p = h.make();
    h.pump();
    const sock = h.live();
    // Silence the relay: swallow everything it would send.
    sock.onmessage = null;
    h.run(2000);
    expect(p.url).toBe(A);
    const pings = h.relays.get(A)!.received.filter((m) => m.type === 'ping');
    expect(pings.length).toBeGreaterThanOrEqual(1);
    h.run(1500);
    expect(p.url).toBe(B);
    expect(p.status).toBe('synced');
    // Now B answers pings but never acks.
    h.relays.get(B)!.holdAcks = true;
    h.doc.edit(5);
    h.run(4000);
    expect(p.url).toBe(B);
    h.run(2500);
    expect(p.url).toBe(A);
  });

  it("treats 'unavailable' as a reason to fail over and resend", async () => {
    const h = harness();
    const p = h.make();
    h.pump();
    h.relays.get(A)!.holdAcks = true;
    h.doc.edit(4);
    h.pump();
    const acked = p.whenAcknowledged();
    const id = h.relays.get(A)!.heldAcks[0]!;
    h.relays.get(A)!.send(h.live(), { type: 'error', code: 'unavailable', message: 'no quorum', id });
    expect(h.errors.map((e) => e.code)).toContain('unavailable');
    h.run(200);
    expect(p.url).toBe(B);
    await acked;
    expect(h.relays.get(B)!.ops.has(4)).toBe(true);
  });
});

describe('SyncProvider errors and close codes', () => {
  it('gives up after maxAuthRetries auth refusals instead of looping, with a typed fatal error', () => {
    const h = harness({ maxAuthRetries: 2 });
    for (const r of h.relays.values()) r.refuseWith = 4001;
    const p = h.make();
    h.run(60_000);
    expect(h.sockets.length).toBe(3);
    expect(p.status).toBe('offline');
    const last = h.errors.at(-1)!;
    expect(last).toMatchObject({ code: 'auth-failed', fatal: true, closeCode: 4001 });
    // connect() clears the fatal state and tries again.
    for (const r of h.relays.values()) r.refuseWith = undefined;
    p.connect();
    h.pump();
    expect(p.status).toBe('synced');
  });

  it('asks a token function again on every attempt', async () => {
    let n = 0;
    const h = harness({ token: async () => `t${++n}` });
    h.relays.get(A)!.refuseWith = 4002;
    const p = h.make();
    h.pump();
    await flush();
    h.run(200);
    await flush();
    h.pump();
    expect(p.status).toBe('synced');
    const tokens = [...h.relays.values()].flatMap((r) =>
      r.received.filter((m) => m.type === 'hello').map((m) => (m.type === 'hello' ? m.token : '')),
    );
    expect(tokens.sort()).toEqual(['t1', 't2']);
    expect(h.errors[0]).toMatchObject({ code: 'token-expired', fatal: false });
  });

  it('stops at once on codes that cannot succeed on retry (unsupported version, too big)', () => {
    for (const code of [4007, 1009]) {
      const h = harness();
      h.relays.get(A)!.refuseWith = code;
      const p = h.make();
      h.run(5000);
      expect(h.sockets.length).toBe(1);
      expect(p.status).toBe('offline');
      expect(h.errors.at(-1)!.fatal).toBe(true);
    }
  });

  it('drops an update the relay refuses as malformed, rejects its waiters, and reconnects', async () => {
    const h = harness();
    const p = h.make();
    h.pump();
    h.relays.get(A)!.holdAcks = true;
    h.doc.edit(6);
    h.pump();
    const acked = p.whenAcknowledged();
    const id = h.relays.get(A)!.heldAcks[0]!;
    const relay = h.relays.get(A)!;
    relay.send(h.live(), { type: 'error', code: 'bad-update', message: 'does not apply', id });
    h.live().serverClose(1007, 'bad data');
    await expect(acked).rejects.toMatchObject({ code: 'bad-update' });
    expect(p.pendingUpdates).toBe(0);
    h.run(200);
    expect(p.status).toBe('synced');
  });

  it('moves to another node when the relay sends undecodable bytes', () => {
    const h = harness();
    const p = h.make();
    h.pump();
    h.live().serverSend(new Uint8Array([1, 200, 3]));
    expect(h.errors[0]!.code).toBe('bad-relay-data');
    h.run(200);
    expect(p.url).toBe(B);
    expect(p.status).toBe('synced');
  });

  it('holds edits of a read-only session and reports it once', () => {
    const h = harness();
    h.relays.get(A)!.scope = 'read';
    const p = h.make();
    h.pump();
    h.doc.edit(1);
    h.doc.edit(2);
    h.pump();
    expect(h.relays.get(A)!.received.filter((m) => m.type === 'update').length).toBe(0);
    expect(h.errors.filter((e) => e.code === 'read-only').length).toBe(1);
    expect(p.pendingUpdates).toBe(2);
  });

  it('gives up an attempt whose handshake never completes', () => {
    const h = harness({ connectTimeoutMs: 1000 });
    const p = h.make();
    h.sockets[0]!.serverOpen(); // opens, never answers
    h.scheduler.advance(1000);
    expect(p.status).toBe('connecting');
    h.run(200);
    expect(p.url).toBe(B);
    expect(p.status).toBe('synced');
  });
});

describe('SyncProvider presence, cluster and lifecycle', () => {
  it('tracks peers from presence updates, ignores itself, forgets everyone on disconnect', () => {
    const h = harness();
    const p = h.make();
    const seen: Map<number, PresenceState>[] = [];
    p.on('presence', (peers) => seen.push(peers));
    h.pump();
    const relay = h.relays.get(A)!;
    const ann: PresenceState = { name: 'Ann', color: '#f00', cursor: { anchor: 1, head: 3 }, data: null };
    relay.presence(h.live(), [
      { sessionId: 5, state: ann },
      { sessionId: relay.sessionId, state: { ...ann, name: 'me' } },
    ]);
    expect([...p.peers.keys()]).toEqual([5]);
    relay.presence(h.live(), [{ sessionId: 5, state: null }]);
    expect(p.peers.size).toBe(0);
    relay.presence(h.live(), [{ sessionId: 6, state: ann }]);
    p.disconnect();
    expect(p.peers.size).toBe(0);
    expect(seen.map((m) => m.size)).toEqual([1, 0, 1, 0]);
  });

  it('sends presence when synced and again after a reconnect', () => {
    const h = harness();
    const p = h.make();
    p.setPresence({ name: 'Bo', color: '#0f0' });
    h.pump();
    p.updatePresence({ cursor: 4 });
    h.pump();
    h.kill(A);
    h.run(200);
    const fromA = h.relays.get(A)!.received.filter((m) => m.type === 'presence');
    const fromB = h.relays.get(B)!.received.filter((m) => m.type === 'presence');
    expect(fromA.map((m) => m.type === 'presence' && m.state?.cursor)).toEqual([null, 4]);
    expect(fromB).toEqual([
      { type: 'presence', state: { name: 'Bo', color: '#0f0', cursor: 4, data: null } },
    ]);
  });

  it('sends only the last presence state of a task, and rejects invalid values at once', () => {
    const h = harness();
    const p = h.make();
    h.pump();
    for (let i = 0; i < 50; i++) p.updatePresence({ cursor: i });
    h.pump();
    const sent = h.relays.get(A)!.received.filter((m) => m.type === 'presence');
    expect(sent.map((m) => m.type === 'presence' && m.state?.cursor)).toEqual([49]);
    expect(() => p.setPresence({ cursor: Number.NaN })).toThrow(
      expect.objectContaining({ name: 'AccordError', code: 'invalid-argument' }),
    );
    expect(p.localPresence?.cursor).toBe(49);
    p.setPresence(null);
    h.pump();
    expect(
      h.relays
        .get(A)!
        .received.filter((m) => m.type === 'presence')
        .at(-1),
    ).toEqual({ type: 'presence', state: null });
  });

  it('reports presence the relay refused as too large, and stays synced', () => {
    const h = harness();
    const p = h.make();
    h.pump();
    p.setPresence({ data: 'x'.repeat(100) });
    h.pump();
    h.relays
      .get(A)!
      .send(h.live(), { type: 'error', code: 'too-large', message: 'presence too large', id: 0 });
    expect(h.errors.map((e) => [e.code, e.fatal])).toEqual([['too-large', false]]);
    expect(p.status).toBe('synced');
    expect(h.live().readyState).toBe(1);
  });

  it('pings at least every presence TTL / 3 so the relay does not expire this session', () => {
    const h = harness({ pingIntervalMs: 60_000, livenessTimeoutMs: 1e9 });
    h.relays.get(A)!.presenceTtlMs = 3000;
    h.make();
    h.pump();
    h.run(3000);
    expect(h.relays.get(A)!.received.filter((m) => m.type === 'ping').length).toBe(3);
  });

  it('reports cluster changes', () => {
    const h = harness();
    const p = h.make();
    const infos: unknown[] = [];
    p.on('cluster', (c) => infos.push(c));
    h.pump();
    h.relays.get(A)!.send(h.live(), {
      type: 'cluster',
      nodeId: 1,
      leaderId: 3,
      term: 4,
      successors: [2],
      snapshotTerm: 4,
      snapshotSeq: 17,
    });
    expect(infos.length).toBe(2);
    expect(p.cluster).toEqual({
      nodeId: 1,
      leaderId: 3,
      term: 4,
      successors: [2],
      snapshotTerm: 4,
      snapshotSeq: 17,
      url: A,
    });
  });

  it('destroy() closes, stops retrying, unsubscribes and rejects pending waiters', async () => {
    const h = harness();
    const p = h.make();
    h.pump();
    h.relays.get(A)!.holdAcks = true;
    h.doc.edit(1);
    const acked = p.whenAcknowledged();
    p.destroy();
    await expect(acked).rejects.toBeInstanceOf(ProviderDestroyedError);
    expect(h.live().closedWith?.code).toBe(1000);
    expect(h.doc.listenerCount).toBe(0);
    h.run(10_000);
    expect(h.sockets.length).toBe(1);
    expect(() => p.connect()).toThrow(/destroyed/);
  });

  it('does not connect before connect() when created with connect: false', () => {
    const h = harness({ connect: false });
    const p = h.make();
    expect(h.sockets.length).toBe(0);
    expect(p.status).toBe('offline');
    p.connect();
    h.pump();
    expect(p.status).toBe('synced');
    expect(decodeClientMessage(h.live().sent[0]!).type).toBe('hello');
  });
});
