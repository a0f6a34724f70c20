import { CloseCode } from '@accord/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { gsetUpdate } from '../support/gset-engine.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';
import { type RawUpgrade, rawUpgrade } from '../support/raw-upgrade.js';
import { removeTempDirs } from '../support/tmp.js';

const nodes: RelayNode[] = [];
const raws: RawUpgrade[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.socket.destroy();
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const n of nodes.splice(0)) await n.close();
  removeTempDirs();
});
const EMPTY_SV = new Uint8Array([0]);

async function node(args: string[]) {
  const n = await startNode(args);
  nodes.push(n);
  return n;
}
async function raw(n: RelayNode, from: string) {
  const r = await rawUpgrade(n.port, from);
  raws.push(r);
  return r;
}
async function honest(n: RelayNode, docId = 'd', token?: string) {
  const c = await TestClient.join(
    urlOf(n),
    docId,
    token ?? (await mintToken(SECRET, { docId, scope: 'write' })),
    EMPTY_SV,
  );
  clients.push(c);
  return c;
}
const metricsOf = async (n: RelayNode) => (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text();
const counter = (text: string, name: string, label: string) =>
  Number(new RegExp(`${name}\\{${label},node="\\d+"\\} (\\d+)`).exec(text)?.[1] ?? 0);

describe('admission control at the upgrade', () => {
  it('caps unauthenticated sockets per address (429); other addresses and honest clients get in', async () => {
    const n = await node(['--max-pending-per-address', '3']);
    for (let i = 0; i < 3; i++) expect((await raw(n, '127.0.0.2')).status).toBe(101);
    expect((await raw(n, '127.0.0.2')).status).toBe(429);
    expect((await raw(n, '127.0.0.3')).status).toBe(101);
    const c = await honest(n);
    await c.ack(c.update(gsetUpdate([{ replica: 1, counter: 1, payload: 'x' }])));
    const text = await metricsOf(n);
    expect(counter(text, 'accord_admission_refused_total', 'reason="pending-address"')).toBe(1);
    expect(counter(text, 'accord_refused_upgrades_total', 'reason="Too Many Requests"')).toBe(1);
    expect(text).toMatch(/accord_pending_connections\{node="\d+"\} 4/);
    // Joined sessions are not pending: they count against --max-connections only.
    clients.push(await honest(n, 'e'));
    expect((await metricsOf(n)).match(/accord_pending_connections\{node="\d+"\} (\d+)/)?.[1]).toBe('4');
  });

  it('exempts --unlimited-addresses (default: loopback 127.0.0.1 and ::1) from per-address limits', async () => {
    const burst = async (n: RelayNode) => {
      const rs = await Promise.all(Array.from({ length: 6 }, () => raw(n, '127.0.0.1')));
      return rs.map((r) => r.status).sort();
    };
    expect(await burst(await node(['--max-pending-per-address', '2']))).toEqual([
      101, 101, 101, 101, 101, 101,
    ]);
    const capped = await burst(await node(['--max-pending-per-address', '2', '--unlimited-addresses', '']));
    expect(capped).toEqual([101, 101, 429, 429, 429, 429]);
  });

  it('a full pending budget evicts its oldest socket (4008) to admit a new one, never refuses it', async () => {
    const n = await node(['--max-pending', '4', '--max-pending-per-address', '0']);
    const idle: RawUpgrade[] = [];
    for (let i = 0; i < 4; i++) idle.push(await raw(n, '127.0.0.4'));
    const c = await honest(n);
    await idle[0]?.closed;
    expect(idle[0]?.closeCode()).toBe(CloseCode.overloaded);
    await c.ack(c.update(gsetUpdate([{ replica: 1, counter: 1, payload: 'x' }])));
    expect(idle.slice(1).every((r) => !r.socket.destroyed)).toBe(true);
    expect(counter(await metricsOf(n), 'accord_admission_refused_total', 'reason="pending-evicted"')).toBe(1);
  });

  it('closes a socket that never says hello after --handshake-timeout (4006), counted by reason', async () => {
    const n = await node(['--handshake-timeout', '150']);
    const r = await raw(n, '127.0.0.5');
    await r.closed;
    expect(r.closeCode()).toBe(CloseCode.handshakeTimeout);
    expect(counter(await metricsOf(n), 'accord_admission_refused_total', 'reason="hello-timeout"')).toBe(1);
  });
});

describe('rate budgets shared per address and per token', () => {
  const ping = { type: 'ping', nonce: 1 } as const;

  it('connections of one address share its budget: together they cannot exceed it', async () => {
    // 127.0.0.1 is exempt from per-address limits by default (a local reverse proxy): not here.
    const n = await node(['--rate-limit-address', '10', '--unlimited-addresses', '']); // burst 40 frames
    const url = urlOf(n);
    const a = await TestClient.connect(url);
    const b = await TestClient.connect(url);
    clients.push(a, b);
    for (let i = 0; i < 25; i++) a.send(ping);
    await a.next('pong', (m) => m.nonce === 1);
    for (let i = 0; i < 25 && b.closeCode === null; i++) b.send(ping);
    expect(await b.closed).toBe(CloseCode.rateLimited);
    expect(counter(await metricsOf(n), 'accord_rate_limited_total', 'scope="address"')).toBe(1);
  });

  it('sessions of one token share its budget; another token is unaffected', async () => {
    const n = await node(['--rate-limit-token', '10']);
    const token = await mintToken(SECRET, { docId: 'd', scope: 'write' });
    const a = await honest(n, 'd', token);
    const b = await honest(n, 'd', token);
    const other = await honest(n, 'e'); // (tokens minted alike in one second are the same token)
    for (let i = 0; i < 25; i++) a.send(ping);
    await a.next('pong');
    for (let i = 0; i < 25 && b.closeCode === null; i++) b.send(ping);
    expect(await b.closed).toBe(CloseCode.rateLimited);
    for (let i = 0; i < 30; i++) other.send(ping);
    await other.ack(other.update(gsetUpdate([{ replica: 2, counter: 1, payload: 'y' }])));
    expect(other.closeCode).toBeNull();
    expect(counter(await metricsOf(n), 'accord_rate_limited_total', 'scope="token"')).toBe(1);
  });
});
