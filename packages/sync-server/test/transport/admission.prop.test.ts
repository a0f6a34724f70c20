import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Admission } from '../../src/transport/admission.js';

type Op = { kind: 'admit'; id: number; addr: number } | { kind: 'auth' | 'release'; id: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('admit' as const), id: fc.nat(40), addr: fc.nat(4) }),
  fc.record({ kind: fc.constantFrom('auth' as const, 'release' as const), id: fc.nat(40) }),
);

describe('Admission properties', () => {
  it('never exceeds its budgets, and its counts match a model of who is where', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxConnections: fc.integer({ min: 1, max: 6 }),
          maxPending: fc.integer({ min: 1, max: 6 }),
          maxPendingPerAddress: fc.nat(4),
        }),
        fc.array(op, { maxLength: 200 }),
        (limits, ops) => {
          const a = new Admission<number>(limits);
          const pending = new Map<number, number>();
          const connected = new Set<number>();
          for (const o of ops) {
            if (o.kind === 'admit') {
              if (pending.has(o.id) || connected.has(o.id)) continue;
              const r = a.admit(o.id, `a${o.addr}`);
              if (r.ok) {
                if (r.evicted !== undefined) {
                  // The evicted one is the oldest pending (first in insertion order).
                  expect(r.evicted).toBe([...pending.keys()][0]);
                  pending.delete(r.evicted);
                }
                pending.set(o.id, o.addr);
              } else if (r.reason === 'connections') expect(connected.size).toBe(limits.maxConnections);
              else expect(limits.maxPendingPerAddress).toBeGreaterThan(0);
            } else if (o.kind === 'auth') {
              if (a.authenticate(o.id) && pending.delete(o.id)) connected.add(o.id);
            } else {
              a.release(o.id);
              pending.delete(o.id);
              connected.delete(o.id);
            }
            expect(a.pendingCount).toBe(pending.size);
            expect(a.connectionCount).toBe(connected.size);
            expect(a.pendingCount).toBeLessThanOrEqual(limits.maxPending);
            expect(a.connectionCount).toBeLessThanOrEqual(limits.maxConnections);
            for (let addr = 0; addr <= 4; addr++) {
              const n = [...pending.values()].filter((x) => x === addr).length;
              expect(a.pendingOf(`a${addr}`)).toBe(n);
              if (limits.maxPendingPerAddress > 0) expect(n).toBeLessThanOrEqual(limits.maxPendingPerAddress);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
