/**
 * A relay room whose document refuses an update for holding too much (`DecodeError('too-large')`,
 * the core document's pending limits): the update is refused before it is stored, forwarded or
 * acknowledged, the sender is closed with 1007, and honest clients go on. The room documents
 * here are core documents with a small `maxPending`, so the limit is reached with a few structs.
 */
import { Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import { CloseCode, encodeUpdate, type UpdateRecord } from '@accord/core/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { CoreRoomDocument } from '../../src/relay/core-engine.js';
import type { DocumentEngine } from '../../src/relay/document.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const MAX_PENDING = 10;

/** The production room document (`core-engine.ts`), with a small held-set limit. */
const engine: DocumentEngine = {
  create: () => new CoreRoomDocument({ maxPending: MAX_PENDING }),
  merge: (updates) => mergeUpdates([...updates]),
};

/** `n` structs of fresh replicas, each past a gap (held until a clock 0 that never comes). */
function held(from: number, n: number): Uint8Array {
  const records: UpdateRecord[] = [];
  for (let i = from; i < from + n; i++) {
    records.push({
      t: 0,
      client: 5000 + i,
      clock: 1,
      len: 1,
      parent: { name: 't', kind: 'text', client: -1, clock: 0 },
      olClient: -1,
      olClock: 0,
      orClient: -1,
      orClock: 0,
      content: 'x',
    });
  }
  return encodeUpdate({ records, deletes: new Map() });
}

const DOC = 'limited';
const EMPTY_SV = new Uint8Array([0]);
let node: RelayNode;

beforeAll(async () => {
  node = await startNode(['--rate-limit', '0'], { engine });
});
afterAll(async () => {
  await node.close();
  removeTempDirs();
});

async function join(): Promise<TestClient> {
  return TestClient.join(urlOf(node), DOC, await mintToken(SECRET, { docId: DOC, scope: 'write' }), EMPTY_SV);
}

describe('a room document refusing a too-large held set', () => {
  it('refuses the update before storing, forwarding or acknowledging it; honest clients go on', async () => {
    const honest = await join();
    const watcher = await join();
    const attacker = await join();
    const fits = held(0, MAX_PENDING);
    await attacker.ack(attacker.update(fits));
    await watcher.next('update', (m) => m.update.length === fits.length);
    const stored = node.store.load(DOC).updates.length;

    const tooMany = held(MAX_PENDING, 1);
    attacker.update(tooMany, 77);
    expect(await attacker.closed).toBe(CloseCode.badData);
    expect(attacker.all('error')[0]).toMatchObject({ code: 'bad-update', id: 77 });
    expect(attacker.all('ack').map((a) => a.id)).not.toContain(77);

    // An honest edit after it reaches the watcher, and the refused bytes never did.
    const author = new Doc({ clientId: 1 });
    author.getText('t').insert(0, 'honest');
    const edit = encodeStateAsUpdate(author);
    await honest.ack(honest.update(edit));
    await watcher.next('update', (m) => m.update.length === edit.length);
    const forwarded = watcher.all('update').map((m) => m.update);
    expect(forwarded.some((u) => u.length === tooMany.length && u.every((b, i) => b === tooMany[i]))).toBe(
      false,
    );
    expect(node.store.load(DOC).updates.length).toBe(stored + 1);
    honest.ws.terminate();
    watcher.ws.terminate();
  });
});
