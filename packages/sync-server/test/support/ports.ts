/**
 * Ports for tests on loopback. Candidates lie below Linux's default ephemeral range
 * (32768–60999): a port in that range that is free now can become the source port of some
 * outgoing connection (another test's client, or a relay dialling its peers) before the server
 * under test binds it, which then fails with EADDRINUSE.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';

const PORT_LOW = 10_000;
const PORT_HIGH = 31_000;
/** Peer links listen on client port + 1000 (the relay's default). */
const PEER_OFFSET = 1000;

/** Whether `port` can be bound on 127.0.0.1 right now (it is released again). */
export async function canBind(port: number): Promise<boolean> {
  const s = createServer();
  s.on('error', () => {});
  s.listen(port, '127.0.0.1');
  const ok = await Promise.race([once(s, 'listening').then(() => true), once(s, 'error').then(() => false)]);
  if (ok) await new Promise<void>((r) => s.close(() => r()));
  return ok;
}

/**
 * `n` distinct free ports below the ephemeral range; with `withPeer`, port + 1000 is free too and
 * no pair overlaps another. Tries at most 200 candidates.
 * @throws Error when fewer were found.
 */
export async function freePorts(n: number, withPeer = false): Promise<number[]> {
  const out: number[] = [];
  const span = PORT_HIGH - PEER_OFFSET - PORT_LOW;
  for (let i = 0; i < 200 && out.length < n; i++) {
    const p = PORT_LOW + Math.floor(Math.random() * span);
    if (out.some((q) => q === p || (withPeer && Math.abs(q - p) === PEER_OFFSET))) continue;
    if ((await canBind(p)) && (!withPeer || (await canBind(p + PEER_OFFSET)))) out.push(p);
  }
  if (out.length < n) throw new Error(`only ${out.length} of ${n} free ports found`);
  return out;
}

/** One free TCP port on 127.0.0.1 below the ephemeral range. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0] as number;
}
