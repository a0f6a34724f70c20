/**
 * The version history through the provider, against real relay processes: a node numbers a
 * snapshot every few updates and keeps the newest N as versions; a provider lists them, loads
 * each as a read-only Doc, diffs two, and restores one as a new change that every client sees;
 * a read-only token may browse; an unknown version is a typed `not-found`.
 */
import { AccordError, Doc, diffVersions, restoreVersion } from '@accord/core';
import { waitFor } from '@accord/sync-server/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { VersionError } from '../../src/version-requests.js';
import { WebsocketProvider } from '../../src/websocket-provider.js';
import {
  freePort,
  mintToken,
  RELAY_MAIN,
  type RelayProcess,
  relayBuilt,
  startRelay,
} from './support/relay-process.js';

const SECRET = 'versions-test-secret-0123456789';
const relays: RelayProcess[] = [];
const providers: WebsocketProvider[] = [];

beforeAll(() => {
  if (!relayBuilt()) throw new Error(`relay not built: ${RELAY_MAIN} is missing; run \`pnpm build\` first`);
});

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await Promise.all(relays.splice(0).map((r) => r.cleanup()));
});

function client(url: string, token: string): { doc: Doc; provider: WebsocketProvider } {
  const doc = new Doc();
  const provider = new WebsocketProvider(doc, [url], { docId: 'notes', token, WebSocket, random: () => 0 });
  providers.push(provider);
  return { doc, provider };
}

describe('version history through the provider', () => {
  it('lists, loads, diffs and restores versions; read tokens may browse; unknown ones are not-found', async () => {
    const relay = await startRelay({
      id: 1,
      port: await freePort(),
      authSecret: SECRET,
      extraArgs: ['--snapshot-every', '3', '--keep-snapshots', '3'],
    });
    relays.push(relay);
    const writeToken = mintToken(SECRET, 'notes', 'write');
    const { doc, provider } = client(relay.url, writeToken);
    const text = doc.getText('t');
    const texts: string[] = [];
    // 15 one-character edits, each acknowledged: a version every 3 updates, the newest 3 kept.
    for (let i = 0; i < 15; i++) {
      text.insert(text.length, String.fromCharCode(97 + i));
      await provider.whenAcknowledged();
      texts.push(text.toString());
    }
    await waitFor(
      'five numbered snapshots',
      async () => (await provider.versions()).length === 3 && (await provider.versions()).at(-1)?.seq === 5,
      { timeoutMs: 10_000, intervalMs: 25 },
    );
    const versions = await provider.versions();
    expect(versions.map((v) => [v.term, v.seq])).toEqual([
      [1, 3],
      [1, 4],
      [1, 5],
    ]);
    expect(versions.every((v) => v.size > 0 && v.at > 1_700_000_000_000)).toBe(true);
    const loaded = await Promise.all(versions.map((v) => provider.loadVersion(v)));
    // Each version is one of the acknowledged states, in order, and read-only.
    const shown = loaded.map((d) => d.getText('t').toString());
    expect(shown.every((s) => texts.includes(s))).toBe(true);
    expect(shown.map((s) => s.length)).toEqual([...shown.map((s) => s.length)].sort((a, b) => a - b));
    expect(() => loaded[0]?.getText('t').insert(0, 'x')).toThrow(AccordError);
    const d = diffVersions(loaded[0] as Doc, loaded[2] as Doc);
    expect(d.texts.t).toEqual([{ retain: shown[0]?.length }, { insert: shown[2]?.slice(shown[0]?.length) }]);

    // A reader browses the same history.
    const readToken = mintToken(SECRET, 'notes', 'read');
    const reader = client(relay.url, readToken);
    expect((await reader.provider.versions()).map((v) => v.seq)).toEqual([3, 4, 5]);
    await expect(reader.provider.loadVersion({ term: 1, seq: 1 })).rejects.toMatchObject({
      name: 'VersionError',
      code: 'not-found',
    });
    await expect(reader.provider.loadVersion({ term: 7, seq: 7 })).rejects.toBeInstanceOf(VersionError);

    // Restore the oldest kept version: a forward change every client receives.
    restoreVersion(doc, loaded[0] as Doc);
    await provider.whenAcknowledged();
    await waitFor('the reader to see the restore', () => reader.doc.getText('t').toString() === shown[0], {
      timeoutMs: 10_000,
      intervalMs: 25,
    });
    expect(text.toString()).toBe(shown[0]);
  }, 60_000);
});
