/**
 * The pen test's attack, against a real relay process with its defaults: 10,000 sockets upgrade
 * from 200 addresses (127.0.0.2…, 50 each: under the per-address cap) and never say hello. Before
 * admission control they filled --max-connections and honest clients got HTTP 503; now they fill
 * only the budget of unauthenticated sockets, and honest clients (from 127.0.0.1) still get 101,
 * join and have their writes acknowledged while the attackers hold their slots. The hello deadline
 * is raised for the test so the attackers keep their slots throughout (by default they would be
 * closed after 3 s); everything else is default.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { RelayProcess } from '../../src/testing/index.js';
import { DocClient } from '../support/doc-client.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { type RawUpgrade, rawUpgrade, rawUpgrades } from '../support/raw-upgrade.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const SECRET = 'process-test-secret-0123456789';
const ATTACKERS = 10_000;
let relay: RelayProcess | undefined;
const held: RawUpgrade[] = [];
const honest: DocClient[] = [];

afterAll(async () => {
  for (const r of held) r.socket.destroy();
  for (const c of honest) c.client?.ws.terminate();
  if (relay && relay.proc.exitCode === null) {
    relay.proc.kill('SIGTERM');
    await relay.exited;
  }
  removeTempDirs();
});

const metric = async (port: number, pattern: RegExp): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? Number.NaN);
};

describe('10,000 idle upgrades against one node', () => {
  it('honest clients still get 101, join, and have their writes acknowledged', async () => {
    ensureBuilt();
    relay = await RelayProcess.start({
      port: 0,
      dataDir: tempDir(),
      args: [
        '--auth-secret',
        SECRET,
        // Honest clients come from 127.0.0.1: take away its default exemption from per-address limits.
        ...['--handshake-timeout', '600000', '--unlimited-addresses', ''],
      ],
    });
    const { port } = relay;
    held.push(...(await rawUpgrades(port, ATTACKERS, { perAddress: 50, first: 2, concurrency: 256 })));
    const upgraded = held.filter((r) => r.status === 101).length;
    expect(upgraded).toBe(ATTACKERS);
    expect(await metric(port, /accord_pending_connections\{node="1"\} (\d+)/)).toBe(ATTACKERS);

    // A bare upgrade from a fresh address gets 101 too (the oldest idle socket makes room).
    const probe = await rawUpgrade(port, '127.0.1.250');
    held.push(probe);
    expect(probe.status).toBe(101);

    const token = await mintToken(SECRET, { docId: 'flood', scope: 'write' });
    for (let i = 0; i < 5; i++) {
      const c = new DocClient('flood', token);
      honest.push(c);
      await c.connect(`ws://127.0.0.1:${port}/`);
    }
    for (const [i, c] of honest.entries())
      for (let k = 0; k < 10; k++) c.edit((d) => d.getMap('m').set(`c${i}-${k}`, k));
    await Promise.all(honest.map((c) => c.settled(30_000)));
    expect(honest.reduce((n, c) => n + c.acked.size, 0)).toBeGreaterThanOrEqual(50);

    // The attackers still hold their slots: the oldest made room while the pending budget was
    // full (for the probe and the first honest client; each join then freed its slot again).
    const evicted = await metric(
      port,
      /accord_admission_refused_total\{reason="pending-evicted",node="1"\} (\d+)/,
    );
    expect(evicted).toBeGreaterThanOrEqual(1);
    expect(evicted).toBeLessThanOrEqual(6);
    expect(await metric(port, /accord_pending_connections\{node="1"\} (\d+)/)).toBeGreaterThanOrEqual(
      ATTACKERS - 6,
    );
    expect(held.filter((r) => !r.socket.destroyed).length).toBeGreaterThanOrEqual(ATTACKERS - 6);
  }, 180_000);
});
