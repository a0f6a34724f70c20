/**
 * `CausalForwarding.assess` on witness entries, rule by rule (virtual time): an entry waits for
 * what its stamp names, may be completed by the entries before or after it in one offer, waits
 * for its origin's answer when it asks for a pull, and is taken in all the same once every full
 * peer answered a pull sent after it was first seen blocked (what it follows is lost everywhere).
 */
import { describe, expect, it } from 'vitest';
import {
  CausalForwarding,
  type CausalStamp,
  type StampedEntry,
} from '../../src/cluster/causal-forwarding.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

const DOC = 'd';

function node(
  self = 3,
  peers = [1, 2],
  extra: { handoverQuorum?: number; isUp?: (p: number) => boolean } = {},
) {
  const scheduler = new ManualScheduler();
  const pulls: number[] = [];
  let epoch = 100;
  const cf = new CausalForwarding({
    self,
    peers,
    scheduler,
    newEpoch: () => epoch++,
    pull: (peer) => pulls.push(peer),
    ...extra,
  });
  /** `peer` answers: its frontier is its own mark `epoch`/`seq`. */
  const fill = (peer: number, peerEpoch: number, seq: number) =>
    cf.filled(peer, DOC, [{ node: peer, epoch: peerEpoch, seq }], []);
  return { scheduler, cf, pulls, fill };
}

function entry(origin: number, stamp: Partial<CausalStamp> & { epoch: number; seq: number }): StampedEntry {
  return { origin, stamp: { deps: [], pull: false, ...stamp } };
}

const nothingPresent = () => false;

