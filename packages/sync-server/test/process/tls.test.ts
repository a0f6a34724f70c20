/**
 * TLS end to end on real processes: three relay nodes started with `--tls-cert`, `--tls-key` and
 * `--peer-tls-ca` serve `wss://` and HTTPS to clients and link to each other over TLS (a write
 * acknowledged by W = 2 nodes proves the peer links work); a plain `ws://` client gets nowhere.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { TestClient } from '../support/protocol-client.js';
import { makeTestCerts } from '../support/tls-certs.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
let cluster: ProcessCluster | null = null;
afterAll(async () => {
  await cluster?.stop();
  removeTempDirs();
});

describe('a TLS cluster', () => {
  it('serves wss:// and HTTPS, links peers over TLS, and refuses plain ws://', async () => {
    ensureBuilt();
    const certs = await makeTestCerts();
    const dir = tempDir();
    const file = (name: string, pem: string) => {
      const p = join(dir, name);
      writeFileSync(p, pem);
      return p;
    };
    const tlsArgs = [
      ...['--tls-cert', file('node.pem', certs.cert), '--tls-key', file('node-key.pem', certs.key)],
      ...['--peer-tls-ca', file('ca.pem', certs.ca)],
    ];
    const c = await ProcessCluster.start(3, ['--auth-secret', SECRET, ...tlsArgs]);
    cluster = c;
    const port = c.ports[0] as number;
    const health = await fetchHealth(port, certs.ca);
    expect(health.nodeId).toBe(1);
    const token = await mintToken(SECRET, { docId: 'tls', scope: 'write' });
    const client = await TestClient.join(
      `wss://127.0.0.1:${port}/`,
      'tls',
      token,
      encodeStateVector(new Doc()),
      {
        ca: certs.ca,
      },
    );
    const doc = new Doc();
    doc.getText('t').insert(0, 'over tls');
    const id = client.update(encodeStateAsUpdate(doc));
    // W = 2: acknowledged only once a peer, reached over TLS, holds it.
    expect((await client.ack(id, 15_000)).id).toBe(id);
    await client.close();
    await expect(TestClient.connect(`ws://127.0.0.1:${port}/`)).rejects.toThrow();
  }, 60_000);
});

async function fetchHealth(port: number, ca: string): Promise<{ nodeId: number }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve(JSON.parse(body) as { nodeId: number }));
    });
    req.on('error', reject);
    req.end();
  });
}
