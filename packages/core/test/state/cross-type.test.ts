import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import {
  gCounterHarness,
  gSetHarness,
  lwwMapHarness,
  lwwRegisterHarness,
  mvRegisterHarness,
  orMapHarness,
  orSetHarness,
  pnCounterHarness,
  twoPSetHarness,
} from './arbitraries.js';

/** What this test needs of a harness, whatever its state type. */
interface LooseState {
  encode(): Uint8Array;
  equals(other: LooseState): boolean;
}
interface LooseHarness {
  setup(ids: number[]): { states: LooseState[] };
  decode(bytes: Uint8Array, replica: number): LooseState;
}

const all = [
  gCounterHarness,
  pnCounterHarness,
  gSetHarness,
  twoPSetHarness,
  orSetHarness,
  lwwRegisterHarness,
  mvRegisterHarness,
  lwwMapHarness,
  orMapHarness,
] as unknown as LooseHarness[];

describe('state encodings across types', () => {
  it("no type decodes another type's encoding (each starts with its own tag)", () => {
    const empties = all.map((h) => h.setup([5]).states[0] as LooseState);
    const tags = new Set(empties.map((s) => s.encode()[0]));
    expect(tags.size).toBe(all.length);
    for (const h of all) {
      for (const s of empties) {
        const bytes = s.encode();
        if (bytes[0] === h.setup([5]).states[0]?.encode()[0]) {
          expect(h.decode(bytes, 5).equals(s)).toBe(true);
        } else {
          expect(() => h.decode(bytes, 5)).toThrow(DecodeError);
        }
      }
      expect(() => h.decode(new Uint8Array(0), 5)).toThrow(DecodeError);
      expect(() => h.decode('not bytes' as unknown as Uint8Array, 5)).toThrow(DecodeError);
    }
  });
});
