import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CasHistoryOp, checkLinearizable, type RegisterValue } from '../../src/chaos/linearizability.js';

const value = fc.constantFrom<RegisterValue>(null, 'a', 'b', 'c', 1, true);
const command = fc.record({ expected: value, next: value, key: fc.constantFrom('k1', 'k2') });

/**
 * Runs commands through a sequential register; op i takes effect at time 10 * i + 5, and its
 * interval is [point - before, point + after] (widened intervals overlap, the order stays valid).
 */
function sequentialHistory(
  cmds: { expected: RegisterValue; next: RegisterValue; key: string }[],
  widths: { before: number; after: number }[],
): CasHistoryOp[] {
  const state = new Map<string, RegisterValue>();
  return cmds.map((c, i) => {
    const current = state.get(c.key) ?? null;
    const ok = current === c.expected;
    if (ok) state.set(c.key, c.next);
    const point = 10 * i + 5;
    const w = widths[i] ?? { before: 0, after: 0 };
    return {
      process: i % 3,
      op: 'cas',
      key: c.key,
      expected: c.expected,
      next: c.next,
      invokeAt: point - w.before,
      returnAt: point + w.after,
      result: { ok, value: ok ? c.next : current },
    };
  });
}

describe('checkLinearizable (properties)', () => {
  it('a sequential register with non-overlapping intervals is linearizable', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (cmds) => {
        const widths = cmds.map(() => ({ before: 4, after: 4 }));
        expect(checkLinearizable(sequentialHistory(cmds, widths)).verdict).toBe('linearizable');
      }),
    );
  });

  it('a sequential register with overlapping intervals around its points is linearizable', () => {
    const width = fc.record({ before: fc.nat(40), after: fc.nat(40) });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(command, width), { maxLength: 14 }),
        fc.array(fc.nat(13), { maxLength: 3 }),
        (pairs, unknown) => {
          const h = sequentialHistory(
            pairs.map(([c]) => c),
            pairs.map(([, w]) => w),
          );
          // some ops lose their answer: an indeterminate op is still explainable
          for (const i of unknown) {
            const o = h[i];
            if (o) h[i] = { ...o, returnAt: null, result: null };
          }
          expect(checkLinearizable(h).verdict).toBe('linearizable');
        },
      ),
    );
  });

  it('a read after the last completed write that returns a stale or unwritten value is not', () => {
    fc.assert(
      fc.property(
        fc.array(command, { minLength: 1, maxLength: 20 }),
        fc.constantFrom<RegisterValue>(null, 'a', 'b', 'c', 1, true, 'ghost'),
        (cmds, seen) => {
          const key = cmds[0]?.key ?? 'k1';
          const h = sequentialHistory(
            cmds,
            cmds.map(() => ({ before: 4, after: 4 })),
          );
          let current: RegisterValue = null;
          for (const o of h) if (o.key === key && o.result?.ok) current = o.next;
          fc.pre(seen !== current);
          const end = 10 * cmds.length + 20;
          h.push({
            process: 'reader',
            op: 'cas',
            key,
            expected: 'never-expected',
            next: 'never-expected',
            invokeAt: end,
            returnAt: end + 1,
            result: { ok: false, value: seen },
          });
          expect(checkLinearizable(h).verdict).toBe('not-linearizable');
        },
      ),
    );
  });
});
