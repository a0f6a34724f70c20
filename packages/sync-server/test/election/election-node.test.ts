import { describe, expect, it } from 'vitest';
import { ElectionNode } from '../../src/election/election-node.js';
import type { ElectionMessage, ElectionOutput, NodeId } from '../../src/election/types.js';

const members = [1, 2, 3];

function node(
  id: NodeId,
  opts: { term?: number; votedFor?: NodeId | null; members?: NodeId[]; r?: number } = {},
) {
  return new ElectionNode(
    { id, members: opts.members ?? members },
    { term: opts.term ?? 0, votedFor: opts.votedFor ?? null },
    () => opts.r ?? 0.5,
  );
}

function sentTo(out: ElectionOutput, to: NodeId): ElectionMessage[] {
  return out.send.filter((s) => s.to === to).map((s) => s.message);
}

function types(out: ElectionOutput): string[] {
  return out.send.map((s) => `${s.to}:${s.message.type}`);
}

function timer(out: ElectionOutput, kind: string): number | null | undefined {
  const cmds = out.timers.filter((t) => t.timer === kind);
  return cmds.at(-1)?.delayMs;
}

/** Drive node `n` (a follower at term 0) through a won pre-vote with peers `grants`. */
function winPreVote(n: ElectionNode, now: number, grants: NodeId[]): ElectionOutput {
  n.fire('election', now);
  let out: ElectionOutput = { send: [], timers: [], events: [] };
  for (const g of grants) out = n.receive(g, { type: 'pre-vote-reply', term: 1, granted: true }, now + 1);
  return out;
}

/** Make node 3 (highest rank) leader of term 1 with votes from `voters`. */
function leader3(now = 1000, voters: NodeId[] = [2]): ElectionNode {
  const n = node(3);
  n.start(0);
  winPreVote(n, now, [2]);
  for (const v of voters) n.receive(v, { type: 'vote-reply', term: 1, granted: true }, now + 2);
  expect(n.status().role).toBe('leader');
  return n;
}

describe('ElectionNode configuration', () => {
  it('rejects ids outside the members, duplicates, bad ids and misordered timeouts', () => {
    expect(() => node(4)).toThrow(RangeError);
    expect(() => node(1, { members: [1, 1, 2] })).toThrow(RangeError);
    expect(() => node(0, { members: [0, 1] })).toThrow(RangeError);
    expect(() => new ElectionNode({ id: 1, members, heartbeatMs: 400 }, { term: 0, votedFor: null })).toThrow(
      RangeError,
    );
    expect(() => new ElectionNode({ id: 1, members }, { term: -1, votedFor: null })).toThrow(RangeError);
  });
});

describe('ElectionNode start and timers', () => {
  it('arms a randomized election timeout in [300, 600)', () => {
    expect(timer(node(1, { r: 0 }).start(0), 'election')).toBe(300);
    expect(timer(node(1, { r: 0.999999999 }).start(0), 'election')).toBe(599);
    expect(timer(node(1, { r: 0.5 }).start(0), 'election')).toBe(450);
  });

  it('quantizes the timeout to timeoutTickMs', () => {
    const n = new ElectionNode(
      { id: 1, members, timeoutTickMs: 50 },
      { term: 0, votedFor: null },
      () => 0.99,
    );
    expect(timer(n.start(0), 'election')).toBe(550);
  });

  it('shifts each member by its share of a tick, so coarse ticks never time two nodes out together', () => {
    const draw = (id: NodeId, r: number, m: NodeId[] = members) =>
      timer(
        new ElectionNode({ id, members: m, timeoutTickMs: 150 }, { term: 0, votedFor: null }, () => r).start(
          0,
        ),
        'election',
      );
    expect([1, 2, 3].map((id) => draw(id, 0.5))).toEqual([450, 500, 550]);
    expect([1, 2, 3].map((id) => draw(id, 0.99))).toEqual([450, 500, 550]);
    expect([1, 2, 3].map((id) => draw(id, 0))).toEqual([300, 350, 400]);
    const five = [2, 4, 6, 8, 10];
    const all = five.flatMap((id) => [0, 0.5, 0.99].map((r) => draw(id, r, five)));
    expect(new Set(all).size).toBe(all.length - 5); // r 0.5 and 0.99 fall in one step
    expect(all.every((t) => t !== undefined && t !== null && t >= 300 && t < 600)).toBe(true);
  });

  it('a cluster of one elects itself at once, persisting term and vote first', () => {
    const out = node(7, { members: [7] }).start(0);
    expect(out.persist).toEqual({ term: 1, votedFor: 7 });
    expect(out.events.map((e) => e.type)).toContain('became-leader');
    expect(timer(out, 'heartbeat')).toBe(50);
  });

  it('ignores messages from itself and from non-members', () => {
    const n = node(1);
    n.start(0);
    expect(n.receive(9, { type: 'vote-request', term: 5 }, 10).send).toEqual([]);
    expect(n.receive(1, { type: 'vote-request', term: 5 }, 10).send).toEqual([]);
    expect(n.status().term).toBe(0);
  });
});

