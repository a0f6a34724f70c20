/**
 * The light load's bookkeeping against a toy relay on 127.0.0.1 that misbehaves on purpose:
 * a second copy of an update must count as a duplicate, never stand in for a copy another client
 * did not get, and never keep the drain waiting for a delivery count it can no longer reach.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runLightLoad } from '../../src/relay/load-generator.js';
import type { Incoming, LoadProtocol } from '../../src/relay/protocols/types.js';
import { toBytes } from '../../src/relay/ws-bytes.js';

const READY = 1;
const UPDATE = 2;
const ACK = 3;

function frame(type: number, a: number, b = 0): Uint8Array {
  const bytes = new Uint8Array(9);
  const view = new DataView(bytes.buffer);
  bytes[0] = type;
  view.setUint32(1, a);
  view.setUint32(5, b);
  return bytes;
}

/** Toy wire: `[type, u32, u32]`; an update carries (id, key), the open frame (doc, 0). */
const toyProtocol: LoadProtocol = {
  lib: 'accord',
  ackById: true,
  openFrames: (docId) => [frame(READY, Number(docId.split('-').pop()))],
  updateFrame: (_docId, id, u) => frame(UPDATE, id, u.key),
  parse(bytes): Incoming {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes[0] === READY) return { kind: 'ready' };
    if (bytes[0] === ACK) return { kind: 'ack', id: view.getUint32(1), ok: true };
    if (bytes[0] === UPDATE) return { kind: 'update', key: view.getUint32(5), payload: bytes };
    return { kind: 'other' };
  },
  makeUpdates: (client, count) =>
    Array.from({ length: count }, (_, j) => ({ key: client * 100_000 + j + 1, payload: new Uint8Array(0) })),
  createFullReplica: () => {
    throw new Error('the toy relay has no full clients');
  },
};

const MERGED = 4;

/**
 * The toy wire plus merged frames: `[4, u32 replica, u32 clock]`, an update that is none of the
 * run's but holds the unit of one (as a relay's merged catch-up does); update `j` of client `c`
 * holds unit (`c + 1`, `j`).
 */
const mergingProtocol: LoadProtocol = {
  ...toyProtocol,
  parse(bytes): Incoming {
    if (bytes[0] === MERGED) return { kind: 'update', key: 0, payload: bytes };
    return toyProtocol.parse(bytes);
  },
  unitsOf(payload) {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    return payload[0] === MERGED ? [[view.getUint32(1), view.getUint32(5), 1] as const] : [];
  },
  makeUpdates: (client, count) =>
    Array.from({ length: count }, (_, j) => ({
      key: client * 100_000 + j + 1,
      payload: new Uint8Array(0),
      unit: [client + 1, j] as const,
    })),
};

/**
 * A relay that acknowledges every update and fans it out to the other sockets of its document;
 * `copies(nth)` says how many copies the nth fan-out (0-based, over the run) sends.
 */
async function toyRelay(
  copies: (nth: number) => number,
  /** Frames of an update no client sent (a merged catch-up), sent with the first fan-out. */
  strays = 0,
  /** Fan-outs sent as a merged frame holding the update's unit instead of the update. */
  merged: (nth: number) => boolean = () => false,
): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const docs = new Map<number, Set<import('ws').WebSocket>>();
  let fanouts = 0;
  wss.on('connection', (ws) => {
    let doc = -1;
    ws.on('message', (data) => {
      const bytes = toBytes(data);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes[0] === READY) {
        doc = view.getUint32(1);
        const members = docs.get(doc) ?? new Set();
        docs.set(doc, members);
        members.add(ws);
        ws.send(frame(READY, 0));
        return;
      }
      ws.send(frame(ACK, view.getUint32(1)));
      for (const other of docs.get(doc) ?? []) {
        if (other === ws) continue;
        if (fanouts === 0) for (let i = 0; i < strays; i++) other.send(frame(UPDATE, 0, 99_999_999));
        const nth = fanouts++;
        if (merged(nth)) {
          const key = view.getUint32(5) - 1;
          other.send(frame(MERGED, Math.floor(key / 100_000) + 1, key % 100_000));
          continue;
        }
        const n = copies(nth);
        for (let i = 0; i < n; i++) other.send(bytes);
      }
    });
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** 100 updates at 200/s from 6 clients over 2 documents (each update has 2 other clients). */
function runToy(url: string, drainMs: number, protocol: LoadProtocol = toyProtocol) {
  return runLightLoad({
    urls: [url],
    protocol,
    clients: 6,
    docs: 2,
    rate: 200,
    seconds: 0.5,
    docPrefix: 'toy',
    drainMs,
  });
}

let closeRelay: (() => Promise<void>) | null = null;
afterEach(async () => {
  await closeRelay?.();
  closeRelay = null;
});

describe('runLightLoad bookkeeping', () => {
  it('counts a second copy as a duplicate and ends the drain once every client has its copy', async () => {
    // Every fifth fan-out is sent twice. A drain that waited for deliveries === expected would
    // run its whole (long) drainMs and time this test out.
    const relay = await toyRelay((nth) => (nth % 5 === 0 ? 2 : 1));
    closeRelay = relay.close;
    const r = await runToy(relay.url, 60_000);
    // 6 clients over 2 documents: each update has 2 other clients.
    expect(r).toMatchObject({ sent: 100, acked: 100, lost: 0, unacked: 0, undelivered: 0, duplicates: 40 });
    expect(r.deliveries).toBe(200 + 40);
  }, 20_000);

  it('does not let a duplicate hide a delivery that never came', async () => {
    // The first fan-out of every pair goes twice, the second never: the totals match, the
    // updates do not.
    const relay = await toyRelay((nth) => (nth < 20 ? (nth % 2 === 0 ? 2 : 0) : 1));
    closeRelay = relay.close;
    const r = await runToy(relay.url, 200);
    expect(r.deliveries).toBe(200);
    expect(r).toMatchObject({ sent: 100, acked: 100, undelivered: 10, duplicates: 10, lost: 10, unkeyed: 0 });
  }, 20_000);

  it('counts the updates inside a merged frame as delivered when the protocol can list them', async () => {
    // Every fourth fan-out comes merged (a relay's catch-up) and never on its own: 50 of 200.
    const relay = await toyRelay(
      () => 1,
      0,
      (nth) => nth % 4 === 0,
    );
    closeRelay = relay.close;
    const r = await runToy(relay.url, 60_000, mergingProtocol);
    expect(r).toMatchObject({ deliveries: 200, undelivered: 0, duplicates: 0, lost: 0, unkeyed: 50 });
    // Without `unitsOf` the same relay loses them.
    const { unitsOf: _, ...blindProtocol } = mergingProtocol;
    const blind = await runToy(relay.url, 300, blindProtocol);
    expect(blind).toMatchObject({ deliveries: 150, undelivered: 50, unkeyed: 50 });
  }, 20_000);

  it('counts updates the run never sent apart, as neither deliveries nor duplicates', async () => {
    const relay = await toyRelay(() => 1, 3);
    closeRelay = relay.close;
    const r = await runToy(relay.url, 60_000);
    expect(r).toMatchObject({ deliveries: 200, undelivered: 0, duplicates: 0, lost: 0, unkeyed: 3 });
  }, 20_000);
});
