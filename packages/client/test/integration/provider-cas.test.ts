/**
 * `provider.cas` against real relay processes: a lock on one node (one winner, the loser reads
 * the winner, persisted across kill -9 and restart, read-only sessions refused), and on a 3-node
 * cluster through any node (followers forward to the leader).
 */
import { Doc } from '@accord/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CasError } from '../../src/cas-requests.js';
import { WebsocketProvider } from '../../src/websocket-provider.js';
import {
  freePort,
  mintToken,
  RELAY_MAIN,
  type RelayProcess,
  relayBuilt,
  startCluster,
  startRelay,
} from './support/relay-process.js';

const SECRET = 'cas-test-secret-0123456789abcdef';
const relays: RelayProcess[] = [];
const providers: WebsocketProvider[] = [];

beforeAll(() => {
  if (!relayBuilt()) throw new Error(`relay not built: ${RELAY_MAIN} is missing; run \`pnpm build\` first`);
});

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await Promise.all(relays.splice(0).map((r) => r.cleanup()));
});

function provider(urls: string[], token = ''): WebsocketProvider {
  const p = new WebsocketProvider(new Doc(), urls, {
    docId: 'room',
    token,
    WebSocket,
    random: () => 0,
    backoff: { initialDelayMs: 50, maxDelayMs: 500 },
    requestTimeoutMs: 20_000,
  });
  providers.push(p);
  return p;
}

describe('provider.cas', () => {
  it('one node: one lock winner, durable across kill -9, refused for read-only sessions', async () => {
    const relay = await startRelay({ id: 1, port: await freePort(), authSecret: SECRET });
    relays.push(relay);
    const write = mintToken(SECRET, 'room', 'write');
    const [a, b] = [provider([relay.url], write), provider([relay.url], write)];
    const [ra, rb] = await Promise.all([a.cas('lock', null, 'a'), b.cas('lock', null, 'b')]);
    expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
    const winner = ra.ok ? 'a' : 'b';
    expect(ra.value).toBe(winner);
    expect(rb.value).toBe(winner);
    expect(await a.cas('lock', winner, null)).toEqual({ ok: true, value: null }); // released
    expect(await b.cas('lock', null, 'b2')).toEqual({ ok: true, value: 'b2' });

    await relay.kill('SIGKILL');
    await relay.start();
    // the providers reconnect to the restarted node; the value survived
    expect(await a.cas('lock', 'zz', 'zz')).toEqual({ ok: false, value: 'b2' });

    const reader = provider([relay.url], mintToken(SECRET, 'room', 'read'));
    const refused = await reader.cas('lock', 'b2', 'r').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CasError);
    expect((refused as CasError).code).toBe('refused');
    expect(await b.cas('lock', 'zz', 'zz')).toEqual({ ok: false, value: 'b2' });
  }, 60_000);

  it('three nodes: the lock has one winner whichever node each client talks to', async () => {
    const nodes = await startCluster(3);
    relays.push(...nodes);
    const urls = nodes.map((n) => n.url);
    const clients = urls.map((_, i) => provider([...urls.slice(i), ...urls.slice(0, i)]));
    const results = await Promise.all(clients.map((p, i) => p.cas('owner', null, `c${i}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = results.find((r) => r.ok)?.value;
    for (const r of results) expect(r.value).toBe(winner);
  }, 60_000);
});
