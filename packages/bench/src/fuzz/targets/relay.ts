/**
 * Fuzz target: hostile frames into a live Accord relay over a real WebSocket. An attacker
 * connection joins the same document as two honest clients and sends mutated protocol frames
 * (hellos, updates carrying real updates, presence, pings), each followed by a `ping`: a `pong`
 * means the frame was taken (accepted), an error or a close means it was refused (rejected).
 * Every 250 frames and at the end the honest clients must still work: an edit acknowledged and
 * delivered to the other, the node process alive. At the end both honest replicas and a fresh
 * client loading the document from the relay must hold the same text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMessage } from '@accord/core/protocol';
import type { AccordCoreApi } from '../../accord/core-api.js';
import { accordProtocol } from '../../relay/protocols/accord.js';
import type { LoadProtocol } from '../../relay/protocols/types.js';
import { startAccordRelays } from '../../relay/servers/accord-relay.js';
import type { ChildServer } from '../../relay/servers/child-server.js';
import { RawRelayClient } from './relay-client.js';
import type { FrameResult, FuzzTarget } from './types.js';

const DOC = 'fuzz-doc';
/** Frames per attacker connection before it reconnects (stays under the per-connection rate limit). */
const FRAMES_PER_CONNECTION = 100;
/** Frames between two honest round trips. */
const CHECK_EVERY = 250;

/** The relay target plus `close()` to stop the node and remove its data. */
export type RelayFuzzTarget = FuzzTarget & { close(): Promise<void> };

/** Builds the relay fuzz target on a loaded `@accord/core`. */
export function relayTarget(core: AccordCoreApi): RelayFuzzTarget {
  const protocol: LoadProtocol = accordProtocol(core);
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-fuzz-relay-'));
  let server: ChildServer | null = null;
  let url = '';
  let honest: RawRelayClient[] = [];
  let attacker: RawRelayClient | null = null;
  let sentOnConnection = 0;
  let frames = 0;
  let nonce = 1;
  let updateId = 1;
  let crashes = 0;
  const details: string[] = [];

  let lagMaxMs = 0;
  /** Reads the relay's event-loop lag maximum since the last scrape (prom-client default metric). */
  const scrapeLag = async (): Promise<void> => {
    if (server === null) return;
    try {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      const m = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? ([0-9.eE+-]+)$/m.exec(text);
      if (m) lagMaxMs = Math.max(lagMaxMs, Number(m[1]) * 1000);
    } catch {
      // metrics unavailable: the figure stays as it was
    }
  };

  const alive = () =>
    server !== null && server.process.exitCode === null && server.process.signalCode === null;

  /** One honest edit: acked to its author and delivered to the other honest client. */
  const roundTrip = async (): Promise<string | null> => {
    const [a, b] = honest as [RawRelayClient, RawRelayClient];
    if (a.replica === null) return 'no replica';
    const e = a.replica.edit();
    const id = updateId++;
    const acked = a.next((m) => m === null || (m.kind === 'ack' && m.id === id), 5000);
    // Delivered as sent, or inside a merged update: when the update releases what the room held
    // back for a missing dependency (here, an attacker's frame) while a session that joined during
    // the hold may lack it, the relay sends the two merged (`RoomDocument.apply`).
    const replica = b.replica;
    const delivered = b.next(
      (m) => m === null || (m.kind === 'update' && (m.key === e.key || replica?.contains(e.mark) === true)),
      5000,
    );
    a.send(protocol.updateFrame(DOC, id, e));
    const [ack, del] = await Promise.all([acked, delivered]);
    if (ack === null) return 'honest update not acknowledged within 5 s';
    if (del === null) return 'honest update not delivered within 5 s';
    return null;
  };

  const attackerConnection = async (): Promise<RawRelayClient> => {
    if (attacker === null || attacker.closed || sentOnConnection >= FRAMES_PER_CONNECTION) {
      attacker?.close();
      attacker = await RawRelayClient.connect(url, protocol, DOC, null);
      sentOnConnection = 0;
    }
    return attacker;
  };

  return {
    name: 'relay',

    async setup() {
      const [node] = await startAccordRelays(dataDir, 1);
      if (node === undefined) throw new Error('relay did not start');
      server = node;
      url = `ws://127.0.0.1:${node.port}`;
      honest = await Promise.all(
        [0, 1].map((i) => RawRelayClient.connect(url, protocol, DOC, protocol.createFullReplica(i, 7))),
      );
      const corpus: Uint8Array[] = [];
      const w = honest[0]?.replica;
      for (let i = 0; i < 20 && w; i++) {
        const e = w.edit();
        corpus.push(encodeMessage({ type: 'update', id: 1000 + i, update: e.payload }));
        const id = updateId++;
        const ack = honest[0]?.next((m) => m === null || (m.kind === 'ack' && m.id === id), 5000);
        honest[0]?.send(protocol.updateFrame(DOC, id, e));
        await ack;
      }
      corpus.push(...protocol.openFrames(DOC));
      corpus.push(encodeMessage({ type: 'ping', nonce: 5 }));
      corpus.push(encodeMessage({ type: 'resync', stateVector: core.encodeStateVector(new core.Doc()) }));
      corpus.push(
        encodeMessage({
          type: 'presence',
          state: { name: 'fuzz', color: '#fff', cursor: { a: 1 }, data: null },
        }),
      );
      await scrapeLag();
      lagMaxMs = 0;
      return corpus;
    },

    async feed(frame): Promise<FrameResult> {
      frames++;
      if (frames % CHECK_EVERY === 0) {
        await scrapeLag();
        const problem = alive() ? await roundTrip() : 'relay process died';
        if (problem !== null) {
          crashes++;
          details.push(`after frame ${frames}: ${problem}`);
          if (!alive()) throw new Error('relay process died');
        }
      }
      const conn = await attackerConnection();
      sentOnConnection += 2;
      const n = nonce++;
      const pong = conn.next(
        (m) => m === null || m.kind === 'error' || (m.kind === 'pong' && m.nonce === n),
        3000,
      );
      conn.send(frame);
      conn.send(encodeMessage({ type: 'ping', nonce: n }));
      const msg = await pong;
      if (msg !== null && msg.kind !== 'error') return { outcome: 'accepted' };
      if (msg === null && !conn.closed) {
        // No answer and still open: the node stopped answering this connection.
        if (!alive()) return { outcome: 'crash', detail: 'relay process died' };
        return { outcome: 'crash', detail: 'no pong within 3 s' };
      }
      return { outcome: 'rejected' };
    },

    async finish() {
      let corruptions = 0;
      if (!alive()) {
        crashes++;
        details.push('relay process dead at the end');
        return { crashes, corruptions, details };
      }
      const problem = await roundTrip();
      if (problem !== null) {
        crashes++;
        details.push(`final round trip: ${problem}`);
      }
      await scrapeLag();
      const fresh = await RawRelayClient.connect(url, protocol, DOC, protocol.createFullReplica(99, 7));
      const texts = [...honest.map((c) => c.replica?.digest()), fresh.replica?.digest()];
      fresh.close();
      if (new Set(texts).size !== 1) {
        corruptions++;
        details.push('honest replicas and the relay state differ at the end');
      }
      return { crashes, corruptions, details, targetEventLoopDelayMaxMs: lagMaxMs };
    },

    async close() {
      attacker?.close();
      for (const c of honest) c.close();
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
