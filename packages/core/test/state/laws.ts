/**
 * The law suite every state-based CRDT must pass: merge is commutative, associative, idempotent
 * and inflationary; `leq` agrees with merge; random gossip converges; encodings round-trip; and
 * random or mutated bytes decode to a valid state or fail with `DecodeError` only.
 */

import type { StateCrdt } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccordError, DecodeError } from '../../src/errors.js';
import { type Harness, histories } from './arbitraries.js';

function merged<S extends StateCrdt<S, unknown>>(a: S, ...rest: S[]): S {
  const out = a.clone();
  for (const s of rest) out.merge(s);
  return out;
}

function expectSame<S extends StateCrdt<S, unknown>>(a: S, b: S): void {
  expect(a.equals(b)).toBe(true);
  expect(b.equals(a)).toBe(true);
  expect(a.value()).toEqual(b.value());
  expect(a.encode()).toEqual(b.encode());
}

/** Random byte edits: flip, overwrite, insert, delete, truncate. */
const mutation = fc.record({
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'),
  pos: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(bytes: Uint8Array, muts: { kind: string; pos: number; byte: number }[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of muts) {
    const p = out.length === 0 ? 0 : m.pos % (out.length + (m.kind === 'insert' ? 1 : 0));
    if (m.kind === 'flip' && out.length > 0) out[p] = (out[p] as number) ^ (1 << (m.byte % 8));
    else if (m.kind === 'set' && out.length > 0) out[p] = m.byte;
    else if (m.kind === 'insert') out.splice(p, 0, m.byte);
    else if (m.kind === 'delete') out.splice(p, 1);
    else if (m.kind === 'truncate') out = out.slice(0, p);
  }
  return Uint8Array.from(out);
}

/**
 * Decode `bytes` as `h`: it must either fail with `DecodeError` or give a state that re-encodes
 * canonically and merges with `valid` in both directions (or is refused as a replica collision,
 * leaving the target unchanged).
 */
function checkHostile<S extends StateCrdt<S, unknown>>(
  h: Harness<S, unknown>,
  bytes: Uint8Array,
  valid: S,
): void {
  let s: S;
  try {
    s = h.decode(bytes, 7);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return;
  }
  const again = h.decode(s.encode(), 7);
  expect(again.equals(s)).toBe(true);
  expect(again.encode()).toEqual(s.encode());
  const validBefore = valid.encode();
  mergeOrCollide(valid.clone(), s);
  mergeOrCollide(s.clone(), valid);
  expect(valid.encode()).toEqual(validBefore);
}

/**
 * Merge `source` into `target`. A decoded hostile state may reuse a dot for another event, which
 * the dot-based types report as `replica-collision`: then `target` must be exactly as before.
 */
function mergeOrCollide<S extends StateCrdt<S, unknown>>(target: S, source: S): void {
  const before = target.encode();
  try {
    target.merge(source);
  } catch (e) {
    expect(e).toBeInstanceOf(AccordError);
    expect((e as AccordError).code).toBe('replica-collision');
    expect(target.encode()).toEqual(before);
    return;
  }
  target.value();
}

/** Register the law tests of `h` (inside a `describe` named after the type). */
export function describeStateLaws<S extends StateCrdt<S, unknown>, Op>(
  h: Harness<S, Op>,
  numRuns = 150,
): void {
  const hs = histories(h, 3);
  describe(`${h.name} laws`, () => {
    it('merge is commutative', () => {
      fc.assert(
        fc.property(hs, ({ states: [a, b] }) => {
          expectSame(merged(a as S, b as S), merged(b as S, a as S));
        }),
        { numRuns },
      );
    });

    it('merge is associative', () => {
      fc.assert(
        fc.property(hs, ({ states: [a, b, c] }) => {
          expectSame(merged(merged(a as S, b as S), c as S), merged(a as S, merged(b as S, c as S)));
        }),
        { numRuns },
      );
    });

    it('merge is idempotent', () => {
      fc.assert(
        fc.property(hs, ({ states: [a, b] }) => {
          expectSame(merged(a as S, a as S), a as S);
          const self = (a as S).clone();
          self.merge(self); // aliasing: merging a state into itself changes nothing
          expectSame(self, a as S);
          const ab = merged(a as S, b as S);
          expectSame(merged(ab, b as S), ab);
          expectSame(merged(ab, a as S), ab);
        }),
        { numRuns },
      );
    });

    it('merge inflates (a <= merge(a, b)) and leq agrees with merge', () => {
      fc.assert(
        fc.property(hs, ({ states: [a, b] }) => {
          const x = a as S;
          const y = b as S;
          const ab = merged(x, y);
          expect(x.leq(ab)).toBe(true);
          expect(y.leq(ab)).toBe(true);
          expect(x.leq(x)).toBe(true);
          expect(x.leq(y)).toBe(merged(y, x).equals(y));
          expect(y.leq(x)).toBe(merged(x, y).equals(x));
          if (!ab.equals(x)) expect(ab.leq(x)).toBe(false);
        }),
        { numRuns },
      );
    });

    it('merge leaves its argument unchanged', () => {
      fc.assert(
        fc.property(hs, ({ states: [a, b] }) => {
          const before = (b as S).encode();
          (a as S).clone().merge(b as S);
          expect((b as S).encode()).toEqual(before);
        }),
        { numRuns },
      );
    });

    it('replicas converge after random pairwise gossip', () => {
      const gossip = fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { maxLength: 20 });
      fc.assert(
        fc.property(histories(h, 4, 40), gossip, ({ states }, pairs) => {
          for (const [i, j] of pairs) if (i !== j) (states[i] as S).merge(states[j] as S);
          // Finish with a ring in both directions so that everyone has seen everything.
          for (let i = 1; i < states.length; i++) (states[i] as S).merge(states[i - 1] as S);
          for (let i = states.length - 2; i >= 0; i--) (states[i] as S).merge(states[i + 1] as S);
          for (let i = 1; i < states.length; i++) (states[i] as S).merge(states[0] as S);
          for (const s of states) expectSame(s, states[0] as S);
        }),
        { numRuns: Math.ceil(numRuns / 2) },
      );
    });

    it('encode/decode round-trips every reachable state', () => {
      fc.assert(
        fc.property(hs, ({ states, ids }) => {
          for (let i = 0; i < states.length; i++) {
            const s = states[i] as S;
            const bytes = s.encode();
            const back = h.decode(bytes, ids[i] as number);
            expectSame(back, s);
            expect(back.encode()).toEqual(bytes);
          }
        }),
        { numRuns },
      );
    });

    it('random bytes decode to a valid state or throw DecodeError only', () => {
      fc.assert(
        fc.property(
          hs,
          fc.uint8Array({ maxLength: 80, size: 'medium' }),
          fc.boolean(),
          ({ states }, bytes, tagged) => {
            // Half the time keep the right type tag, so the fuzz reaches past the first byte.
            const input = tagged
              ? Uint8Array.from([(states[0] as S).encode()[0] as number, ...bytes])
              : bytes;
            checkHostile(h as Harness<S, unknown>, input, states[0] as S);
          },
        ),
        { numRuns: numRuns * 2 },
      );
    });

    it('mutated encodings decode to a valid state or throw DecodeError only', () => {
      fc.assert(
        fc.property(hs, fc.array(mutation, { minLength: 1, maxLength: 4 }), ({ states }, muts) => {
          const s = merged(states[0] as S, states[1] as S);
          checkHostile(h as Harness<S, unknown>, mutate(s.encode(), muts), states[2] as S);
        }),
        { numRuns: numRuns * 2 },
      );
    });
  });
}
