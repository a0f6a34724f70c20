/**
 * One version history for the whole cluster: three relay processes, a client writing through a
 * follower; the leader numbers snapshots, every node keeps each version under the same number
 * with the same bytes and time, so a client sees the same history from any node; retention
 * keeps the newest `--keep-snapshots`.
 */
import { applyUpdate, Doc, encodeStateVector } from '@accord/core';
import type { ServerMessage } from '@accord/core/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { waitFor } from '../../src/testing/index.js';
import { DocClient } from '../support/doc-client.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
let cluster: ProcessCluster | null = null;
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await cluster?.stop();
  removeTempDirs();
});

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

async function listOn(c: ProcessCluster, id: number, token: string, ask: number): Promise<Of<'versions'>> {
  const client = await TestClient.join(c.url(id), 'doc', token, encodeStateVector(new Doc()));
  clients.push(client);
  client.send({ type: 'list-versions', id: ask });
  return client.next('versions', (m) => m.id === ask);
}

describe('the cluster keeps one version history', () => {
  it('every node keeps the same versions under the same numbers, readable by read tokens', async () => {
    ensureBuilt();
    const c = await ProcessCluster.start(3, [
      ...[
        '--auth-secret',
        SECRET,
        '--snapshot-every',
        '5',
        '--keep-snapshots',
        '4',
        '--snapshot-idle',
        '300',
      ],
    ]);
    cluster = c;
    // Versions need a leader: elect it before the rounds, so their deadlines time snapshots only.
    await c.agreedLeader();
    const write = await mintToken(SECRET, { docId: 'doc', scope: 'write' });
    const read = await mintToken(SECRET, { docId: 'doc', scope: 'read' });
    const writer = new DocClient('doc', write);
    await writer.connect(c.url(1));
    // Six rounds of five updates; each round ends in a new version (every 5 updates, or once idle
    // when the previous one was still being committed), so the history outgrows what is kept.
    let ask = 1000;
    const newest = async () => (await listOn(c, 1, read, ask++)).versions.at(-1)?.seq ?? 0;
    for (let round = 0; round < 6; round++) {
      const before = await newest();
      for (let i = 0; i < 5; i++) {
        writer.edit((d) => d.getText('t').insert(d.getText('t').length, `${round}.${i},`));
        await writer.settled();
      }
      await waitFor(`a new version after round ${round}`, async () => (await newest()) > before, {
        timeoutMs: 15_000,
        intervalMs: 100,
      });
    }
    writer.client?.ws.terminate();
    // Wait until every node lists the same numbers (the followers store what the leader announces)
    // and serves each of them. A last snapshot on idle may still come after the writer stopped and
    // push the oldest version out: then the lists are read again.
    let lists: Of<'versions'>[] = [];
    let keys: string[] = [];
    let fetched: Of<'version'>[][] = [];
    let listAsk = 1;
    let getAsk = 100;
    const fetchAll = (term: number, seq: number) =>
      Promise.all(
        [1, 2, 3].map(async (id) => {
          const ask = getAsk++;
          const cl = await TestClient.join(c.url(id), 'doc', read, encodeStateVector(new Doc()));
          clients.push(cl);
          cl.send({ type: 'get-version', id: ask, term, seq });
          return cl.next('version', (m) => m.id === ask);
        }),
      );
    await waitFor(
      'every node to list and serve the same four versions',
      async () => {
        const ask = listAsk++;
        lists = await Promise.all([1, 2, 3].map((id) => listOn(c, id, read, ask)));
        keys = lists.map((l) => JSON.stringify(l.versions.map((v) => [v.term, v.seq, v.at, v.size])));
        if (lists[0]!.versions.length !== 4 || new Set(keys).size !== 1) return false;
        fetched = [];
        for (const v of lists[0]!.versions) fetched.push(await fetchAll(v.term, v.seq));
        return fetched.every((got) => got.every((g) => g.found));
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    ).catch((error: unknown) => {
      throw new Error(`nodes disagree on the history: ${keys.join(' | ')}\n${String(error)}`);
    });
    const numbers = lists[0]!.versions.map((v) => [v.term, v.seq]);
    // Newest four kept, strictly increasing.
    for (let i = 1; i < numbers.length; i++) {
      const [a, b] = [numbers[i - 1]!, numbers[i]!];
      expect(b[0]! > a[0]! || (b[0] === a[0] && b[1]! > a[1]!)).toBe(true);
    }
    // The same bytes from every node; the texts grow version after version.
    const texts: string[] = [];
    for (const got of fetched) {
      expect(got.every((g) => g.found)).toBe(true);
      expect(new Set(got.map((g) => Buffer.from(g.update).toString('hex'))).size).toBe(1);
      const d = new Doc();
      applyUpdate(d, got[0]!.update);
      texts.push(d.getText('t').toString());
    }
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
    expect(writer.doc.getText('t').toString().startsWith(texts.at(-1)!)).toBe(true);
  }, 90_000);
});