describe('pre-vote', () => {
  it('election timeout starts a pre-vote for term+1 without changing the term', () => {
    const n = node(1);
    n.start(0);
    const out = n.fire('election', 450);
    expect(types(out)).toEqual(['2:pre-vote', '3:pre-vote']);
    expect(sentTo(out, 2)[0]).toEqual({ type: 'pre-vote', term: 1 });
    expect(out.persist).toBeUndefined();
    expect(timer(out, 'round')).toBe(150); // a randomized retry interval in [100, 200)
    expect(n.status()).toMatchObject({ role: 'pre-candidate', term: 0 });
  });

  it('is granted for a higher term when the leader is lost, and refused otherwise', () => {
    const n = node(2, { term: 3 });
    // restarted long enough ago that its restart wait (it may have promised a lease) is over
    n.start(-1000);
    expect(sentTo(n.receive(1, { type: 'pre-vote', term: 4 }, 10), 1)).toEqual([
      { type: 'pre-vote-reply', term: 4, granted: true },
    ]);
    expect(sentTo(n.receive(1, { type: 'pre-vote', term: 3 }, 10), 1)[0]).toMatchObject({ granted: false });
    n.receive(3, { type: 'heartbeat', term: 3, successors: [2, 1] }, 100);
    // heard the leader 50 ms ago: sticky, refuse
    expect(sentTo(n.receive(1, { type: 'pre-vote', term: 4 }, 150), 1)[0]).toMatchObject({ granted: false });
    // 200 ms later the leader is stale: grant
    expect(sentTo(n.receive(1, { type: 'pre-vote', term: 4 }, 300), 1)[0]).toMatchObject({ granted: true });
    expect(n.status().term).toBe(3);
  });

  it('stops being sticky once the link from its leader closes (stale heartbeats read after a pause)', () => {
    const n = node(2, { term: 3 });
    n.start(-1000); // past its restart wait; these heartbeats carry no lease round: no promise

    // Resumed: the dead leader's buffered heartbeat is read, then its link's close.
    n.receive(3, { type: 'heartbeat', term: 3, successors: [2, 1] }, 100);
    expect(sentTo(n.receive(1, { type: 'pre-vote', term: 4 }, 110), 1)[0]).toMatchObject({ granted: false });
    n.peerDown(3, 111);
    expect(sentTo(n.receive(1, { type: 'pre-vote', term: 4 }, 112), 1)[0]).toMatchObject({ granted: true });
    const vote = n.receive(1, { type: 'vote-request', term: 4 }, 113);
    expect(sentTo(vote, 1)[0]).toMatchObject({ type: 'vote-reply', term: 4, granted: true });
    // Another peer's link closing changes nothing: a follower of a live leader stays sticky.
    const m = node(2, { term: 3 });
    m.start(0);
    m.receive(3, { type: 'heartbeat', term: 3, successors: [2, 1] }, 100);
    m.peerDown(1, 105);
    expect(sentTo(m.receive(1, { type: 'vote-request', term: 4 }, 110), 1)[0]).toMatchObject({
      granted: false,
    });
  });

  it('a leader refuses pre-votes', () => {
    const l = leader3();
    expect(sentTo(l.receive(1, { type: 'pre-vote', term: 9 }, 5000), 1)[0]).toMatchObject({ granted: false });
  });

  it('a pre-vote without a majority asks again soon the peers that have not granted, keeping the grants it has', () => {
    const n = new ElectionNode({ id: 1, members: [1, 2, 3, 4, 5] }, { term: 0, votedFor: null }, () => 0.5);
    n.start(0);
    n.fire('election', 450);
    n.receive(2, { type: 'pre-vote-reply', term: 1, granted: true }, 451);
    n.receive(3, { type: 'pre-vote-reply', term: 1, granted: false }, 451);
    const retry = n.fire('round', 600);
    expect(types(retry)).toEqual(['3:pre-vote', '4:pre-vote', '5:pre-vote']);
    expect(timer(retry, 'round')).toBe(150);
    expect(retry.events).toContainEqual(
      expect.objectContaining({
        type: 'phase-ended',
        phase: 'pre-vote',
        outcome: 'timed-out',
        granted: [1, 2],
      }),
    );
    expect(retry.events).toContainEqual(
      expect.objectContaining({ type: 'phase-started', phase: 'pre-vote', cause: 'retry', asked: [3, 4, 5] }),
    );
    expect(n.status()).toMatchObject({ role: 'pre-candidate', term: 0 });
    // The peer that was paused answers the retry: with the grant kept from round one it is a majority.
    const won = n.receive(4, { type: 'pre-vote-reply', term: 1, granted: true }, 640);
    expect(won.events).toContainEqual(
      expect.objectContaining({ type: 'phase-ended', phase: 'pre-vote', outcome: 'won', granted: [1, 2, 4] }),
    );
    expect(n.status().role).toBe('bully-waiting');
  });

  it('a heartbeat ends the retries: the node follows again', () => {
    const n = node(1);
    n.start(0);
    n.fire('election', 450);
    n.fire('round', 600);
    const out = n.receive(3, { type: 'heartbeat', term: 0, successors: [3, 2, 1] }, 620);
    expect(n.status()).toMatchObject({ role: 'follower', leader: 3 });
    expect(timer(out, 'round')).toBeNull();
    expect(n.fire('round', 800).send).toEqual([]);
  });

  it('without succession (plain Raft) a failed pre-vote returns to follower with a fresh election timer', () => {
    const n = new ElectionNode({ id: 1, members, succession: false }, { term: 0, votedFor: null }, () => 0.5);
    n.start(0);
    const first = n.fire('election', 450);
    expect(timer(first, 'round')).toBe(450);
    n.receive(2, { type: 'pre-vote-reply', term: 1, granted: false }, 451);
    const out = n.fire('round', 900);
    expect(n.status()).toMatchObject({ role: 'follower', term: 0 });
    expect(timer(out, 'election')).toBe(450);
  });

  it('ignores pre-vote replies for another round', () => {
    const n = node(3);
    n.start(0);
    n.fire('election', 450);
    const out = n.receive(2, { type: 'pre-vote-reply', term: 7, granted: true }, 451);
    expect(out.send).toEqual([]);
    expect(n.status().role).toBe('pre-candidate');
  });
});

