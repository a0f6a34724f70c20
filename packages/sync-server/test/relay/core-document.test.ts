import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { CloseCode } from '@accord/core/protocol';
import { SeededRandom } from '@accord/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import { DocClient } from '../support/doc-client.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const nodes: RelayNode[] = [];
const clients: DocClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.client?.ws.terminate();
  for (const n of nodes.splice(0)) await n.close();
  removeTempDirs();
});

async function node(args: string[]) {
  const n = await startNode(args, { engine: coreEngine });
  nodes.push(n);
  return n;
}
async function client(n: RelayNode, docId: string) {
  const c = new DocClient(docId, await mintToken(SECRET, { docId, scope: 'write' }));
  await c.connect(urlOf(n));
  clients.push(c);
  return c;
}

describe('rooms holding @accord/core documents', () => {
  it('restart restores every document exactly, through snapshots and the log after them', async () => {
    const dir = tempDir();
    const first = await node(['--data', dir, '--snapshot-every', '7']);
    const rnd = new SeededRandom(99);
    const expected = new Map<string, string>();
    for (const docId of ['a', 'b', 'c']) {
      const c = await client(first, docId);
      for (let i = 0; i < 25; i++) {
        c.edit((doc) => {
          const t = doc.getText('t');
          t.insert(rnd.int(t.length + 1), `${docId}${i}`);
          doc.getMap('m').set(`k${i % 4}`, i);
        });
      }
      await c.settled();
      expected.set(docId, JSON.stringify(c.json()));
    }
    const compactions = (await first.metrics.compactions.get()).values[0]?.value ?? 0;
    expect(compactions).toBeGreaterThan(0);
    await first.close();
    nodes.splice(0);
    const second = await node(['--data', dir]);
    for (const [docId, json] of expected) {
      const c = await client(second, docId);
      expect(JSON.stringify(c.json())).toBe(json);
    }
  });

  it("an offline client edits, reconnects, and the edits merge with everyone else's", async () => {
    const n = await node([]);
    const online = await client(n, 'o');
    const offline = await client(n, 'o');
    online.edit((doc) => doc.getText('t').insert(0, 'shared '));
    await online.settled();
    await offline.until(() => (offline.json() as { t?: string }).t === 'shared ');
    offline.client?.ws.terminate();
    await offline.client?.closed;
    // Both edit while apart.
    offline.edit((doc) => doc.getText('t').insert(7, 'offline-edit '));
    offline.edit((doc) => doc.getMap('m').set('from', 'offline'));
    online.edit((doc) => doc.getText('t').insert(0, 'online-edit '));
    await online.settled();
    expect(offline.pending.size).toBe(2);
    await offline.connect(urlOf(n));
    await offline.settled();
    const target = JSON.stringify(offline.json());
    await online.until(() => JSON.stringify(online.json()) === target);
    const merged = online.json() as { t: string; m: { from: string } };
    expect(merged.t).toContain('online-edit ');
    expect(merged.t).toContain('offline-edit ');
    expect(merged.m.from).toBe('offline');
  });

  it('refuses bit-flipped and truncated updates that do not decode, keeps honest clients converging', async () => {
    const logs: string[] = [];
    const n = await startNode(['--rate-limit', '0'], {
      engine: coreEngine,
      logger: pino({ level: 'error' }, { write: (line: string) => logs.push(line) }),
    });
    nodes.push(n);
    const a = await client(n, 'doc');
    const b = await client(n, 'doc');
    const source = new Doc();
    source.getText('t').insert(0, 'hello hostile world');
    source.getMap('m').set('k', { nested: [1, 2, 3] });
    const good = encodeStateAsUpdate(source);
    const rnd = new SeededRandom(7);
    let refused = 0;
    let accepted = 0;
    for (let i = 0; i < 60; i++) {
      const bad = good.slice(0, i % 3 === 0 ? rnd.int(good.length) : good.length);
      if (i % 3 !== 0) {
        for (let f = 0; f < 1 + rnd.int(3); f++) {
          const at = rnd.int(bad.length);
          bad[at] = (bad[at] as number) ^ (1 << rnd.int(8));
        }
      }
      // Bytes that do not even decode into an empty document must be refused.
      let decodes = true;
      try {
        applyUpdate(new Doc(), bad);
      } catch {
        decodes = false;
      }
      const attacker = await TestClient.connect(urlOf(n));
      attacker.send({
        type: 'hello',
        docId: 'doc',
        token: await mintToken(SECRET, { docId: 'doc', scope: 'write' }),
        stateVector: new Uint8Array([0]),
      });
      await attacker.next('sync');
      const id = attacker.update(bad);
      // Either acknowledged (the bytes are a valid update for this document) or refused with
      // bad-update + 1007; never anything else, and never both.
      const outcome = await Promise.race([
        attacker.ack(id).then(() => 'acked'),
        attacker.closed.then(() => 'closed'),
      ]);
      if (outcome === 'acked') {
        expect(decodes).toBe(true);
        accepted++;
        attacker.ws.terminate();
      } else {
        expect(attacker.closeCode).toBe(CloseCode.badData);
        expect(attacker.all('error')[0]?.code).toBe('bad-update');
        expect(attacker.all('ack')).toHaveLength(0);
        refused++;
      }
      a.edit((doc) => doc.getText('t').insert(0, `a${i}`));
      b.edit((doc) => doc.getMap('m').set(`b${i}`, i));
    }
    expect(refused).toBeGreaterThan(0);
    await Promise.all([a.settled(), b.settled()]);
    const late = await client(n, 'doc');
    const target = JSON.stringify(late.json());
    await Promise.all([a, b].map((c) => c.until(() => JSON.stringify(c.json()) === target)));
    expect(logs.filter((l) => l.includes('non-DecodeError'))).toEqual([]);
    expect(accepted + refused).toBe(60);
  });
});
