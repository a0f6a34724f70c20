/**
 * The applyUpdate fuzz target against the real Accord document: hostile frames are refused
 * with DecodeError and never change the document. (Small: `pnpm fuzz` runs 10,000 frames from a
 * 600-edit corpus; here 400 frames from a 90-edit corpus keep the test fast.)
 */
import { describe, expect, it } from 'vitest';
import { loadAccordCore } from '../../src/accord/core-api.js';
import { runFuzz } from '../../src/fuzz/run-fuzz.js';
import { applyUpdateTarget } from '../../src/fuzz/targets/apply-update.js';

describe('fuzz target applyUpdate', () => {
  it('400 hostile frames: only DecodeError, document unchanged by every refused frame', async () => {
    const core = await loadAccordCore();
    const r = await runFuzz(applyUpdateTarget(core, 90), 400, 20261126);
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ frames: 400, crashes: 0, corruptions: 0 });
    expect(r.rejected).toBeGreaterThan(100);
    expect(r.accepted).toBeGreaterThan(0);
  }, 60_000);
});
