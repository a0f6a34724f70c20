import { DecodeError, Decoder } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../src/fuzz/run-fuzz.js';
import type { FrameResult, FuzzTarget } from '../../src/fuzz/targets/types.js';

/**
 * A small real decoder-backed target: a "register" whose state is the last valid frame, a frame
 * being `[len varint][len bytes]`. `bug` makes it corrupt or crash on purpose, to show
 * the runner counts both.
 */
function registerTarget(bug: 'none' | 'corrupt' | 'crash'): FuzzTarget {
  let state: Uint8Array = new Uint8Array();
  return {
    name: `register-${bug}`,
    async setup() {
      return [new Uint8Array([3, 1, 2, 3]), new Uint8Array([1, 9])];
    },
    async feed(frame): Promise<FrameResult> {
      const before = state;
      try {
        const dec = new Decoder(frame);
        const bytes = dec.readBytes();
        if (!dec.done) throw new DecodeError('trailing-bytes', 'trailing');
        state = bytes;
        return { outcome: 'accepted' };
      } catch (err) {
        if (bug === 'corrupt') state = new Uint8Array([0xff]);
        if (bug === 'crash' || !(err instanceof DecodeError))
          return { outcome: 'crash', detail: String(err) };
        return state === before ? { outcome: 'rejected' } : { outcome: 'corruption', detail: 'changed' };
      }
    },
    async finish() {
      return { crashes: 0, corruptions: 0, details: [] };
    },
  };
}

describe('runFuzz', () => {
  it('counts accepted and rejected frames of a correct target, nothing else', async () => {
    const r = await runFuzz(registerTarget('none'), 500, 1);
    expect(r.frames).toBe(500);
    expect(r.accepted + r.rejected).toBe(500);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.rejected).toBeGreaterThan(0);
    expect(r).toMatchObject({ crashes: 0, corruptions: 0, failures: [] });
  });

  it('reports corruptions and crashes with the frame that caused them', async () => {
    const c = await runFuzz(registerTarget('corrupt'), 200, 2);
    expect(c.corruptions).toBeGreaterThan(0);
    expect(c.failures[0]).toMatch(/^frame \d+ \(/);
    const k = await runFuzz(registerTarget('crash'), 200, 2);
    expect(k.crashes).toBeGreaterThan(0);
  });
});