describe('bully phase', () => {
  it('the highest rank skips the bully phase and becomes candidate, persisting its vote', () => {
    const n = node(3);
    n.start(0);
    const out = winPreVote(n, 450, [2]);
    expect(out.persist).toEqual({ term: 1, votedFor: 3 });
    expect(types(out)).toEqual(['1:vote-request', '2:vote-request']);
    expect(n.status()).toMatchObject({ role: 'candidate', term: 1, votedFor: 3 });
  });

  it('a lower rank asks higher ranks first and runs itself when none answers', () => {
    const n = node(1);
    n.start(0);
    const out = winPreVote(n, 450, [2]);
    expect(types(out)).toEqual(['2:elect', '3:elect']);
    expect(out.persist).toBeUndefined();
    expect(n.status().role).toBe('bully-waiting');
    const after = n.fire('round', 560);
    expect(after.persist).toEqual({ term: 1, votedFor: 1 });
    expect(n.status().role).toBe('candidate');
  });

  it('an alive answer makes it defer; if no leader follows, the next round skips that node', () => {
    const n = node(1);
    n.start(0);
    winPreVote(n, 450, [2]);
    const out = n.receive(3, { type: 'alive', term: 1 }, 452);
    expect(n.status().role).toBe('deferring');
    expect(timer(out, 'round')).toBeNull();
    expect(timer(out, 'election')).toBe(450);
    n.fire('election', 900);
    const round2 = n.receive(2, { type: 'pre-vote-reply', term: 1, granted: true }, 901);
    expect(types(round2)).toEqual(['2:elect']);
  });

  it('a deferring node asked by a lower rank runs another round but keeps the deadline of its first deferral', () => {
    const n = node(2);
    n.start(0);
    winPreVote(n, 450, [1]);
    expect(timer(n.receive(3, { type: 'alive', term: 1 }, 452), 'election')).toBe(450); // deadline 902
    const again = n.receive(1, { type: 'elect', term: 1 }, 600);
    expect(sentTo(again, 1)).toEqual([
      { type: 'alive', term: 1 },
      { type: 'pre-vote', term: 1 },
    ]);
    n.receive(1, { type: 'pre-vote-reply', term: 1, granted: true }, 601);
    expect(n.status().role).toBe('bully-waiting');
    // Deferring again to the same node: the timer ends at the first deadline, not 450 ms on.
    expect(timer(n.receive(3, { type: 'alive', term: 1 }, 602), 'election')).toBe(300);
    n.fire('election', 902);
    // The node deferred to in vain is skipped: no more elect to 3, a candidacy instead.
    const round = n.receive(1, { type: 'pre-vote-reply', term: 1, granted: true }, 903);
    expect(types(round)).not.toContain('3:elect');
    expect(n.status().role).toBe('candidate');
  });

  it('a follower asked by a lower rank answers alive and runs a pre-vote itself', () => {
    const n = node(3);
    n.start(0);
    const out = n.receive(1, { type: 'elect', term: 1 }, 400);
    expect(sentTo(out, 1)).toEqual([
      { type: 'alive', term: 1 },
      { type: 'pre-vote', term: 1 },
    ]);
    expect(sentTo(out, 2)).toEqual([{ type: 'pre-vote', term: 1 }]);
    expect(n.status().role).toBe('pre-candidate');
  });

  it('a stale elect is ignored and a leader answers elect with a heartbeat', () => {
    const n = node(3, { term: 5 });
    n.start(0);
    expect(n.receive(1, { type: 'elect', term: 5 }, 400).send).toEqual([]);
    const l = leader3();
    expect(sentTo(l.receive(1, { type: 'elect', term: 2 }, 1100), 1)[0]).toMatchObject({
      type: 'heartbeat',
      term: 1,
    });
  });

  it('when two nodes each think the other goes first, the higher rank goes first', () => {
    const n = node(1);
    n.start(0); // no successor list known: node 3 outranks it, so 3 is ahead
    expect(n.receive(3, { type: 'elect', term: 1 }, 400).send).toEqual([]);
    expect(n.status().role).toBe('follower');
  });

  it('a leader that steps down forgets its published list and uses rank order again', () => {
    const l = leader3(1000, [2]);
    l.receive(2, { type: 'heartbeat-ack', term: 1 }, 1010);
    l.fire('heartbeat', 1050);
    expect(l.status().successors).toEqual([2]);
    l.receive(1, { type: 'heartbeat-ack', term: 4 }, 1060);
    expect(l.status().successors).toEqual([]);
  });

  it('without succession a lower rank runs at once after its pre-vote', () => {
    const n = new ElectionNode({ id: 1, members, succession: false }, { term: 0, votedFor: null }, () => 0.5);
    n.start(0);
    const out = winPreVote(n, 450, [2]);
    expect(types(out)).toEqual(['2:vote-request', '3:vote-request']);
  });
});

