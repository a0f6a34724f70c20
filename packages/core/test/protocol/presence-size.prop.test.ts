import {
  AccordError,
  Encoder,
  presenceStateSize,
  presenceValueSize,
  writePresenceState,
} from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presenceState, presenceValue } from './arbitraries.js';

const encodedLength = (write: (e: Encoder) => void) => {
  const e = new Encoder();
  write(e);
  return e.length;
};

describe('presence sizes', () => {
  it('presenceStateSize is the exact encoded length of any state (and of its absence)', () => {
    fc.assert(
      fc.property(fc.option(presenceState, { nil: null }), (s) => {
        expect(presenceStateSize(s)).toBe(encodedLength((e) => writePresenceState(e, s)));
      }),
      { numRuns: 500 },
    );
  });

  it('counts varint boundaries, floats, bytes and non-ASCII text exactly', () => {
    const values = [0, 63, 64, -64, 8191, 8192, 2 ** 40, -(2 ** 53 - 1), 0.5, 'ü😀', new Uint8Array(200)];
    for (const v of values) {
      const state = { name: 'é'.repeat(70), color: '', cursor: v, data: [v, { [String(v)]: v }] };
      expect(presenceStateSize(state)).toBe(encodedLength((e) => writePresenceState(e, state)));
    }
  });

  it('refuses what the encoder refuses', () => {
    expect(() => presenceValueSize(Number.NaN)).toThrow(AccordError);
    fc.assert(
      fc.property(presenceValue, (v) => {
        expect(presenceValueSize(v)).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});
