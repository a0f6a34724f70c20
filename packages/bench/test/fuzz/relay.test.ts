/**
 * The relay fuzz target against a real `accord-relay` process (built JS) over real sockets:
 * hostile frames beside honest clients; the node stays up and the honest clients converge.
 */
import { describe, expect, it } from 'vitest';
import { loadAccordCore } from '../../src/accord/core-api.js';
import { runFuzz } from '../../src/fuzz/run-fuzz.js';
import { relayTarget } from '../../src/fuzz/targets/relay.js';

describe('fuzz target relay', () => {
  it('300 hostile frames: no crash, honest clients keep working and converge', async () => {
    const target = relayTarget(await loadAccordCore());
    try {
      const r = await runFuzz(target, 300, 77);
      expect(r.failures).toEqual([]);
      expect(r).toMatchObject({ frames: 300, crashes: 0, corruptions: 0 });
      expect(r.rejected).toBeGreaterThan(50);
    } finally {
      await target.close();
    }
  }, 90_000);
});
