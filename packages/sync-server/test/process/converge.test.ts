import { SeededRandom } from '@accord/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { RelayProcess } from '../../src/testing/index.js';
import { DocClient } from '../support/doc-client.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
let relay: RelayProcess;

beforeAll(async () => {
  ensureBuilt();
  relay = await RelayProcess.start({
    port: 0,
    dataDir: tempDir(),
    args: ['--auth-secret', SECRET, '--snapshot-every', '50'],
  });
}, 60_000);
afterAll(async () => {
  relay.proc.kill('SIGTERM');
  await relay.exited;
  removeTempDirs();
});

/** Resolves once every client's document equals `target` (re-checked on each arriving message). */
async function converged(clients: DocClient[], target: string): Promise<void> {
  await Promise.all(clients.map((c) => c.until(() => JSON.stringify(c.json()) === target)));
}

describe('10 clients through one relay process', () => {
  it('make random concurrent edits and all converge to the same toJSON()', async () => {
    const seed = 20261126;
    const rnd = new SeededRandom(seed);
    const url = `ws://127.0.0.1:${relay.port}/`;
    const token = await mintToken(SECRET, { docId: 'shared', scope: 'write' });
    const clients = Array.from({ length: 10 }, () => new DocClient('shared', token));
    await Promise.all(clients.map((c) => c.connect(url)));
    // Rounds of concurrent edits: every client edits, then the event loop runs, so edits
    // cross in flight and the relay interleaves them.
    for (let round = 0; round < 60; round++) {
      for (const [i, c] of clients.entries()) {
        c.edit((doc) => {
          const text = doc.getText('text');
          const op = rnd.int(10);
          if (op < 6 || text.length === 0)
            text.insert(rnd.int(text.length + 1), `${i}${'abcdef'.slice(0, 1 + rnd.int(5))}`);
          else if (op < 8) {
            const at = rnd.int(text.length);
            text.delete(at, Math.min(1 + rnd.int(4), text.length - at));
          } else doc.getMap('meta').set(`k${rnd.int(5)}`, { by: i, round });
        });
      }
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(clients.map((c) => c.settled()));
    // A newcomer loads the relay's state (snapshot + log, compacted every 50 updates); once every
    // update is acknowledged that is the final state, and every client must converge to it.
    const late = new DocClient('shared', token);
    await late.connect(url);
    const final = JSON.stringify(late.json());
    expect((late.json() as { text: string }).text.length).toBeGreaterThan(0);
    await converged(clients, final);
    for (const c of [...clients, late]) c.client?.ws.terminate();
  }, 30_000);
});