describe('votes', () => {
  it('grants one vote per term and asks to persist it in the same step as the reply', () => {
    const n = node(1);
    n.start(0);
    const a = n.receive(3, { type: 'vote-request', term: 1 }, 500);
    expect(a.persist).toEqual({ term: 1, votedFor: 3 });
    expect(sentTo(a, 3)).toEqual([{ type: 'vote-reply', term: 1, granted: true }]);
    const b = n.receive(2, { type: 'vote-request', term: 1 }, 501);
    expect(sentTo(b, 2)).toEqual([{ type: 'vote-reply', term: 1, granted: false }]);
    expect(b.persist).toBeUndefined();
    // a duplicate request from the same candidate is granted again (idempotent)
    expect(sentTo(n.receive(3, { type: 'vote-request', term: 1 }, 502), 3)[0]).toMatchObject({
      granted: true,
    });
  });

  it('keeps its vote across a restart from persisted state', () => {
    const n = node(1, { term: 4, votedFor: 3 });
    n.start(0);
    expect(sentTo(n.receive(2, { type: 'vote-request', term: 4 }, 500), 2)[0]).toMatchObject({
      granted: false,
    });
    expect(sentTo(n.receive(3, { type: 'vote-request', term: 4 }, 500), 3)[0]).toMatchObject({
      granted: true,
    });
  });

  it('refuses an older term, replying with its own term', () => {
    const n = node(1, { term: 6 });
    n.start(0);
    const out = n.receive(2, { type: 'vote-request', term: 5 }, 500);
    expect(sentTo(out, 2)).toEqual([{ type: 'vote-reply', term: 6, granted: false }]);
  });

  it('refuses without adopting the term while it hears a healthy leader (no disruption)', () => {
    const n = node(1, { term: 2 });
    n.start(0);
    n.receive(3, { type: 'heartbeat', term: 2, successors: [2, 1] }, 100);
    const out = n.receive(2, { type: 'vote-request', term: 3 }, 120);
    expect(sentTo(out, 2)[0]).toMatchObject({ granted: false, term: 2 });
    expect(n.status()).toMatchObject({ term: 2, leader: 3 });
  });

  it('a higher-term vote reply makes a candidate adopt the term and step back', () => {
    const n = node(3);
    n.start(0);
    winPreVote(n, 450, [2]);
    const out = n.receive(1, { type: 'vote-reply', term: 8, granted: false }, 460);
    expect(out.persist).toEqual({ term: 8, votedFor: null });
    expect(n.status()).toMatchObject({ role: 'follower', term: 8 });
  });

  it('a candidate without a majority in its round returns to follower, keeping term and vote', () => {
    const n = node(3);
    n.start(0);
    winPreVote(n, 450, [2]);
    n.receive(1, { type: 'vote-reply', term: 1, granted: false }, 455);
    n.fire('round', 560);
    expect(n.status()).toMatchObject({ role: 'follower', term: 1, votedFor: 3 });
  });

  it('a majority of votes makes it leader: event, heartbeats with successors, heartbeat timer', () => {
    const n = node(3);
    n.start(0);
    winPreVote(n, 450, [2]);
    const out = n.receive(2, { type: 'vote-reply', term: 1, granted: true }, 460);
    expect(out.events).toContainEqual({ type: 'became-leader', term: 1, at: 460, voters: [3, 2] });
    expect(sentTo(out, 1)).toEqual([{ type: 'heartbeat', term: 1, successors: [2] }]);
    expect(timer(out, 'heartbeat')).toBe(50);
    expect(timer(out, 'round')).toBeNull();
  });
});

