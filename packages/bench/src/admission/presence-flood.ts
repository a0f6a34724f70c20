/**
 * The presence flood of the pen test: `readers` read-only sessions in one room, and one
 * read-only sender pushing presence into it as fast as its rate limit lets it, while honest
 * writers on other documents measure their acknowledgement latency. Readers are raw sockets
 * that read (and count) what arrives without decoding it, so the bench measures the relay.
 */
import { performance } from 'node:perf_hooks';
import { encodeMessage } from '@accord/core/protocol';
import { attackerAddress, RawWs } from './raw-ws.js';

const EMPTY_SV = new Uint8Array([0]);

/** A room of silent readers and one presence sender. */
export interface PresenceFlood {
  /** Presence frames sent so far. */
  sent(): number;
  /** Frames the readers received so far, in total. */
  received(): number;
  /** Stop sending and close every socket. */
  stop(): void;
}

/**
 * Join `readers` read sessions to `docId` (from 127.0.0.2…, 50 per address, so the
 * per-address limits of a default relay do not refuse them), then start the sender: `rate`
 * presence frames per second, each with `bytes` of app data and a moving cursor.
 */
export async function startPresenceFlood(opts: {
  port: number;
  docId: string;
  readers: number;
  rate: number;
  bytes: number;
  token: string;
}): Promise<PresenceFlood> {
  const hello = encodeMessage({ type: 'hello', docId: opts.docId, token: opts.token, stateVector: EMPTY_SV });
  const joinOne = async (address: string) => {
    const ws = new RawWs(opts.port, address);
    if ((await ws.upgraded) !== 101) throw new Error(`a presence reader was refused (HTTP ${ws.status})`);
    ws.send(hello);
    return ws;
  };
  const readers: RawWs[] = [];
  for (let i = 0; i < opts.readers; i += 50) {
    const batch = Array.from({ length: Math.min(50, opts.readers - i) }, (_, j) =>
      attackerAddress(i + j, 50),
    );
    readers.push(...(await Promise.all(batch.map(joinOne))));
  }
  const sender = await joinOne('127.0.0.1');
  // Joined once welcome, sync and cluster arrived (the sender's room may already hold presence).
  const deadline = performance.now() + 10_000;
  while ([sender, ...readers].some((r) => r.frames < 3) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  if ([sender, ...readers].some((r) => !r.open))
    throw new Error('a presence-flood session was closed while joining');

  const data = 'p'.repeat(opts.bytes);
  let sent = 0;
  const t0 = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * opts.rate);
    for (; sent < due; sent++) {
      sender.send(
        encodeMessage({ type: 'presence', state: { name: 'flood', color: '#f00', cursor: sent, data } }),
      );
    }
  }, 2);
  return {
    sent: () => sent,
    received: () => readers.reduce((n, r) => n + r.frames, 0),
    stop() {
      clearInterval(timer);
      for (const r of [sender, ...readers]) r.destroy();
    },
  };
}