describe('CausalForwarding.assess', () => {
  it('takes in an entry whose origin and dependencies are here, and counts it once committed', () => {
    const { cf, fill } = node();
    fill(1, 7, 4);
    fill(2, 8, 2);
    const e = entry(1, { epoch: 7, seq: 5, deps: [{ node: 2, epoch: 8, seq: 2 }] });
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['ready']);
    cf.commitEntry(DOC, e);
    // The next one of node 1 follows it now.
    expect(cf.assess(DOC, [entry(1, { epoch: 7, seq: 6 })], nothingPresent)).toEqual(['ready']);
  });

  it('blocks an entry missing a dependency, pulls from every full peer, and lets a later entry complete it', () => {
    const { scheduler, cf, pulls, fill } = node();
    fill(1, 7, 4);
    fill(2, 8, 2);
    const b = entry(1, { epoch: 7, seq: 5, deps: [{ node: 2, epoch: 8, seq: 3 }] });
    expect(cf.assess(DOC, [b], nothingPresent)).toEqual(['blocked']);
    scheduler.advance(0);
    expect(pulls.sort()).toEqual([1, 2]);
    // The witness logged B before the A (node 2's third) it follows: one offer takes both.
    const a = entry(2, { epoch: 8, seq: 3 });
    expect(cf.assess(DOC, [b, a], nothingPresent)).toEqual(['ready', 'ready']);
  });

  it('treats an entry this node stores as present, and counts it toward the next', () => {
    const { cf, fill } = node();
    fill(1, 7, 4);
    const e5 = entry(1, { epoch: 7, seq: 5 });
    const e6 = entry(1, { epoch: 7, seq: 6 });
    expect(cf.assess(DOC, [e5, e6], (i) => i === 0)).toEqual(['present', 'ready']);
  });

  it('waits for an answer of the origin to a pull sent after it saw an entry that asks for one', () => {
    const { scheduler, cf, pulls, fill } = node();
    fill(1, 7, 4);
    const e = entry(1, { epoch: 7, seq: 5, pull: true });
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['blocked']);
    scheduler.advance(0);
    expect(pulls).toContain(1);
    scheduler.advance(10);
    fill(1, 7, 4); // node 1 answers
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['ready']);
  });

  it('does not count an answer to a pull sent before the entry was first seen', () => {
    const { scheduler, cf, pulls, fill } = node(3, [1]);
    fill(1, 7, 4);
    // A forward with a gap makes this node pull from node 1 now...
    cf.receive(1, DOC, { epoch: 7, seq: 9, deps: [], pull: false }, 10, () => {});
    scheduler.advance(0);
    expect(pulls).toEqual([1]);
    scheduler.advance(5);
    // ...then the witness offers an entry that asks for a pull; node 1's answer to the earlier pull arrives.
    const e = entry(1, { epoch: 7, seq: 5, pull: true });
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['blocked']);
    fill(1, 7, 4);
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['blocked']);
    scheduler.advance(0); // a fresh pull goes out; its answer counts
    expect(pulls).toEqual([1, 1]);
    scheduler.advance(5);
    fill(1, 7, 4);
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['ready']);
  });

  it('takes a blocked entry in once every full peer answered a later pull (its dependency is lost everywhere)', () => {
    const { scheduler, cf, fill } = node();
    fill(1, 7, 4);
    fill(2, 8, 2);
    // Follows node 2's third forward, which node 2 lost before it was durable: no one has it.
    const e = entry(1, { epoch: 7, seq: 5, deps: [{ node: 2, epoch: 8, seq: 3 }] });
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['blocked']);
    scheduler.advance(1);
    fill(1, 7, 4);
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['blocked']); // node 2 has not answered
    fill(2, 9, 0); // node 2, restarted (new epoch), answers
    expect(cf.assess(DOC, [e], nothingPresent)).toEqual(['ready']);
  });

  it("takes this node's own lost write in only within the epoch it still has", () => {
    const { cf } = node(3, [1, 2]);
    const mine = cf.stamp(DOC); // this node's epoch for the document
    expect(cf.assess(DOC, [entry(3, { epoch: mine.epoch, seq: mine.seq })], nothingPresent)).toEqual([
      'ready',
    ]);
    expect(cf.assess(DOC, [entry(3, { epoch: mine.epoch + 50, seq: 1 })], nothingPresent)).toEqual([
      'blocked',
    ]);
  });

  it('2 full + 1 witness: a dead origin is not waited for, a silent one only for silentMs', () => {
    // The other full node is down: this node alone is a handover quorum.
    let up = false;
    const t = node(2, [1], { handoverQuorum: 1, isUp: () => up });
    const e = entry(1, { epoch: 7, seq: 12, pull: true }); // this node never heard of node 1's epoch
    expect(t.cf.assess(DOC, [e], nothingPresent)).toEqual(['ready']);
    // Its link is up but nothing comes back (a silent partition): ready once the pull went unanswered 100 ms.
    up = true;
    const f = entry(1, { epoch: 7, seq: 30, pull: true });
    expect(t.cf.assess(DOC, [f], nothingPresent)).toEqual(['blocked']);
    t.scheduler.advance(0);
    expect(t.pulls).toEqual([1]);
    t.scheduler.advance(99);
    expect(t.cf.assess(DOC, [f], nothingPresent)).toEqual(['blocked']);
    t.scheduler.advance(1);
    expect(t.cf.assess(DOC, [f], nothingPresent)).toEqual(['ready']);
  });

  it('with more full replicas, a dead node is waited for until enough live ones answered', () => {
    const t = node(3, [1, 2, 4], { handoverQuorum: 3, isUp: (p) => p !== 1 });
    t.fill(2, 8, 2);
    t.fill(4, 9, 2);
    const e = entry(1, { epoch: 7, seq: 5 }); // from node 1, which is down
    expect(t.cf.assess(DOC, [e], nothingPresent)).toEqual(['blocked']);
    t.scheduler.advance(1);
    expect(t.pulls.sort()).toEqual([1, 2, 4]); // node 1's goes into its down link (and is lost)
    t.fill(2, 8, 2);
    expect(t.cf.assess(DOC, [e], nothingPresent)).toEqual(['blocked']); // this node + node 2: two of three
    t.scheduler.advance(1);
    expect(t.pulls.sort()).toEqual([1, 2, 4]); // node 2 answered since: not asked again
    t.fill(4, 9, 2);
    expect(t.cf.assess(DOC, [e], nothingPresent)).toEqual(['ready']);
  });
});