describe('heartbeats, succession and check-quorum', () => {
  it('a follower follows a heartbeat, stores the successor list, acks and resets its timer', () => {
    const n = node(1);
    n.start(0);
    const out = n.receive(3, { type: 'heartbeat', term: 2, successors: [2, 1, 99] }, 100);
    expect(out.persist).toEqual({ term: 2, votedFor: null });
    expect(sentTo(out, 3)).toEqual([{ type: 'heartbeat-ack', term: 2 }]);
    // Second in line: the second band above the shortest timeout, [350, 400).
    expect(timer(out, 'election')).toBe(375);
    expect(n.status()).toMatchObject({ role: 'follower', leader: 3, term: 2, successors: [2, 1] });
    expect(out.events).toContainEqual({ type: 'leader-seen', term: 2, leader: 3, at: 100 });
  });

  it('rejects a heartbeat from an older term and tells the stale leader its term', () => {
    const n = node(1, { term: 5 });
    n.start(0);
    const out = n.receive(3, { type: 'heartbeat', term: 4, successors: [] }, 100);
    expect(sentTo(out, 3)).toEqual([{ type: 'heartbeat-ack', term: 5 }]);
    expect(n.status().leader).toBeNull();
  });

  it('a stale leader steps down on a higher term', () => {
    const l = leader3();
    const out = l.receive(1, { type: 'heartbeat-ack', term: 9 }, 1100);
    expect(out.events.map((e) => e.type)).toContain('stepped-down');
    expect(timer(out, 'heartbeat')).toBeNull();
    expect(l.status()).toMatchObject({ role: 'follower', term: 9, leader: null });
  });

  it('a candidate hearing the winner of its own term becomes follower', () => {
    const c = node(3, { members: [1, 2, 3, 4, 5] });
    c.start(0);
    c.fire('election', 450);
    for (const p of [1, 2]) c.receive(p, { type: 'pre-vote-reply', term: 1, granted: true }, 451);
    c.fire('round', 560); // nobody higher answered: candidate in term 1
    expect(c.status().role).toBe('candidate');
    c.receive(5, { type: 'heartbeat', term: 1, successors: [4, 3] }, 570);
    expect(c.status()).toMatchObject({ role: 'follower', leader: 5, term: 1 });
  });

  it('the leader publishes the followers that acked within its lease, highest rank first', () => {
    const l = leader3(1000, [1, 2]);
    l.receive(1, { type: 'heartbeat-ack', term: 1 }, 1040);
    l.receive(2, { type: 'heartbeat-ack', term: 1 }, 1040);
    const out = l.fire('heartbeat', 1050);
    expect(sentTo(out, 1)).toEqual([{ type: 'heartbeat', term: 1, successors: [2, 1] }]);
    // node 2 goes silent; after the lease only node 1 is listed
    l.receive(1, { type: 'heartbeat-ack', term: 1 }, 1340);
    const later = l.fire('heartbeat', 1360);
    expect(sentTo(later, 1)[0]).toMatchObject({ successors: [1] });
  });

  it('a follower asks only those ahead of it in the successor list', () => {
    const five = [1, 2, 3, 4, 5];
    const n = node(2, { members: five });
    n.start(0);
    n.receive(5, { type: 'heartbeat', term: 1, successors: [1, 2, 4] }, 10);
    n.fire('election', 500);
    n.receive(3, { type: 'pre-vote-reply', term: 2, granted: true }, 501);
    const out = n.receive(4, { type: 'pre-vote-reply', term: 2, granted: true }, 501);
    expect(types(out)).toEqual(['1:elect']);
  });

  it('check-quorum: a leader that hears from no majority within its lease steps down', () => {
    const l = leader3(1000, [2]);
    expect(l.hasQuorumLease(1100)).toBe(true);
    const ok = l.fire('heartbeat', 1250);
    expect(timer(ok, 'heartbeat')).toBe(50);
    expect(l.hasQuorumLease(1400)).toBe(false);
    const out = l.fire('heartbeat', 1400);
    expect(out.events).toContainEqual({ type: 'stepped-down', term: 1, at: 1400, reason: 'lost-quorum' });
    expect(l.status()).toMatchObject({ role: 'follower', term: 1 });
    expect(timer(out, 'election')).toBe(450);
  });

  it('acks keep the lease alive', () => {
    const l = leader3(1000, [2]);
    for (let t = 1050; t <= 3000; t += 50) {
      l.receive(1, { type: 'heartbeat-ack', term: 1 }, t - 1);
      l.fire('heartbeat', t);
    }
    expect(l.status().role).toBe('leader');
  });

  it('stale timer fires for another role are ignored', () => {
    const l = leader3();
    expect(l.fire('election', 1100).send).toEqual([]);
    expect(l.fire('round', 1100).send).toEqual([]);
    const f = node(1);
    f.start(0);
    expect(f.fire('heartbeat', 10).send).toEqual([]);
  });
});

