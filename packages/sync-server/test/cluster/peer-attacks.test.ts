/**
 * The peer port of a real three-node cluster (relay processes, SQLite files) under attack: from
 * outsiders without the cluster secret (no handshake, a wrong secret, a known node id with any
 * proof, a replayed handshake, forged acks) and from a member gone wrong (it holds the secret:
 * a huge term, huge and foreign snapshot numbers, acks for the wrong document). Each is refused,
 * every node stays up, the data is exactly what honest clients wrote, acknowledgements still mean
 * W nodes hold the update, and snapshot numbering goes on.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Encoder } from '@accord/core/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { lengthPrefixed } from '../../src/cluster/frame-reader.js';
import { deriveClusterKey } from '../../src/cluster/peer-auth.js';
import { CLUSTER_PROTOCOL_VERSION } from '../../src/cluster/peer-codec.js';
import { DialerHandshake, encodeHandshake } from '../../src/cluster/peer-handshake.js';
import { PEER_PORT_OFFSET } from '../../src/config.js';
import { waitFor } from '../../src/testing/index.js';
import { DocClient } from '../support/doc-client.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { CLUSTER_SECRET } from '../support/in-process.js';
import { closed, dialAs, frameOf, rawSocket } from '../support/peer-client.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { removeTempDirs } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
const sockets: Socket[] = [];
const track = (s: Socket) => sockets.push(s);
let cluster: ProcessCluster | null = null;
const clients: DocClient[] = [];
afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const c of clients) c.client?.ws.terminate();
  await cluster?.stop();
  removeTempDirs();
});

/** Sum of `accord_peer_link_faults_total` on node `id`, by reason. */
async function faults(c: ProcessCluster, id: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${c.ports[id - 1]}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^accord_peer_link_faults_total\{([^}]*)\} (\d+)/gm)) {
    const reason = /reason="([^"]+)"/.exec(m[1] as string)?.[1] ?? '?';
    out.set(reason, (out.get(reason) ?? 0) + Number(m[2]));
  }
  return out;
}

type Num = { term: number; seq: number };
const after = (a: Num, b: Num) => a.term > b.term || (a.term === b.term && a.seq > b.seq);

