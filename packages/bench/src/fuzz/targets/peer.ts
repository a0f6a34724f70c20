/**
 * Fuzz target: hostile frames on an AUTHENTICATED peer link into a live cluster (contract:
 * `pnpm fuzz --target peer`). The fuzzer holds the cluster secret and plays node 3 of a
 * three-member cluster whose nodes 1 and 2 are real relay processes: it listens where nodes 1
 * and 2 dial node 3 (so it hears their answers) and sends mutated peer messages to node 1 on a
 * link of its own, each in a properly sealed record, so the bytes reach the message decoder and
 * the handlers, not just the handshake. After each frame it sends a probe (`sync-request` for a
 * fresh document): an answer means the frame was taken, a closed link means it was refused, and
 * silence means the node stopped answering (a crash). Every 250 frames and at the end two honest
 * clients (one per node) must still write and see each other's edits; at the end fresh clients
 * on both nodes must load exactly what the honest clients hold, and both processes must be up.
 *
 * A member holding the secret is trusted with what members do (it may write documents, claim
 * terms, vote): the invariants are the ones no peer may break, not the cluster's liveness.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import {
  type ClusterMessage,
  deriveClusterKey,
  dialPeer,
  encodeClusterMessage,
  PeerLinks,
  type RecordWriter,
} from '@accord/sync-server';
import type { AccordCoreApi } from '../../accord/core-api.js';
import { accordProtocol } from '../../relay/protocols/accord.js';
import type { LoadProtocol } from '../../relay/protocols/types.js';
import { accordRelayMain, freeNodePort } from '../../relay/servers/accord-relay.js';
import { type ChildServer, startChildServer } from '../../relay/servers/child-server.js';
import { RawRelayClient } from './relay-client.js';
import type { FrameResult, FuzzTarget } from './types.js';

const DOC = 'fuzz-doc';
const CHECK_EVERY = 250;
const PEER_OFFSET = 1000;

/** The peer target plus `close()`. */
export type PeerFuzzTarget = FuzzTarget & { close(): Promise<void> };

function lengthPrefixed(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.set(body, 4);
  return out;
}

/** Real peer messages to mutate: every kind, with realistic fields. */
function peerCorpus(): Uint8Array[] {
  const doc = new Doc({ clientId: 4242 });
  const text = doc.getText('t');
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 8; i++) text.insert(text.length, `peer ${i} `);
  text.delete(2, 3);
  const sv = encodeStateVector(doc);
  const full = encodeStateAsUpdate(doc);
  const d = (i: number) => `peer-fuzz-${i}`;
  const messages: ClusterMessage[] = [
    ...updates.map((update, i) => ({ type: 'replicate' as const, docId: d(i % 3), updateId: i + 1, update })),
    { type: 'replicate', docId: d(0), updateId: 0, update: full },
    { type: 'replicate-ack', docId: d(0), updateId: 1 },
    { type: 'sync-request', docId: d(1), reqId: 0, stateVector: sv },
    { type: 'sync-reply', docId: d(2), reqId: 7, update: full, stateVector: sv },
    { type: 'heartbeat', term: 3, successors: [2, 1] },
    { type: 'heartbeat-ack', term: 3 },
    { type: 'pre-vote', term: 4 },
    { type: 'pre-vote-reply', term: 4, granted: true },
    { type: 'elect', term: 4 },
    { type: 'alive', term: 4 },
    { type: 'vote-request', term: 4 },
    { type: 'vote-reply', term: 4, granted: true },
    { type: 'election-request', term: 4 },
    { type: 'ring-election', term: 4, initiator: 2, ranks: [2, 3] },
    { type: 'ring-leader', term: 4, initiator: 2, leader: 3 },
    { type: 'ring-ack', term: 4 },
    { type: 'invite', term: 4, size: 2 },
    { type: 'invite-accept', term: 4, members: [1, 2] },
    { type: 'invite-merge', term: 4, coordinator: 3 },
    { type: 'group-beat', term: 4, members: [2] },
    { type: 'snapshot-query', docId: d(0), term: 3 },
    { type: 'snapshot-answer', docId: d(0), term: 3, highest: { term: 2, seq: 5 } },
    {
      type: 'snapshot-announce',
      docId: d(0),
      number: { term: 3, seq: 6 },
      at: 1796227200000,
      stateVector: sv,
      snapshot: full,
    },
    { type: 'snapshot-reply', docId: d(0), number: { term: 3, seq: 6 }, accepted: true, promisedTerm: 3 },
    {
      type: 'presence',
      docId: d(1),
      entries: [
        { sessionId: 3 * 2 ** 20 + 1, state: { name: 'peer', color: '#123', cursor: { a: 1 }, data: null } },
      ],
    },
    { type: 'presence-reset' },
  ];
  return messages.map(encodeClusterMessage);
}