describe('failover under pauses and partitions', () => {
  const five = [1, 2, 3, 4, 5];
  const node5 = (id: NodeId) =>
    new ElectionNode({ id, members: five }, { term: 0, votedFor: null }, () => 0.5);

  it('waits a whole randomized timeout for a node ahead that granted its pre-vote (no split vote)', () => {
    const n = node(1);
    n.start(0);
    n.receive(3, { type: 'heartbeat', term: 0, successors: [2, 1] }, 10);
    const out = winPreVote(n, 450, [2]);
    expect(types(out)).toEqual(['2:elect']);
    expect(timer(out, 'round')).toBe(450);
    // Node 2 answers late with its own candidacy: granted, no second candidate in term 1.
    const vote = n.receive(2, { type: 'vote-request', term: 1 }, 700);
    expect(sentTo(vote, 2)).toEqual([{ type: 'vote-reply', term: 1, granted: true }]);
    expect(n.status()).toMatchObject({ role: 'follower', term: 1, votedFor: 2 });
  });

  it('waits only aliveWaitMs for nodes ahead that have not granted yet', () => {
    const n = node5(1);
    n.start(0);
    n.fire('election', 450);
    n.receive(2, { type: 'pre-vote-reply', term: 1, granted: true }, 451);
    const out = n.receive(3, { type: 'pre-vote-reply', term: 1, granted: true }, 452);
    expect(types(out)).toEqual(['2:elect', '3:elect', '4:elect', '5:elect']);
    expect(timer(out, 'round')).toBe(450);
    const m = node5(1);
    m.start(0);
    m.receive(5, { type: 'heartbeat', term: 0, successors: [4, 3, 2, 1] }, 10);
    m.fire('election', 450);
    m.receive(2, { type: 'pre-vote-reply', term: 1, granted: true }, 451);
    const short = m.receive(1, { type: 'pre-vote-reply', term: 1, granted: true }, 452);
    expect(short.send).toEqual([]); // a grant from itself is not a peer's
  });

  it('skips a node ahead that did not answer even a retried pre-vote (paused or cut off)', () => {
    const n = node5(2);
    n.start(0);
    n.receive(5, { type: 'heartbeat', term: 0, successors: [4, 3, 2, 1] }, 10);
    n.fire('election', 450);
    n.receive(1, { type: 'pre-vote-reply', term: 1, granted: true }, 451);
    n.fire('round', 600); // 4 and 3 are paused: ask again
    const out = n.receive(3, { type: 'pre-vote-reply', term: 1, granted: true }, 640);
    // 3 granted (it runs): asked to take over; 4 never answered: skipped.
    expect(types(out)).toEqual(['3:elect']);
    expect(n.status().role).toBe('bully-waiting');
  });

  it('a suspected peer (its link closed) is skipped in line and dropped from the leader list at once', () => {
    const n = node(1);
    n.start(0);
    n.receive(3, { type: 'heartbeat', term: 0, successors: [2, 1] }, 10);
    n.peerDown(2, 20);
    // (A grant from 2 would clear the suspicion: being heard from again is the proof of life.)
    const out = winPreVote(n, 450, [3]);
    expect(types(out)).toEqual(['2:vote-request', '3:vote-request']);
    expect(n.status().role).toBe('candidate');

    const l = leader3(1000, [2, 1]);
    l.receive(1, { type: 'heartbeat-ack', term: 1 }, 1010);
    l.receive(2, { type: 'heartbeat-ack', term: 1 }, 1010);
    const hb = l.peerDown(2, 1020);
    expect(sentTo(hb, 1)).toEqual([{ type: 'heartbeat', term: 1, successors: [1] }]);
    // Heard from again: back in the list.
    l.receive(2, { type: 'heartbeat-ack', term: 1 }, 1030);
    expect(sentTo(l.fire('heartbeat', 1050), 1)).toEqual([
      { type: 'heartbeat', term: 1, successors: [2, 1] },
    ]);
  });

  it('a link coming back gets what the round still needs at once', () => {
    const n = node(1);
    n.start(0);
    n.fire('election', 450);
    expect(types(n.peerUp(2, 460))).toEqual(['2:pre-vote']);
    const c = node(3);
    c.start(0);
    winPreVote(c, 450, [2]);
    expect(types(c.peerUp(1, 460))).toEqual(['1:vote-request']);
    expect(c.peerUp(9, 460).send).toEqual([]);
    const l = leader3();
    expect(sentTo(l.peerUp(1, 1100), 1)[0]).toMatchObject({ type: 'heartbeat', term: 1 });
  });

  it('a candidate asks again the peers that have not voted until its round ends', () => {
    const c = node(3);
    c.start(0);
    const out = winPreVote(c, 450, [2]);
    expect(timer(out, 'retry')).toBe(150);
    expect(types(c.fire('retry', 600))).toEqual(['1:vote-request', '2:vote-request']);
    c.receive(2, { type: 'vote-reply', term: 1, granted: false }, 610);
    const won = c.receive(1, { type: 'vote-reply', term: 1, granted: true }, 620);
    expect(c.status().role).toBe('leader');
    expect(won.timers).toContainEqual({ timer: 'retry', delayMs: null });
    expect(c.fire('retry', 800).send).toEqual([]);
  });
});

