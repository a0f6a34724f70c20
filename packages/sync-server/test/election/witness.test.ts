/**
 * Witnesses in the election (`ElectionConfig.canLead` / `nonLeaders`): a witness votes but never
 * stands, never takes over a round, and is never anyone's successor; with it, 2 full nodes + 1
 * witness elect exactly like 3 full nodes would, but always a full node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElectionNode } from '../../src/election/election-node.js';
import { SimulatedCluster } from '../../src/election/simulated-cluster.js';
import { faultArb, networkArb, type SimFault } from '../cluster/arbitraries.js';

const members = [1, 2, 3];

function applyFault(sim: SimulatedCluster, f: SimFault): void {
  if (f.kind === 'crash') sim.crash(f.node);
  else if (f.kind === 'restart') sim.restart(f.node);
  else if (f.kind === 'heal') sim.heal();
  else if (f.kind === 'cut' && f.from !== f.to) sim.setLink(f.from, f.to, false);
}

function leadersByTerm(sim: SimulatedCluster): Map<number, Set<number>> {
  const byTerm = new Map<number, Set<number>>();
  for (const [node, log] of sim.logs)
    for (const e of log)
      if (e.type === 'became-leader') byTerm.set(e.term, (byTerm.get(e.term) ?? new Set()).add(node));
  return byTerm;
}

describe('a witness in the election', () => {
  it('never starts a pre-vote when its election timer fires, but still grants votes', () => {
    const w = new ElectionNode({ id: 3, members, canLead: false }, { term: 0, votedFor: null }, () => 0.5);
    w.start(0);
    const out = w.fire('election', 1000);
    expect(out.send).toEqual([]);
    expect(out.timers.find((t) => t.timer === 'election')?.delayMs).toBeGreaterThan(0);
    expect(w.status().role).toBe('follower');
    const pre = w.receive(1, { type: 'pre-vote', term: 1 }, 1001);
    expect(pre.send).toEqual([{ to: 1, message: { type: 'pre-vote-reply', term: 1, granted: true } }]);
    const vote = w.receive(1, { type: 'vote-request', term: 1 }, 1002);
    expect(vote.send).toEqual([{ to: 1, message: { type: 'vote-reply', term: 1, granted: true } }]);
    expect(vote.persist).toEqual({ term: 1, votedFor: 1 });
  });

  it('does not answer a lower node’s bully round with alive (the asker goes on without it)', () => {
    const w = new ElectionNode({ id: 3, members, nonLeaders: [3] }, { term: 0, votedFor: null }, () => 0.5);
    w.start(0);
    const out = w.receive(1, { type: 'elect', term: 1 }, 1000);
    expect(out.send).toEqual([]);
    expect(w.status().role).toBe('follower');
  });

  it('is left out of the leader’s successor list and of the nodes a follower defers to', () => {
    const sim = new SimulatedCluster({ members, seed: 7, election: { nonLeaders: [3] } });
    sim.startAll();
    sim.run(3000);
    const leader = sim.majorityLeader();
    expect(leader).toBeDefined();
    expect(leader?.leader).not.toBe(3);
    const follower = leader?.leader === 1 ? 2 : 1;
    expect(sim.status(follower).successors).not.toContain(3);
    // Kill the leader: the other full node takes over, the witness votes for it.
    sim.crash(leader?.leader as number);
    sim.run(3000);
    expect(sim.majorityLeader()?.leader).toBe(follower);
  });

  it('property: under crashes, cuts, loss and delay, the witness never leads, terms keep one leader, and a full node + the witness elect', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        networkArb,
        fc.array(faultArb(3), { maxLength: 10 }),
        fc.constantFrom(1, 2),
        (seed, network, faults, down) => {
          const sim = new SimulatedCluster({ members, seed, network, election: { nonLeaders: [3] } });
          sim.startAll();
          for (const f of faults) {
            sim.run(f.afterMs);
            applyFault(sim, f);
          }
          sim.run(1000);
          // Liveness: one full node stays down (maybe the one with the newest term); the other,
          // restarted if it was down, and the witness elect it.
          sim.heal();
          if (sim.isAlive(down)) sim.crash(down);
          for (const m of members) if (m !== down && !sim.isAlive(m)) sim.restart(m);
          sim.network = { ...network, loss: 0, duplicate: 0 };
          let leader = sim.majorityLeader();
          for (let t = 0; t < 400 && leader === undefined; t++) {
            sim.run(10);
            leader = sim.majorityLeader();
          }
          expect(leader?.leader).toBe(down === 1 ? 2 : 1);
          const byTerm = leadersByTerm(sim);
          for (const nodes of byTerm.values()) {
            expect(nodes.size).toBe(1);
            expect(nodes.has(3)).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 30_000);
});

describe('a witness and a node that restarted behind the current term', () => {
  it('tells it the term when refusing its stale pre-vote, so it stands in the next one', () => {
    const w = new ElectionNode({ id: 3, members, canLead: false }, { term: 2, votedFor: 1 }, () => 0.5);
    w.start(0);
    const out = w.receive(2, { type: 'pre-vote', term: 2 }, 5000);
    expect(out.send).toEqual([
      { to: 2, message: { type: 'pre-vote-reply', term: 2, granted: false } },
      { to: 2, message: { type: 'heartbeat-ack', term: 2 } },
    ]);
    const stale = new ElectionNode({ id: 2, members }, { term: 1, votedFor: 2 }, () => 0.5);
    stale.start(0);
    stale.fire('election', 5000);
    stale.receive(3, { type: 'heartbeat-ack', term: 2 }, 5001);
    expect(stale.status().term).toBe(2);
    const next = stale.fire('election', 6000);
    expect(next.send).toContainEqual({ to: 3, message: { type: 'pre-vote', term: 3 } });
  });
});