/** Builds the peer fuzz target. */
export function peerTarget(core: AccordCoreApi): PeerFuzzTarget {
  const protocol: LoadProtocol = accordProtocol(core);
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-fuzz-peer-'));
  const secret = randomBytes(24).toString('base64url');
  const servers: ChildServer[] = [];
  let ports: number[] = [];
  let honest: RawRelayClient[] = [];
  let self: PeerLinks | null = null;
  let link: { writer: RecordWriter; closed: boolean; socket: Socket } | null = null;
  const probes = new Map<string, () => void>();
  let probeSeq = 0;
  let frames = 0;
  let updateId = 1;
  let crashes = 0;
  const details: string[] = [];

  const alive = () =>
    servers.length === 2 &&
    servers.every((s) => s.process.exitCode === null && s.process.signalCode === null);

  /** Authenticated link to node 1, as node 3 (a new one after node 1 closed the last). */
  const connect = () =>
    new Promise<NonNullable<typeof link>>((resolve, reject) => {
      const s = dialPeer(
        {
          host: '127.0.0.1',
          port: (ports[0] as number) + PEER_OFFSET,
          self: 3,
          peer: 1,
          clusterKey: deriveClusterKey(secret),
          tls: null,
          handshakeTimeoutMs: 3000,
          maxRecordPayload: 1 << 24,
        },
        {
          onAuthenticated: (writer, socket) => {
            const l = { writer, closed: false, socket };
            socket.on('close', () => {
              l.closed = true;
            });
            resolve(l);
          },
          onFailed: (reason) => reject(new Error(`peer handshake failed: ${reason}`)),
        },
      );
      s.on('error', () => {});
    });

  const roundTrip = async (): Promise<string | null> => {
    for (const [from, to] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const a = honest[from] as RawRelayClient;
      const b = honest[to] as RawRelayClient;
      if (a.replica === null) return 'no replica';
      const e = a.replica.edit();
      const id = updateId++;
      const acked = a.next((m) => m === null || (m.kind === 'ack' && m.id === id), 8000);
      // Delivered as sent, or inside a relay's merged update (a causal fill the node took before the
      // forward itself, which then brings nothing new and is not relayed again).
      const replica = b.replica;
      const delivered = b.next(
        (m) => m === null || (m.kind === 'update' && (m.key === e.key || replica?.contains(e.mark) === true)),
        8000,
      );
      a.send(protocol.updateFrame(DOC, id, e));
      const [ack, del] = await Promise.all([acked, delivered]);
      if (ack === null) return `honest update on node ${from + 1} not acknowledged within 8 s`;
      if (del === null) return `honest update on node ${from + 1} not delivered to node ${to + 1} within 8 s`;
    }
    return null;
  };

  return {
    name: 'peer',

    async setup() {
      ports = [await freeNodePort(), await freeNodePort(), await freeNodePort()];
      const peersOf = (id: number) =>
        ports
          .map((p, i) => ({ id: i + 1, p }))
          .filter((x) => x.id !== id)
          .map((x) => `${x.id}@127.0.0.1:${x.p}`)
          .join(',');
      // Node 3 is this process: it listens for nodes 1 and 2 with the real link code.
      self = new PeerLinks({
        nodeId: 3,
        listenHost: '127.0.0.1',
        listenPort: (ports[2] as number) + PEER_OFFSET,
        peers: [1, 2].map((id) => ({ id, host: '127.0.0.1', port: (ports[id - 1] as number) + PEER_OFFSET })),
        clusterKey: deriveClusterKey(secret),
        onMessage: (_from, m) => {
          if (m.type === 'sync-reply') probes.get(m.docId)?.();
        },
      });
      await self.start();
      for (const id of [1, 2]) {
        const port = ports[id - 1] as number;
        servers.push(
          await startChildServer(
            [
              accordRelayMain(),
              ...['--id', String(id), '--port', String(port), '--data', join(dataDir, `node-${id}`)],
              ...['--auth', 'none', '--log-level', 'warn', '--peers', peersOf(id)],
            ],
            { kind: 'http', port, path: '/healthz' },
            { env: { ...process.env, ACCORD_CLUSTER_SECRET: secret } },
          ),
        );
      }
      const end = Date.now() + 10_000;
      while (!self.inboundPeers().includes(1) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      if (!self.inboundPeers().includes(1)) throw new Error('node 1 never dialed the fuzzer (node 3)');
      honest = await Promise.all(
        [0, 1].map((i) =>
          RawRelayClient.connect(
            `ws://127.0.0.1:${ports[i]}`,
            protocol,
            DOC,
            protocol.createFullReplica(i, 7),
          ),
        ),
      );
      link = await connect();
      return peerCorpus();
    },

    async feed(frame): Promise<FrameResult> {
      frames++;
      if (frames % CHECK_EVERY === 0) {
        const problem = alive() ? await roundTrip() : 'a relay process died';
        if (problem !== null) {
          crashes++;
          details.push(`after frame ${frames}: ${problem}`);
          if (!alive()) throw new Error('a relay process died');
        }
      }
      if (link === null || link.closed) link = await connect();
      const l = link;
      const probeDoc = `probe-${probeSeq++}`;
      const answered = new Promise<'answer' | 'closed' | 'silent'>((resolve) => {
        const timer = setTimeout(() => resolve(l.closed ? 'closed' : 'silent'), 3000);
        const done = (v: 'answer' | 'closed') => {
          clearTimeout(timer);
          probes.delete(probeDoc);
          resolve(v);
        };
        probes.set(probeDoc, () => done('answer'));
        l.socket.once('close', () => done('closed'));
      });
      l.writer.write(lengthPrefixed(frame));
      l.writer.write(
        lengthPrefixed(
          encodeClusterMessage({
            type: 'sync-request',
            docId: probeDoc,
            reqId: 0,
            stateVector: encodeStateVector(new Doc()),
          }),
        ),
      );
      const outcome = await answered;
      if (outcome === 'answer') return { outcome: 'accepted' };
      if (outcome === 'closed')
        return alive() ? { outcome: 'rejected' } : { outcome: 'crash', detail: 'relay died' };
      return { outcome: 'crash', detail: alive() ? 'node 1 stopped answering its peer link' : 'relay died' };
    },

    async finish() {
      let corruptions = 0;
      if (!alive()) {
        crashes++;
        details.push('a relay process is dead at the end');
        return { crashes, corruptions, details };
      }
      const problem = await roundTrip();
      if (problem !== null) {
        crashes++;
        details.push(`final round trip: ${problem}`);
      }
      const digests = honest.map((c) => c.replica?.digest());
      for (const i of [0, 1]) {
        const fresh = await RawRelayClient.connect(
          `ws://127.0.0.1:${ports[i]}`,
          protocol,
          DOC,
          protocol.createFullReplica(90 + i, 7),
        );
        digests.push(fresh.replica?.digest());
        fresh.close();
      }
      if (new Set(digests).size !== 1) {
        corruptions++;
        details.push('honest replicas and the two nodes differ at the end');
      }
      return { crashes, corruptions, details };
    },

    async close() {
      link?.socket.destroy();
      for (const c of honest) c.close();
      await self?.stop();
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
