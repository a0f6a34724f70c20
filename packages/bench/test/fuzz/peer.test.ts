/**
 * The peer fuzz target against two real relay processes: mutated peer messages in sealed records
 * on an authenticated link (the fuzzer holds the cluster secret and plays node 3). No crash, the
 * honest clients keep writing and converge with both nodes.
 */
import { describe, expect, it } from 'vitest';
import { loadAccordCore } from '../../src/accord/core-api.js';
import { runFuzz } from '../../src/fuzz/run-fuzz.js';
import { peerTarget } from '../../src/fuzz/targets/peer.js';

describe('fuzz target peer', () => {
  it('600 hostile peer frames: no crash, honest clients keep working and converge on both nodes', async () => {
    const target = peerTarget(await loadAccordCore());
    try {
      const r = await runFuzz(target, 600, 1234);
      expect(r.failures).toEqual([]);
      expect(r).toMatchObject({ frames: 600, crashes: 0, corruptions: 0 });
      // Both kinds happen: frames the node took (and answered the probe after) and frames it refused.
      expect(r.accepted).toBeGreaterThan(30);
      expect(r.rejected).toBeGreaterThan(100);
    } finally {
      await target.close();
    }
  }, 90_000);
});
