/**
 * fast-check arbitraries for the cluster tests (election schedules, cluster messages).
 */
import fc from 'fast-check';
import type { SimNetwork } from '../../src/election/simulated-cluster.js';

/** One fault injected into a simulated cluster, after `afterMs` of virtual time. */
export type SimFault =
  | { kind: 'crash'; node: number; afterMs: number }
  | { kind: 'restart'; node: number; afterMs: number }
  | { kind: 'partition'; groups: number[]; afterMs: number }
  | { kind: 'cut'; from: number; to: number; afterMs: number }
  | { kind: 'heal'; afterMs: number };

/** Network behaviour: loss up to 30 %, duplicates up to 20 %, delay up to 60 ms (so heavy reordering). */
export const networkArb: fc.Arbitrary<SimNetwork> = fc
  .record({
    minDelayMs: fc.double({ min: 0, max: 5, noNaN: true }),
    spread: fc.double({ min: 0.1, max: 55, noNaN: true }),
    loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.2, noNaN: true }),
  })
  .map(({ minDelayMs, spread, loss, duplicate }) => ({
    minDelayMs,
    maxDelayMs: minDelayMs + spread,
    loss,
    duplicate,
  }));

/** A fault for a cluster of `n` nodes numbered 1..n; `groups[i]` is node i+1's partition side. */
export function faultArb(n: number): fc.Arbitrary<SimFault> {
  const node = fc.integer({ min: 1, max: n });
  const after = fc.integer({ min: 0, max: 1500 });
  return fc.oneof(
    fc.record({ kind: fc.constant('crash' as const), node, afterMs: after }),
    fc.record({ kind: fc.constant('restart' as const), node, afterMs: after }),
    fc.record({
      kind: fc.constant('partition' as const),
      groups: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
      afterMs: after,
    }),
    fc.record({ kind: fc.constant('cut' as const), from: node, to: node, afterMs: after }),
    fc.record({ kind: fc.constant('heal' as const), afterMs: after }),
  );
}
