import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { stablePort } from '../../src/chaos/ports.js';

describe('stablePort', () => {
  it('hands out distinct free ports below the ephemeral range', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 10; i++) ports.push(await stablePort());
    expect(new Set(ports).size).toBe(10);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(20_000);
      expect(p).toBeLessThan(32_768);
    }
    const s = createServer();
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(ports[0], '127.0.0.1', () => resolve());
    });
    await new Promise((r) => s.close(r));
  });
});
