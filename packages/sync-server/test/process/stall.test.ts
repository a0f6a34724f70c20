/**
 * A local commit slower than the write timeout, with no peer reachable: the write times out while
 * its commit is still pending. The client must be told (a retryable `unavailable` error) and the
 * process must live: a timer rejecting a promise nobody listened to yet used to kill it.
 */

import { join } from 'node:path';
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { freePorts, RelayProcess } from '../../src/testing/index.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { CLUSTER_SECRET } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
const running: RelayProcess[] = [];
afterAll(() => {
  for (const r of running) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
  removeTempDirs();
});

describe('a stalled disk with the peers gone', () => {
  it('answers the client with a retryable error and stays up', async () => {
    ensureBuilt();
    const dir = tempDir();
    // Nodes 2 and 3 are never started: no write quorum is reachable.
    const [port, p2, p3] = await freePorts(3, { withPeer: true });
    const relay = await RelayProcess.start({
      port: port as number,
      dataDir: dir,
      args: [
        '--id',
        '1',
        '--auth-secret',
        SECRET,
        '--peers',
        `2@127.0.0.1:${p2},3@127.0.0.1:${p3}`,
        '--cluster-secret',
        CLUSTER_SECRET,
        '--write-timeout',
        '300',
      ],
    });
    running.push(relay);
    const token = await mintToken(SECRET, { docId: 'stall', scope: 'write' });
    const client = await TestClient.join(
      `ws://127.0.0.1:${relay.port}/`,
      'stall',
      token,
      encodeStateVector(new Doc()),
    );
    // Hold SQLite's write lock from another connection: the node's commit waits behind it.
    const lock = new Database(join(dir, 'node-1.sqlite'));
    lock.prepare('BEGIN IMMEDIATE').run();
    try {
      const doc = new Doc();
      doc.getText('t').insert(0, 'stalled');
      const id = client.update(encodeStateAsUpdate(doc));
      const error = await client.next('error', (m) => m.id === id, 5000);
      expect(error.code).toBe('unavailable');
      // The write timed out while its commit was pending; the node is alive and answers.
      const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
      expect([200, 503]).toContain(health.status);
      expect(relay.proc.exitCode).toBeNull();
    } finally {
      lock.prepare('ROLLBACK').run();
      lock.close();
    }
    // Once the disk moves again the node still takes writes (refused only for want of a quorum).
    const doc = new Doc();
    doc.getText('t').insert(0, 'after');
    const id2 = client.update(encodeStateAsUpdate(doc));
    expect((await client.next('error', (m) => m.id === id2, 5000)).code).toBe('unavailable');
    expect(relay.proc.exitCode).toBeNull();
    expect(relay.logs.join('\n')).not.toMatch(/unhandled/i);
    relay.proc.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
  }, 30_000);
});
