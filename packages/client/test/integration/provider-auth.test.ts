/**
 * WebsocketProvider against a REAL relay process started with `--auth-secret`: tokens minted by
 * the relay CLI; refusals surface as typed errors and are not retried in a loop.
 */
import { Doc } from '@accord/core';
import { waitFor } from '@accord/sync-server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ProviderError } from '../../src/errors.js';
import type { ProviderOptions } from '../../src/provider-options.js';
import { WebsocketProvider } from '../../src/websocket-provider.js';
import {
  freePort,
  mintToken,
  RELAY_MAIN,
  type RelayProcess,
  relayBuilt,
  startRelay,
} from './support/relay-process.js';

const SECRET = 'client-integration-secret-0123456789';
let relay: RelayProcess | undefined;
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
  if (!relayBuilt()) throw new Error(`relay not built: ${RELAY_MAIN} is missing; run \`pnpm build\` first`);
  relay = await startRelay({
    id: 1,
    port: await freePort(),
    authSecret: SECRET,
  });
});

afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
});

afterAll(async () => {
  await relay?.cleanup();
});

/** The relay shared by every test of this file (each test uses its own document). */
function start(): RelayProcess {
  if (relay === undefined) throw new Error('relay did not start');
  return relay;
}

function client(url: string, options: Partial<ProviderOptions> & { docId: string }) {
  const doc = new Doc();
  const errors: ProviderError[] = [];
  const provider = new WebsocketProvider(doc, [url], {
    WebSocket,
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  provider.on('error', (e) => errors.push(e));
  providers.push(provider);
  return { doc, provider, errors };
}

describe('WebsocketProvider with a relay that requires tokens', { timeout: 30_000 }, () => {
  it('syncs with a valid write token', async () => {
    const node = start();
    const { doc, provider } = client(node.url, {
      docId: 'auth-ok',
      token: mintToken(SECRET, 'auth-ok', 'write'),
    });
    await provider.whenSynced();
    doc.getText('t').insert(0, 'signed');
    await provider.whenAcknowledged();
  });

  it('gives up after the configured retries on a bad signature, with a fatal typed error', async () => {
    const node = start();
    const closes: number[] = [];
    const { provider, errors } = client(node.url, {
      docId: 'auth-bad',
      token: mintToken('another-secret-0123456789abcdef', 'auth-bad', 'write'),
      maxAuthRetries: 2,
    });
    provider.on('connection-close', (c) => closes.push(c.code));
    await waitFor('the provider to give up (offline)', () => provider.status === 'offline', {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    expect(closes).toEqual([4001, 4001, 4001]);
    expect(errors.at(-1)).toMatchObject({ code: 'auth-failed', fatal: true, closeCode: 4001 });
    expect(provider.synced).toBe(false);
  });

  it('refuses a token for another document as forbidden', async () => {
    const node = start();
    const { provider, errors } = client(node.url, {
      docId: 'mine',
      token: mintToken(SECRET, 'theirs', 'write'),
      maxAuthRetries: 0,
    });
    await waitFor('the provider to give up (offline)', () => provider.status === 'offline', {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    expect(errors.at(-1)).toMatchObject({ code: 'forbidden', fatal: true });
  });

  it('asks a token function again after an expired token and then syncs', async () => {
    const node = start();
    let calls = 0;
    const { provider, errors } = client(node.url, {
      docId: 'refresh',
      token: () => {
        calls++;
        return mintToken(SECRET, 'refresh', 'write', calls === 1 ? -600 : 3600);
      },
    });
    await provider.whenSynced();
    expect(calls).toBe(2);
    expect(errors[0]).toMatchObject({ code: 'token-expired', fatal: false });
  });

  it('a read-only token receives the document but never sends local edits', async () => {
    const node = start();
    const writer = client(node.url, { docId: 'ro', token: mintToken(SECRET, 'ro', 'write') });
    await writer.provider.whenSynced();
    writer.doc.getText('t').insert(0, 'from writer');
    await writer.provider.whenAcknowledged();
    const reader = client(node.url, { docId: 'ro', token: mintToken(SECRET, 'ro', 'read') });
    await reader.provider.whenSynced();
    expect(reader.doc.getText('t').toString()).toBe('from writer');
    reader.doc.getText('t').insert(0, 'sneaky ');
    await waitFor('a read-only error', () => reader.errors.some((e) => e.code === 'read-only'), {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    expect(reader.provider.pendingUpdates).toBeGreaterThan(0);
    // The writer (and so the relay) never sees the read-only edit; a fresh writer proves the server copy.
    const check = client(node.url, { docId: 'ro', token: mintToken(SECRET, 'ro', 'write') });
    await check.provider.whenSynced();
    expect(check.doc.getText('t').toString()).toBe('from writer');
  });
});
