/**
 * Read leases in virtual time: the pure pieces (`FollowerPromise`, `LeaderLease`) and their use
 * by the bully machine and a `VotingCore` algorithm (candidates): a lease is valid only after a
 * majority acknowledged a lease heartbeat, ends on time and on stepping down, and a follower
 * inside its promise grants nothing and does not stand, even after its link to the leader closed
 * (`peerDown`) and after a restart.
 */
import { describe, expect, it } from 'vitest';
import type { ElectionAlgorithm } from '../../src/election/algorithm.js';
import { createElection } from '../../src/election/create-election.js';
import {
  checkLeaseTiming,
  FollowerPromise,
  LeaderLease,
  type LeaseTiming,
  leaseDurationMs,
} from '../../src/election/read-lease.js';
import type { ElectionMessage, ElectionOutput, NodeId } from '../../src/election/types.js';

const timing: LeaseTiming = { promiseMs: 150, drift: 0.01, marginMs: 10, idleMs: 3000 };
const LEASE = 150 * 0.99 - 10; // 138.5

describe('lease timing', () => {
  it('a lease is strictly shorter than the promise: promiseMs * (1 - drift) - margin', () => {
    expect(leaseDurationMs(timing)).toBeCloseTo(LEASE);
    expect(leaseDurationMs({ ...timing, promiseMs: 0 })).toBe(0);
    expect(() => checkLeaseTiming({ ...timing, drift: 1 })).toThrow(RangeError);
    expect(() => checkLeaseTiming({ ...timing, marginMs: -1 })).toThrow(RangeError);
    expect(() => checkLeaseTiming({ ...timing, promiseMs: 10 })).toThrow(RangeError);
    expect(checkLeaseTiming({ ...timing, promiseMs: 0 }).promiseMs).toBe(0);
  });
});

describe('FollowerPromise', () => {
  it('binds for promiseMs from the receipt, extends, and restarts bind as if just promised', () => {
    const p = new FollowerPromise(150);
    expect(p.binds(0)).toBe(false);
    p.give(100);
    expect(p.binds(249)).toBe(true);
    expect(p.remaining(200)).toBe(50);
    expect(p.binds(250)).toBe(false);
    p.give(300);
    p.give(200); // an older receipt never shortens it
    expect(p.remaining(400)).toBe(50);
    const r = new FollowerPromise(150);
    r.restarted(1000);
    expect(r.binds(1149)).toBe(true);
    expect(r.binds(1150)).toBe(false);
    const off = new FollowerPromise(0);
    off.give(0);
    off.restarted(0);
    expect(off.binds(0)).toBe(false);
  });
});

describe('LeaderLease', () => {
  it('asks for promises only while reads happen, and holds only after a majority acknowledged', () => {
    const l = new LeaderLease(timing, [2, 3, 4, 5], 3);
    expect(l.round(0)).toBeUndefined(); // no read yet: heartbeats carry no lease round
    l.want(0);
    const r1 = l.round(10) as number;
    expect(r1).toBeGreaterThan(0);
    l.ack(2, r1);
    expect(l.holds(11)).toBe(false); // 2 of 5 (itself included): no majority
    l.ack(9, r1); // not a peer
    l.ack(3, 999); // unknown round
    expect(l.holds(11)).toBe(false);
    l.ack(3, r1);
    expect(l.holds(11)).toBe(true);
    // valid until the send time of the round plus the lease, by the leader's clock
    expect(l.validUntil()).toBeCloseTo(10 + LEASE);
    expect(l.holds(10 + LEASE - 0.001)).toBe(true);
    expect(l.holds(10 + LEASE)).toBe(false);
    // a later round acknowledged by a majority extends it: the (majority-1)-th newest counts
    const r2 = l.round(60) as number;
    l.ack(2, r2);
    expect(l.validUntil()).toBeCloseTo(10 + LEASE);
    l.ack(4, r2);
    expect(l.validUntil()).toBeCloseTo(60 + LEASE);
    // no more rounds once reads stopped for idleMs
    expect(l.round(3000)).toBeUndefined();
    l.reset();
    expect(l.holds(61)).toBe(false);
  });

  it('is off with promiseMs 0 and unconditional in a cluster of one', () => {
    const off = new LeaderLease({ ...timing, promiseMs: 0 }, [2, 3], 2);
    off.want(0);
    expect(off.round(0)).toBeUndefined();
    expect(off.holds(0)).toBe(false);
    const alone = new LeaderLease(timing, [], 1);
    expect(alone.holds(1e9)).toBe(true);
  });
});

function sent(
  out: ElectionOutput,
  type: ElectionMessage['type'],
): { to: NodeId; message: ElectionMessage }[] {
  return out.send.filter((s) => s.message.type === type);
}

/** The lease round the first heartbeat in `out` carries (undefined when none). */
function leaseRound(out: ElectionOutput): number | undefined {
  const m = sent(out, 'heartbeat')[0]?.message;
  return m?.type === 'heartbeat' ? m.lease : undefined;
}

function electionTimer(out: ElectionOutput): number | null | undefined {
  return out.timers.filter((t) => t.timer === 'election').at(-1)?.delayMs;
}

