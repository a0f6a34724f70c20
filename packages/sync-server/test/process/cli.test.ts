import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacVerifier } from '../../src/auth/tokens.js';
import { RELAY_MAIN, RelayProcess } from '../../src/testing/index.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const SECRET = 'cli-test-secret-0123456789';
beforeAll(() => ensureBuilt(), 60_000);
afterAll(removeTempDirs);

describe('accord-relay CLI', () => {
  it('--help documents the flags and exits 0', () => {
    const out = execFileSync(process.execPath, [RELAY_MAIN, '--help']).toString();
    expect(out).toContain('--auth-secret');
    expect(out).toContain('ACCORD_PORT');
  });

  it('exits 2 with a message on a bad configuration', () => {
    const r = spawnSync(process.execPath, [RELAY_MAIN, '--port', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain('no auth configured');
  });

  it('token mints a token the relay accepts for that document and scope', async () => {
    const token = execFileSync(process.execPath, [RELAY_MAIN, 'token', '--doc', 'notes', '--scope', 'read'], {
      env: { ...process.env, ACCORD_AUTH_SECRET: SECRET },
    })
      .toString()
      .trim();
    expect(await hmacVerifier(SECRET).verify(token, 'notes')).toMatchObject({ scope: 'read' });
  });

  it('--auth none warns loudly; SIGTERM closes clients with 4004 and exits 0', async () => {
    const r = await RelayProcess.start({
      port: 0,
      dataDir: tempDir(),
      args: ['--auth', 'none'],
      startTimeoutMs: 20_000,
    });
    expect(r.logs.some((l) => l.includes('AUTH DISABLED'))).toBe(true);
    const c = await TestClient.join(`ws://127.0.0.1:${r.port}/`, 'd', '', new Uint8Array([0]));
    r.proc.kill('SIGTERM');
    expect(await c.closed).toBe(4004);
    expect(await r.exited).toBe(0);
  }, 30_000);

  it('runs and commits under the Node and V8 options an operator starts it with', async () => {
    // The commit worker inherits them: given an execArgv of its own, a worker refuses V8 flags and
    // the relay could not start at all under, say, a heap limit.
    const r = await RelayProcess.start({
      port: 0,
      dataDir: tempDir(),
      nodeArgs: ['--max-old-space-size=512', '--single-threaded-gc'],
      args: ['--auth', 'none'],
      startTimeoutMs: 20_000,
    });
    try {
      const c = await TestClient.join(`ws://127.0.0.1:${r.port}/`, 'd', '', encodeStateVector(new Doc()));
      const doc = new Doc();
      doc.getText('t').insert(0, 'under V8 flags');
      const id = c.update(encodeStateAsUpdate(doc));
      expect((await c.ack(id, 10_000)).id).toBe(id); // acknowledged only once the worker committed it
      await c.close();
    } finally {
      await r.cleanup();
    }
  }, 30_000);

  it('a port already in use ends the start with exit 1 and one clear line, no stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const proc = spawn(process.execPath, [RELAY_MAIN, '--port', String(port), '--host', '127.0.0.1'], {
        env: { ...process.env, ACCORD_AUTH: 'none', ACCORD_DATA: tempDir(), ACCORD_DEBUG: '' },
      });
      let stderr = '';
      proc.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      const code = await new Promise<number | null>((r) => proc.on('exit', r));
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^accord-relay: cannot listen on .*:${port}: the address is already in use`),
      );
    } finally {
      busy.close();
    }
  }, 30_000);
});