/** Resident memory of node `id`'s process, in bytes (Linux). */
async function rssOf(c: ProcessCluster, id: number): Promise<number> {
  const pid = c.procs.get(id)?.proc.pid;
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Snapshot numbers logged as committed by any node (each node logs those it issued as leader). */
function committedSnapshots(c: ProcessCluster): Num[] {
  return loggedSnapshots(
    [...c.procs.values()].flatMap((p) => p.logs),
    'snapshot-committed',
  );
}

/** Snapshot numbers of `type` in `logs`, in log order. */
function loggedSnapshots(logs: readonly string[], type: string): Num[] {
  const out: Num[] = [];
  for (const line of logs) {
    if (!line.includes(type)) continue;
    const rec = JSON.parse(line) as { snapshot?: { term: number; seq: number } };
    if (rec.snapshot) out.push({ term: rec.snapshot.term, seq: rec.snapshot.seq });
  }
  return out;
}

/** A peer message with a term the codec must refuse (the encoder would refuse to write it). */
function heartbeatWithTerm(term: number): Buffer {
  const e = new Encoder();
  e.writeU8(CLUSTER_PROTOCOL_VERSION);
  e.writeU8(1);
  e.writeVarUint(term);
  e.writeVarUint(0);
  return lengthPrefixed(e.toBytes());
}

describe('attacks on the peer port of a live cluster', () => {
  it('refuses outsiders and a member gone wrong; nodes stay up, data and acks stay true', async () => {
    ensureBuilt();
    const c = await ProcessCluster.start(3, [
      '--auth-secret',
      SECRET,
      '--write-timeout',
      '1500',
      '--snapshot-every',
      '5',
    ]);
    cluster = c;
    const ids = [1, 2, 3];
    const leader = await c.agreedLeader(10_000);
    const term = (await c.health(1)).cluster.term;
    // Attack a follower: node 1 unless it leads.
    const target = leader === 1 ? 2 : 1;
    const member = ids.find((i) => i !== target && i !== leader) as number;
    const peerPort = (c.ports[target - 1] as number) + PEER_PORT_OFFSET;
    const token = await mintToken(SECRET, { docId: 'doc', scope: 'write' });
    const writer = new DocClient('doc', token);
    clients.push(writer);
    await writer.connect(c.url(target));
    for (let i = 0; i < 12; i++) writer.edit((d) => d.getText('t').insert(d.getText('t').length, `${i};`));
    await writer.settled();
    await waitFor('a snapshot before the attacks', () => committedSnapshots(c).length >= 1, {
      timeoutMs: 10_000,
      intervalMs: 20,
    });

    // 1. No handshake: an old-style hello and a replicate straight away.
    const noSecret = await rawSocket(peerPort, track);
    noSecret.write(Buffer.from([0, 0, 0, 3, 1, 9, member]));
    noSecret.write(
      frameOf({ type: 'replicate', docId: 'doc', updateId: 0, update: new Uint8Array([1, 2, 3]) }),
    );
    // 2. A wrong secret.
    expect(await dialAs(peerPort, member, 'a-wrong-secret-0123456789', target, track)).toEqual({
      failed: 'bad-proof',
    });
    // 3. A known node id without the secret: any proof.
    const knownId = await rawSocket(peerPort, track);
    knownId.write(
      lengthPrefixed(encodeHandshake(new DialerHandshake(deriveClusterKey(SECRET), member, target).hello())),
    );
    await once(knownId, 'data');
    knownId.write(lengthPrefixed(encodeHandshake({ type: 'proof', proof: new Uint8Array(32) })));
    // 4. A replayed handshake (recorded from an honest one made with the secret).
    const key = deriveClusterKey(CLUSTER_SECRET);
    const honest = await rawSocket(peerPort, track);
    const hs = new DialerHandshake(key, member, target);
    const hello = lengthPrefixed(encodeHandshake(hs.hello()));
    honest.write(hello);
    const [challenge] = (await once(honest, 'data')) as [Buffer];
    const step = hs.receive(challenge.subarray(4));
    if (step.kind !== 'send') throw new Error(`expected a proof, got ${step.kind}`);
    const proof = lengthPrefixed(encodeHandshake(step.message));
    honest.destroy();
    const replay = await rawSocket(peerPort, track);
    replay.write(hello);
    await once(replay, 'data');
    replay.write(proof);
    await Promise.all([noSecret, knownId, replay].map(closed));

    // 5–6. A member gone wrong (it holds the secret): a huge term, then snapshot numbers.
    const huge = await dialAs(peerPort, member, CLUSTER_SECRET, target, track);
    if (!('writer' in huge)) throw new Error(`member could not authenticate: ${huge.failed}`);
    huge.writer.write(heartbeatWithTerm(Number.MAX_SAFE_INTEGER));
    await closed(huge.socket);
    const foreign = await dialAs(peerPort, member, CLUSTER_SECRET, target, track);
    if (!('writer' in foreign)) throw new Error(`member could not authenticate: ${foreign.failed}`);
    // Not the leader of this term, and a term nobody leads: both ignored, the link stays up.
    const empty = new Uint8Array([0]);
    for (const n of [
      { term, seq: 2 ** 40 },
      { term: term + 1000, seq: 1 },
    ])
      foreign.writer.write(
        frameOf({
          type: 'snapshot-announce',
          docId: 'doc',
          number: n,
          at: Date.now(),
          stateVector: empty,
          snapshot: empty,
        }),
      );
    foreign.writer.write(frameOf({ type: 'snapshot-query', docId: 'doc', term: term + 1000 }));
    // Presence entries of several MiB: refused by the codec (the link closes), nothing kept.
    const bloated = await dialAs(peerPort, member, CLUSTER_SECRET, target, track);
    if (!('writer' in bloated)) throw new Error(`member could not authenticate: ${bloated.failed}`);
    const rssBefore = await rssOf(c, target);
    for (let i = 0; i < 10 && !bloated.socket.destroyed; i++) {
      const big = { name: 'x', color: '#000', cursor: null, data: 'y'.repeat(4 << 20) };
      bloated.writer.write(
        frameOf({ type: 'presence', docId: 'doc', entries: [{ sessionId: i + 1, state: big }] }),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    await closed(bloated.socket);
    expect((await rssOf(c, target)) - rssBefore).toBeLessThan(100 * 1024 * 1024);
    // Acks naming another document count for nothing.
    for (let id = 1; id <= 500; id++)
      foreign.writer.write(frameOf({ type: 'replicate-ack', docId: 'other', updateId: id }));

    // 7. Acknowledged means held by W = 2 nodes: with both other nodes frozen, forged acks
    // (from outside, and for the wrong document from a member) cannot acknowledge a write.
    c.signal(leader, 'SIGSTOP');
    c.signal(member, 'SIGSTOP');
    try {
      const forger = await rawSocket(peerPort, track);
      for (let id = 1; id <= 200; id++)
        forger.write(frameOf({ type: 'replicate-ack', docId: 'doc', updateId: id }));
      const frozenAcks = writer.acked.size;
      writer.edit((d) => d.getText('t').insert(d.getText('t').length, 'frozen;'));
      for (let id = 1; id <= 500; id++)
        foreign.writer.write(frameOf({ type: 'replicate-ack', docId: 'other', updateId: id }));
      const refusal = await writer.client?.next('error', (m) => m.code === 'unavailable', 5000);
      expect(refusal?.code).toBe('unavailable');
      expect(writer.acked.size).toBe(frozenAcks);
    } finally {
      c.signal(leader, 'SIGCONT');
      c.signal(member, 'SIGCONT');
    }
    // The refused write is resent once the others are back, and acknowledged then.
    writer.client?.ws.terminate();
    await writer.connect(c.url(target));
    await writer.settled(15_000);
    const highest = (ns: Num[]) => ns.reduce((m, n) => (after(n, m) ? n : m), { term: 0, seq: 0 });
    const before = highest(committedSnapshots(c));
    for (let i = 0; i < 12; i++)
      writer.edit((d) => d.getText('t').insert(d.getText('t').length, `after${i};`));
    await writer.settled(15_000);

    // Every node is up, saw the same term story, and holds exactly what the honest client wrote.
    for (const id of ids) {
      expect(c.procs.get(id)?.proc.exitCode).toBeNull();
      expect((await c.health(id)).cluster.term).toBeLessThan(term + 1000);
    }
    const want = writer.doc.getText('t').toString();
    expect(want).toContain('frozen;');
    for (const id of ids) {
      const reader = new DocClient('doc', token);
      clients.push(reader);
      await reader.connect(c.url(id));
      await reader.until(() => reader.doc.getText('t').toString() === want, 10_000);
      expect(JSON.stringify(reader.json())).toBe(JSON.stringify(writer.json()));
    }
    // Snapshot numbering went on past the forged numbers, none of which was ever taken. A leader
    // elected after the freeze counts only the updates it sees while leading: the writer goes on
    // writing (a bounded number of edits) until one is numbered.
    let more = 0;
    await waitFor(
      'a snapshot after the attacks',
      () => {
        if (after(highest(committedSnapshots(c)), before)) return true;
        if (more < 60) writer.edit((d) => d.getText('t').insert(d.getText('t').length, `more${more++};`));
        return false;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(committedSnapshots(c).every((n) => n.seq < 1000 && n.term < term + 1000)).toBe(true);
    // The attacked node itself goes on storing the real leader's snapshots: its promise and its
    // highest number were not raised by the forged ones.
    const accepted = () => loggedSnapshots(c.procs.get(target)?.logs ?? [], 'snapshot-accepted');
    await waitFor(
      'the attacked node to store a new snapshot',
      () => accepted().some((n) => after(n, before)),
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    expect(accepted().every((n) => n.seq < 1000 && n.term < term + 1000)).toBe(true);
    // Each refusal was counted where it happened.
    const counted = await faults(c, target);
    expect(counted.get('bad-proof')).toBeGreaterThanOrEqual(2);
    expect(counted.get('bad-frame')).toBeGreaterThanOrEqual(2);
    expect((counted.get('malformed') ?? 0) + (counted.get('bad-version') ?? 0)).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
