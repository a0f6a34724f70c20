/**
 * Writes-follow-reads through a witness, as a property over random schedules: four full nodes
 * and a witness (node 5) that logs every stamped forward it receives, drops what two full nodes
 * hold (as their confirmations let it), and hands its log to full nodes at random times. A full
 * node takes an entry in only when `CausalForwarding.assess` finds it ready, so whatever the
 * schedule, no node holds a write without every write its writer had read, even when the
 * witness logged B before the A it followed, or dropped A before a lagging node got it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Net, NODES, type Step, step, WITNESS, warmedUp } from './causal-net.js';

type WitnessStep =
  | Step
  | { t: 'to-witness'; from: number; n: number }
  | { t: 'offer'; to: number }
  | { t: 'prune' }
  | { t: 'witness-link'; node: number; up: boolean };

const node = fc.constantFrom(...NODES);

const witnessStep: fc.Arbitrary<WitnessStep> = fc.oneof(
  { weight: 10, arbitrary: step },
  {
    weight: 3,
    arbitrary: fc
      .tuple(node, fc.integer({ min: 1, max: 3 }))
      .map(([from, n]) => ({ t: 'to-witness' as const, from, n })),
  },
  { weight: 3, arbitrary: node.map((to) => ({ t: 'offer' as const, to })) },
  { weight: 2, arbitrary: fc.constant({ t: 'prune' as const }) },
  {
    weight: 1,
    arbitrary: fc.tuple(node, fc.boolean()).map(([n, up]) => ({ t: 'witness-link' as const, node: n, up })),
  },
);

function apply(net: Net, s: WitnessStep): void {
  if (s.t === 'to-witness') for (let i = 0; i < s.n; i++) net.deliver(s.from, WITNESS);
  else if (s.t === 'offer') net.offer(s.to);
  else if (s.t === 'prune') net.prune(2);
  else if (s.t === 'witness-link') net.witnessLink(s.node, s.up);
  else if (s.t === 'write') net.write(s.node);
  else if (s.t === 'deliver') for (let i = 0; i < s.n; i++) net.deliver(s.from, s.to);
  else if (s.t === 'cut') net.cut(s.a, s.b);
  else if (s.t === 'heal') net.heal(s.a, s.b);
  else if (s.t === 'restart') net.restart(s.node);
  else if (s.t === 'isolate') {
    for (const p of NODES) if (p !== s.node) net.cut(s.node, p);
  } else net.scheduler.advance(s.ms);
}

/** Heal every link; the witness keeps logging, offering and dropping while pulls settle. */
function healAll(net: Net): void {
  for (const n of NODES) net.witnessLink(n, true);
  for (const a of NODES) for (const b of NODES) if (a < b) net.heal(a, b);
  for (let round = 0; round < 20; round++) {
    for (const n of NODES) while (net.deliver(n, WITNESS)) {}
    for (const n of NODES) net.offer(n);
    net.settle();
    net.prune(2);
  }
}

describe('a witness hands over only what may be shown', () => {
  it('never shows a write before what it follows, and everything arrives once healed', () => {
    let blocked = 0;
    fc.assert(
      fc.property(fc.array(witnessStep, { minLength: 40, maxLength: 200 }), (steps) => {
        const net = warmedUp(4096, undefined, true);
        for (const s of steps) {
          apply(net, s);
          expect(net.violations()).toEqual([]);
        }
        healAll(net);
        expect(net.violations()).toEqual([]);
        const all = [...net.deps.keys()].sort((x, y) => x - y);
        for (const n of NODES) expect([...net.memOf(n)].sort((x, y) => x - y)).toEqual(all);
        blocked += net.blockedOffers;
      }),
      { numRuns: 300 },
    );
    // The schedules must exercise the rule, not only pass it.
    expect(blocked).toBeGreaterThan(50);
  });

  it('with nodes that see their links: never hands over a write before an acknowledged one it follows', () => {
    let blocked = 0;
    fc.assert(
      fc.property(fc.array(witnessStep, { minLength: 40, maxLength: 200 }), (steps) => {
        const net = warmedUp(4096, undefined, true, true);
        for (const s of steps) {
          apply(net, s);
          expect(net.ackedOvertaken).toEqual([]);
        }
        healAll(net);
        expect(net.ackedOvertaken).toEqual([]);
        const all = [...net.deps.keys()].sort((x, y) => x - y);
        for (const n of NODES) expect([...net.memOf(n)].sort((x, y) => x - y)).toEqual(all);
        blocked += net.blockedOffers;
      }),
      { numRuns: 300 },
    );
    expect(blocked).toBeGreaterThan(50);
  });

  it("hands a dead node's write over once every live peer answered (it is not kept for the dead node)", () => {
    const net = warmedUp(4096, undefined, true, true);
    for (const p of [2, 3, 4]) net.cut(1, p); // node 1 reaches only the witness
    const a = net.write(1);
    net.deliver(1, WITNESS);
    const b = net.write(1); // B follows A (same node)
    net.deliver(1, WITNESS);
    net.witnessLink(1, false); // node 1 is gone
    net.offer(3);
    // Node 3 lacks nothing of B's that anyone alive has once nodes 2 and 4 answered its pulls.
    net.scheduler.advance(0);
    for (const p of [2, 4]) {
      net.deliver(3, p);
      net.deliver(p, 3);
    }
    net.offer(3);
    expect(net.memOf(3).has(a) && net.memOf(3).has(b)).toBe(true);
    expect(net.violations()).toEqual([]);
  });

  it('keeps B back when the witness logged it before the A it follows', () => {
    const net = warmedUp(4096, undefined, true);
    net.cut(1, 3);
    const a = net.write(1); // A: to node 2 and the witness (queued), not to node 3
    net.deliver(1, 2);
    const b = net.write(2); // B follows A
    net.deliver(2, WITNESS); // the witness logs B first
    net.offer(3);
    expect(net.memOf(3).has(b)).toBe(false); // blocked: node 3 lacks A
    expect(net.blockedOffers).toBe(1);
    net.deliver(1, WITNESS); // now A too (after B in the log)
    net.offer(3);
    expect(net.memOf(3).has(a) && net.memOf(3).has(b)).toBe(true); // A first, then B, one offer
    expect(net.violations()).toEqual([]);
  });

  it('keeps B back when the witness dropped A before a lagging node got it, and pulls A', () => {
    const net = warmedUp(4096, undefined, true);
    for (const p of [1, 2, 4]) net.cut(3, p); // node 3 hears only the witness
    const a = net.write(1);
    for (const to of [2, 4, WITNESS]) net.deliver(1, to);
    net.prune(2); // nodes 1, 2 and 4 hold A: dropped
    const b = net.write(2); // B follows A
    net.deliver(2, WITNESS);
    net.offer(3);
    expect(net.memOf(3).has(b)).toBe(false);
    expect(net.violations()).toEqual([]);
    net.heal(2, 3); // catch-up brings A and B from node 2
    net.settle();
    net.offer(3);
    expect(net.memOf(3).has(a) && net.memOf(3).has(b)).toBe(true);
    expect(net.violations()).toEqual([]);
  });
});
