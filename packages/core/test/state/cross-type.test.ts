import { Encoder } from '@accord/core/protocol';
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

  it('refuses hostile counts at once, before allocating or looping', () => {
    for (const h of all) {
      const tag = (h.setup([5]).states[0] as LooseState).encode()[0] as number;
      for (const prefix of [[], [0], [1, 0]]) {
        const enc = new Encoder();
        enc.writeU8(tag);
        for (const b of prefix) enc.writeU8(b);
        enc.writeVarUint(2 ** 50);
        enc.writeU8(1);
        expect(() => h.decode(enc.toBytes(), 5)).toThrow(DecodeError);
      }
    }
  });
});
