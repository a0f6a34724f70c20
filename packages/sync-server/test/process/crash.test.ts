import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { RelayProcess } from '../../src/testing/index.js';
import { DocClient } from '../support/doc-client.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
const running: RelayProcess[] = [];
afterAll(async () => {
  for (const r of running) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
  removeTempDirs();
});

async function start(dir: string): Promise<RelayProcess> {
  const r = await RelayProcess.start({
    port: 0,
    dataDir: dir,
    args: ['--auth-secret', SECRET, '--snapshot-every', '40'],
  });
  running.push(r);
  return r;
}

describe('kill -9 while clients write', () => {
  it('keeps every acknowledged update across a restart; clients reconnect and converge', async () => {
    ensureBuilt();
    const dir = tempDir();
    const first = await start(dir);
    const token = await mintToken(SECRET, { docId: 'crash', scope: 'write' });
    const clients = Array.from({ length: 5 }, () => new DocClient('crash', token));
    await Promise.all(clients.map((c) => c.connect(`ws://127.0.0.1:${first.port}/`)));
    // Each edit sets a unique key; an acknowledged id maps back to its key.
    const keyOf = clients.map(() => new Map<number, string>());
    let n = 0;
    const writer = setInterval(() => {
      for (const [i, c] of clients.entries()) {
        const key = `c${i}-${n}`;
        c.edit((doc) => doc.getMap('m').set(key, n));
        keyOf[i]?.set([...c.pending.keys()].at(-1) as number, key);
      }
      n++;
    }, 2);
    // Kill once a good number of updates were acknowledged, while writes are in flight.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (clients.reduce((s, c) => s + c.acked.size, 0) >= 300) resolve();
        else setTimeout(check, 5);
      };
      check();
    });
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    clearInterval(writer);
    const ackedKeys = clients.flatMap((c, i) =>
      [...c.acked].flatMap((id) => {
        const key = keyOf[i]?.get(id);
        return key === undefined ? [] : [key]; // ids without a key: the catch-up update sent on connect
      }),
    );
    const unacked = clients.reduce((s, c) => s + c.pending.size, 0);
    expect(ackedKeys.length).toBeGreaterThanOrEqual(250);

    // Restart on the same data: a fresh reader must see every acknowledged key.
    const second = await start(dir);
    const url = `ws://127.0.0.1:${second.port}/`;
    const reader = new DocClient('crash', token);
    await reader.connect(url);
    const stored = reader.doc.getMap('m');
    const missing = ackedKeys.filter((k) => stored.get(k) === undefined);
    expect(missing).toEqual([]);

    // The writers reconnect, resend what was never acknowledged, and everyone converges.
    await Promise.all(clients.map((c) => c.connect(url)));
    await Promise.all(clients.map((c) => c.settled()));
    const everyKey = clients.flatMap((_, i) => [...(keyOf[i]?.values() ?? [])]).sort();
    const check = new DocClient('crash', token);
    await check.connect(url);
    expect(check.doc.getMap('m').keys().sort()).toEqual(everyKey);
    expect(unacked + ackedKeys.length).toBe(everyKey.length);
    for (const c of [...clients, reader, check]) c.client?.ws.terminate();
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 30_000);
});
