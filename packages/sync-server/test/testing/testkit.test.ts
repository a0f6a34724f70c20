/**
 * The shared test helpers of `@accord/sync-server/testing`: `waitFor` (bounded, returns the
 * truthy value, a descriptive timeout error) and `RelayProcess` (a real relay on loopback,
 * awaited until it listens, restarted on the same port and data, stopped with signals, its
 * temporary data directory removed).
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, RelayProcess, WaitTimeoutError, waitFor } from '../../src/testing/index.js';
import { ensureBuilt } from '../support/ensure-built.js';

describe('waitFor', () => {
  it('returns the first truthy value, sync or async, and treats throws as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      'the third call',
      () => {
        calls++;
        if (calls === 1) throw new Error('not ready');
        return calls === 3 ? { calls } : null;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ calls: 3 });
    expect(await waitFor('an async value', async () => 'ok')).toBe('ok');
  });

  it('times out with the description and the last value', async () => {
    const error = await waitFor('the answer', () => 41 - 41, { timeoutMs: 30, intervalMs: 5 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe('timed out after 30 ms waiting for the answer (last: 0)');
  });

  it('is bounded even when a check never settles, and reports the last thrown error', async () => {
    let first = true;
    const started = Date.now();
    const waiting = waitFor(
      'a hanging check',
      () => {
        if (first) {
          first = false;
          throw new Error('boom');
        }
        return new Promise<boolean>(() => {});
      },
      { timeoutMs: 50, intervalMs: 1 },
    );
    await expect(waiting).rejects.toThrow('waiting for a hanging check (last: Error: boom)');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('RelayProcess', () => {
  beforeAll(() => ensureBuilt(), 60_000);
  const started: RelayProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.cleanup()));
  });

  it('starts on a port the OS picks, restarts on the same port and data, stops with SIGTERM, cleans up', async () => {
    const relay = await RelayProcess.start({ args: ['--auth', 'none'] });
    started.push(relay);
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.url).toBe(`ws://127.0.0.1:${relay.port}`);
    expect(relay.logs.some((l) => l.includes('relay listening'))).toBe(true);
    const port = relay.port;
    expect(await relay.kill('SIGKILL')).toBe('SIGKILL');
    expect(relay.running).toBe(false);
    await relay.start();
    expect(relay.port).toBe(port);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);
    expect(await relay.stop()).toBe(0);
    expect(existsSync(relay.dataDir)).toBe(true);
    await relay.cleanup();
    expect(existsSync(relay.dataDir)).toBe(false);
  }, 30_000);

  it('waits on /healthz for a known port when the log level hides the listening line', async () => {
    const [port] = await freePorts(1);
    const relay = await RelayProcess.start({
      port: port as number,
      args: ['--auth', 'none', '--log-level', 'warn'],
    });
    started.push(relay);
    expect(relay.port).toBe(port);
    expect(relay.logs.some((l) => l.includes('relay listening'))).toBe(false);
  }, 30_000);

  it('reports a relay that exits on start, with its output', async () => {
    const start = RelayProcess.start({ args: [] });
    await expect(start).rejects.toThrow(/relay exited \(2\) before listening/);
    await expect(start).rejects.toThrow(/no auth configured/);
  }, 30_000);
});