for (const algorithm of ['bully', 'candidates'] as const) {
  const make = (id: NodeId, term = 0, leasePromiseMs?: number): ElectionAlgorithm =>
    createElection(
      algorithm,
      { id, members: [1, 2, 3], ...(leasePromiseMs !== undefined ? { leasePromiseMs } : {}) },
      { term, votedFor: null },
      () => 0.5,
    );

  /** Node 3, leader of term 1 with node 2's vote, at time `at`. */
  function leader(at: number): ElectionAlgorithm {
    const n = make(3);
    n.start(0);
    n.fire('election', at);
    n.receive(2, { type: 'pre-vote-reply', term: 1, granted: true }, at + 1);
    n.receive(2, { type: 'vote-reply', term: 1, granted: true }, at + 2);
    expect(n.status().role).toBe('leader');
    return n;
  }

  describe(`read leases (${algorithm})`, () => {
    it('the leader holds a lease only after a majority acknowledged a lease heartbeat', () => {
      const n = leader(1000);
      expect(n.holdsReadLease(1003)).toBe(false);
      n.wantReadLease(1003);
      const out = n.fire('heartbeat', 1050);
      expect(sent(out, 'heartbeat')).toHaveLength(2);
      const round = leaseRound(out);
      expect(round).toBeGreaterThan(0);
      expect(n.holdsReadLease(1051)).toBe(false);
      // an ack without the round (a follower that did not promise) gives no lease
      n.receive(2, { type: 'heartbeat-ack', term: 1 }, 1051);
      expect(n.holdsReadLease(1051)).toBe(false);
      n.receive(2, { type: 'heartbeat-ack', term: 1, lease: round as number }, 1052);
      expect(n.holdsReadLease(1052)).toBe(true);
      expect(n.holdsReadLease(1050 + LEASE - 0.01)).toBe(true);
      expect(n.holdsReadLease(1050 + LEASE)).toBe(false); // counted from the send, not the ack
    });

    it('the lease ends at once when a newer term is seen', () => {
      const n = leader(1000);
      n.wantReadLease(1003);
      const round = leaseRound(n.fire('heartbeat', 1050)) as number;
      n.receive(2, { type: 'heartbeat-ack', term: 1, lease: round }, 1051);
      expect(n.holdsReadLease(1052)).toBe(true);
      n.receive(1, { type: 'heartbeat-ack', term: 2 }, 1053);
      expect(n.status().role).not.toBe('leader');
      expect(n.holdsReadLease(1053)).toBe(false);
    });

    it('a follower inside its promise refuses (pre-)votes and does not stand, even after peerDown', () => {
      const f = make(2, 0);
      f.start(0);
      const ack = f.receive(3, { type: 'heartbeat', term: 1, successors: [2, 1], lease: 7 }, 1000);
      expect(sent(ack, 'heartbeat-ack')[0]?.message).toEqual({ type: 'heartbeat-ack', term: 1, lease: 7 });
      // the link to the leader closed (a partition, not necessarily a death): the election is
      // scheduled for the promise's end, not before
      expect(electionTimer(f.peerDown(3, 1001))).toBe(149);
      const pre = f.receive(1, { type: 'pre-vote', term: 2 }, 1002);
      expect(sent(pre, 'pre-vote-reply')[0]?.message).toMatchObject({ granted: false });
      const vote = f.receive(1, { type: 'vote-request', term: 2 }, 1003);
      expect(sent(vote, 'vote-reply')[0]?.message).toMatchObject({ granted: false });
      expect(f.status()).toMatchObject({ term: 1, votedFor: null });
      // its own election timer: postponed to the promise's end, nothing sent
      const fired = f.fire('election', 1100);
      expect(fired.send).toHaveLength(0);
      expect(electionTimer(fired)).toBe(50);
      expect(f.status().role).toBe('follower');
      // once the promise ended it grants and stands as before
      const later = f.receive(1, { type: 'vote-request', term: 2 }, 1150);
      expect(sent(later, 'vote-reply')[0]?.message).toMatchObject({ granted: true });
    });

    it('a heartbeat without a lease round promises nothing: peerDown still frees the vote at once', () => {
      const f = make(2, 0);
      f.start(0);
      f.receive(3, { type: 'heartbeat', term: 1, successors: [2, 1] }, 1000);
      // and, as before leases, a closed link alone does not start an election
      expect(electionTimer(f.peerDown(3, 1001))).toBeUndefined();
      const vote = f.receive(1, { type: 'vote-request', term: 2 }, 1002);
      expect(sent(vote, 'vote-reply')[0]?.message).toMatchObject({ granted: true });
    });

    it('a restarted node (persisted term > 0) waits promiseMs before it votes or stands', () => {
      const r = make(2, 4);
      r.start(5000);
      const early = r.receive(1, { type: 'vote-request', term: 5 }, 5149);
      expect(sent(early, 'vote-reply')[0]?.message).toMatchObject({ granted: false });
      expect(r.fire('election', 5100).send).toHaveLength(0);
      const late = r.receive(1, { type: 'vote-request', term: 5 }, 5150);
      expect(sent(late, 'vote-reply')[0]?.message).toMatchObject({ granted: true });
      // a node that never left term 0 never promised: it votes at once
      const fresh = make(2, 0);
      fresh.start(0);
      expect(
        sent(fresh.receive(1, { type: 'vote-request', term: 1 }, 1), 'vote-reply')[0]?.message,
      ).toMatchObject({ granted: true });
    });

    it('leasePromiseMs 0 turns leases off: no lease rounds, no promises', () => {
      const f = make(2, 3, 0);
      f.start(0);
      expect(
        sent(f.receive(1, { type: 'vote-request', term: 4 }, 1), 'vote-reply')[0]?.message,
      ).toMatchObject({
        granted: true,
      });
      const n = createElection(
        algorithm,
        { id: 1, members: [1], leasePromiseMs: 0 },
        { term: 0, votedFor: null },
      );
      n.start(0);
      n.wantReadLease(0);
      expect(n.holdsReadLease(1)).toBe(false);
    });
  });
}