describe('views of the order that disagree', () => {
  it('two nodes waiting on each other: the higher rank stops waiting and stands', () => {
    const n = node(2);
    n.start(0);
    n.receive(3, { type: 'heartbeat', term: 0, successors: [1, 2] }, 10);
    const out = winPreVote(n, 450, [1]);
    expect(types(out)).toEqual(['1:elect']);
    // Node 1 believes 2 goes first and asks it to take over.
    const stand = n.receive(1, { type: 'elect', term: 1 }, 460);
    expect(types(stand)).toEqual(['1:alive', '1:vote-request', '3:vote-request']);
    expect(n.status()).toMatchObject({ role: 'candidate', term: 1 });
  });
});

describe('next in line notices first', () => {
  const armed = (id: NodeId, successors: NodeId[], r: number, m: NodeId[] = members) => {
    const n = node(id, { members: m, r });
    n.start(0);
    return timer(n.receive(m.at(-1)!, { type: 'heartbeat', term: 1, successors }, 10), 'election');
  };

  it('a follower draws its election timeout from its place in the leader list', () => {
    // Three nodes: band width min(heartbeat 50, 300 / 3) = 50 ms.
    expect([0, 0.5, 0.999].map((r) => armed(2, [2, 1], r))).toEqual([300, 325, 349]);
    expect([0, 0.5, 0.999].map((r) => armed(1, [2, 1], r))).toEqual([350, 375, 399]);
    // Off the list (a node the leader dropped): above every band.
    expect([0, 0.5, 0.999].map((r) => armed(1, [2], r))).toEqual([350, 475, 599]);
    expect([0, 0.999].map((r) => armed(1, [], r))).toEqual([300, 599]);
  });

  it('bands stay inside the range with more nodes than fit a heartbeat each', () => {
    const seven = [1, 2, 3, 4, 5, 6, 7];
    const list = [6, 5, 4, 3, 2, 1];
    // width min(50, 300 / 7) = 42 ms
    expect(list.map((id) => armed(id, list, 0, seven))).toEqual([300, 342, 384, 426, 468, 510]);
    expect(armed(1, list, 0.999, seven)).toBe(551);
    expect(armed(1, [6, 5, 4, 3, 2], 0, seven)).toBe(510);
    expect(armed(1, [6, 5, 4, 3, 2], 0.999, seven)).toBe(599);
  });

  it('without a leader (start, a round that failed) the whole range is drawn', () => {
    expect(timer(node(2, { r: 0 }).start(0), 'election')).toBe(300);
    const c = node(2, { r: 0.999 });
    c.start(0);
    c.receive(3, { type: 'heartbeat', term: 1, successors: [2, 1] }, 10);
    winPreVote(c, 400, []);
    c.receive(1, { type: 'pre-vote-reply', term: 2, granted: true }, 401);
    c.receive(1, { type: 'vote-reply', term: 2, granted: false }, 402);
    const back = c.fire('round', 1000);
    expect(c.status()).toMatchObject({ role: 'follower', leader: null });
    expect(timer(back, 'election')).toBe(599);
  });

  it('without succession every follower draws from the whole range', () => {
    const n = new ElectionNode({ id: 1, members, succession: false }, { term: 0, votedFor: null }, () => 0.5);
    n.start(0);
    expect(timer(n.receive(3, { type: 'heartbeat', term: 1, successors: [1, 2] }, 10), 'election')).toBe(450);
  });
});

describe('rivals standing for the same term', () => {
  it('a node that saw a higher rank pre-vote for its own term defers to it after winning its pre-vote', () => {
    // Node 1 believes it is next (leader 3 dropped node 2 while it was cut off); node 2 kept an
    // older list with itself first. Both stand for term 2 and grant each other.
    const n = node(1);
    n.start(0);
    n.receive(3, { type: 'heartbeat', term: 1, successors: [1] }, 10);
    n.fire('election', 400);
    const granted = n.receive(2, { type: 'pre-vote', term: 2 }, 410);
    expect(sentTo(granted, 2)).toEqual([{ type: 'pre-vote-reply', term: 2, granted: true }]);
    const out = n.receive(2, { type: 'pre-vote-reply', term: 2, granted: true }, 411);
    expect(types(out)).toEqual(['2:elect']);
    expect(n.status()).toMatchObject({ role: 'bully-waiting', term: 1 });
  });

  it('a lower rank standing is no rival: the higher one stands at once', () => {
    const n = node(2);
    n.start(0);
    n.receive(3, { type: 'heartbeat', term: 1, successors: [2, 1] }, 10);
    n.fire('election', 400);
    n.receive(1, { type: 'pre-vote', term: 2 }, 410);
    const out = n.receive(1, { type: 'pre-vote-reply', term: 2, granted: true }, 411);
    expect(types(out)).toEqual(['1:vote-request', '3:vote-request']);
    expect(n.status()).toMatchObject({ role: 'candidate', term: 2 });
  });

  it('a pre-vote for another term, or one seen while following, makes no rival', () => {
    const n = node(1);
    n.start(0);
    n.receive(3, { type: 'heartbeat', term: 1, successors: [1] }, 10);
    n.receive(2, { type: 'pre-vote', term: 2 }, 390); // still a follower
    n.fire('election', 400);
    n.receive(2, { type: 'pre-vote', term: 3 }, 410); // another round
    const out = n.receive(2, { type: 'pre-vote-reply', term: 2, granted: true }, 411);
    expect(n.status()).toMatchObject({ role: 'candidate', term: 2 });
    expect(types(out)).toEqual(['2:vote-request', '3:vote-request']);
  });

  it('asked to take over by the rival it waits for, it says so and the rival stands at once', () => {
    const low = node(1);
    low.start(0);
    low.receive(3, { type: 'heartbeat', term: 1, successors: [1] }, 10);
    low.fire('election', 400);
    low.receive(2, { type: 'pre-vote', term: 2 }, 410);
    low.receive(2, { type: 'pre-vote-reply', term: 2, granted: true }, 411); // asks 2: elect
    // Node 2 (its list puts 1 first) asked 1 in its own bully phase: 1 answers with its own elect.
    const back = low.receive(2, { type: 'elect', term: 2 }, 412);
    expect(types(back)).toEqual(['2:elect']);
    expect(low.status().role).toBe('bully-waiting');

    const high = node(2);
    high.start(0);
    high.receive(3, { type: 'heartbeat', term: 1, successors: [1] }, 10);
    winPreVote(high, 400, []);
    const won = high.receive(1, { type: 'pre-vote-reply', term: 2, granted: true }, 411);
    expect(types(won)).toEqual(['1:elect']);
    const stand = high.receive(1, { type: 'elect', term: 2 }, 413);
    expect(types(stand)).toEqual(['1:alive', '1:vote-request', '3:vote-request']);
    expect(high.status()).toMatchObject({ role: 'candidate', term: 2 });
  });
});

describe('slow voters', () => {
  it('a vote round that nobody refused is extended once in the same term; a refused one is not', () => {
    const c = node(3);
    c.start(0);
    winPreVote(c, 450, [2]);
    const ext = c.fire('round', 900);
    expect(c.status()).toMatchObject({ role: 'candidate', term: 1 });
    expect(types(ext)).toEqual(['1:vote-request', '2:vote-request']);
    expect(timer(ext, 'round')).toBe(450);
    c.fire('round', 1400);
    expect(c.status()).toMatchObject({ role: 'follower', term: 1, votedFor: 3 });

    const d = node(3);
    d.start(0);
    winPreVote(d, 450, [2]);
    d.receive(2, { type: 'vote-reply', term: 1, granted: false }, 460);
    d.fire('round', 900);
    expect(d.status()).toMatchObject({ role: 'follower', term: 1 });
  });
});
