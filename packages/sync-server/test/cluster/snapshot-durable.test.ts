/**
 * A snapshot number is written off the event loop (with its version, through the node's
 * committer), so "stored" waits for that write: a follower replies only once its number is
 * durable, a retransmission that arrives meanwhile is not answered "stored", a failed write is
 * refused and taken back, and a leader whose own write fails announces nothing and numbers the
 * same seq again (no gap). A write that ends after the node answered a newer leader's query is
 * kept but not counted for the old leader (the query was answered without it). In virtual time.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterMessage, SnapshotReplyMessage } from '../../src/cluster/messages.js';
import { SnapshotReplication } from '../../src/cluster/snapshot-replication.js';
import type { NodeId } from '../../src/election/types.js';
import type { ReplicaHost } from '../../src/relay/replicator.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { snapshotHost } from '../support/snapshot-host.js';

/** How a node's next version writes end: at once, when the test says, or with an error. */
type WriteMode = 'ok' | 'held' | 'fail';

/** Three nodes on a bus; node 1 leads term 1. Each node's writes follow its `mode`. */
function cluster() {
  const clock = new ManualScheduler();
  const queue: { from: NodeId; to: NodeId; m: ClusterMessage }[] = [];
  const nodes = new Map<NodeId, SnapshotReplication>();
  const hosts = new Map<NodeId, ReplicaHost>();
  const mode = new Map<NodeId, WriteMode>();
  const held = new Map<NodeId, { finish: (ok: boolean) => void }[]>();
  for (const id of [1, 2, 3]) {
    const host = snapshotHost(id);
    const keep = host.keepVersion.bind(host);
    mode.set(id, 'ok');
    held.set(id, []);
    host.keepVersion = (...args) => {
      const how = mode.get(id);
      if (how === 'fail') return Promise.reject(new Error('disk full'));
      if (how === 'ok') return keep(...args);
      return new Promise<void>((resolve, reject) => {
        held.get(id)!.push({
          finish: (ok) => (ok ? keep(...args).then(resolve, reject) : reject(new Error('disk full'))),
        });
      });
    };
    hosts.set(id, host);
    nodes.set(
      id,
      new SnapshotReplication({
        nodeId: id,
        members: [1, 2, 3],
        host,
        electionTerm: 1,
        send: (to, m) => queue.push({ from: id, to, m }),
        everyUpdates: 5,
        setTimer: (ms, fn) => clock.setTimer(ms, fn),
        onSnapshot: () => {},
      }),
    );
  }
  const settle = async () => {
    for (let round = 0; round < 10; round++) await new Promise((r) => setImmediate(r));
  };
  /** Deliver queued messages (and those they cause) until quiet. */
  const deliver = async (keep: (e: { to: NodeId; m: ClusterMessage }) => boolean = () => true) => {
    for (let round = 0; round < 50; round++) {
      await settle();
      if (queue.length === 0) return;
      for (const e of queue.splice(0)) if (keep(e)) nodes.get(e.to)?.onMessage(e.from, e.m);
    }
  };
  const replies = (to: NodeId) =>
    queue.filter((e) => e.to === to && e.m.type === 'snapshot-reply').map((e) => e.m as SnapshotReplyMessage);
  return { clock, queue, nodes, hosts, mode, held, settle, deliver, replies };
}

describe('snapshot numbers stored off the event loop', () => {
  it('a follower replies only once its number is durable; a resend meanwhile is not told "stored"', async () => {
    const c = cluster();
    const leader = c.nodes.get(1)!;
    leader.lead(1);
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await c.deliver((e) => e.m.type !== 'snapshot-announce'); // numbering learned; (1, 1) not delivered
    // Resend on the timer: this time the announcement reaches node 2, whose write is slow.
    c.mode.set(2, 'held');
    c.mode.set(3, 'held');
    c.clock.advance(1000);
    await c.settle();
    const toTwo = c.queue.filter((e) => e.to === 2 && e.m.type === 'snapshot-announce');
    expect(toTwo).toHaveLength(1);
    c.queue.length = 0;
    const m = toTwo[0]!.m;
    c.nodes.get(2)!.onMessage(1, m);
    await c.settle();
    expect(c.replies(1)).toEqual([]); // accepted, not yet durable: no reply
    expect(c.nodes.get(2)!.snapshotOf('d')).toEqual({ term: 1, seq: 1 }); // but older numbers are refused already
    // The same announcement again (a resend): not "stored" while the write runs.
    c.nodes.get(2)!.onMessage(1, m);
    await c.settle();
    expect(c.replies(1).map((r) => r.accepted)).toEqual([false]);
    c.queue.length = 0;
    c.held.get(2)!.shift()!.finish(true);
    await c.settle();
    expect(c.replies(1).map((r) => r.accepted)).toEqual([true]);
    expect(c.hosts.get(2)!.store.getMeta('cluster.snapshot:d')).toBe(JSON.stringify({ term: 1, seq: 1 }));
    await c.deliver();
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 1 });
  });

  it('a follower whose write fails refuses and takes the number back; a resend is then stored', async () => {
    const c = cluster();
    const leader = c.nodes.get(1)!;
    leader.lead(1);
    c.mode.set(2, 'fail');
    c.mode.set(3, 'fail');
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await c.deliver(
      (e) => e.m.type !== 'snapshot-reply' || e.to !== 1 || (e.m as SnapshotReplyMessage).accepted,
    );
    expect(leader.committedOf('d')).toBeNull(); // neither follower stored it
    for (const id of [2, 3]) {
      expect(c.nodes.get(id)!.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
      expect(c.hosts.get(id)!.store.getMeta('cluster.snapshot:d')).toBeUndefined();
    }
    c.mode.set(2, 'ok');
    c.clock.advance(1000); // the leader resends (1, 1)
    await c.deliver();
    expect(c.nodes.get(2)!.snapshotOf('d')).toEqual({ term: 1, seq: 1 });
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 1 });
  });

  it('a leader whose own write fails announces nothing and numbers the same seq again', async () => {
    const c = cluster();
    const leader = c.nodes.get(1)!;
    leader.lead(1);
    c.mode.set(1, 'fail');
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await c.deliver();
    expect(leader.committedOf('d')).toBeNull();
    expect(leader.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
    for (const id of [2, 3]) expect(c.nodes.get(id)!.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
    c.clock.advance(5000); // no resend of a number never stored
    await c.settle();
    expect(c.queue.filter((e) => e.m.type === 'snapshot-announce')).toHaveLength(0);
    c.mode.set(1, 'ok');
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await c.deliver();
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 1 }); // seq 1 again: no gap
    expect(c.nodes.get(3)!.snapshotOf('d')).toEqual({ term: 1, seq: 1 });
  });

  it('a leader that cannot read the state to announce gives its number back too', async () => {
    const c = cluster();
    const leader = c.nodes.get(1)!;
    const host = c.hosts.get(1)!;
    const diff = host.diff.bind(host);
    leader.lead(1);
    host.diff = async () => {
      throw new Error('state unreadable');
    };
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await c.deliver();
    expect(c.queue.filter((e) => e.m.type === 'snapshot-announce')).toHaveLength(0);
    expect(leader.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
    host.diff = diff;
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await c.deliver();
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 1 });
  });

  it("one document's numbers are written in the order they were accepted", async () => {
    const c = cluster();
    const leader = c.nodes.get(1)!;
    leader.lead(1);
    c.mode.set(3, 'held');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++) leader.noteUpdate('d');
      await c.deliver(); // node 2's replies commit each number without node 3
    }
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 2 });
    expect(c.held.get(3)).toHaveLength(1); // (1, 2) waits for (1, 1)'s write to end
    c.held.get(3)!.shift()!.finish(true);
    await c.settle();
    expect(c.held.get(3)).toHaveLength(1);
    c.held.get(3)!.shift()!.finish(true);
    await c.settle();
    expect(c.hosts.get(3)!.store.getMeta('cluster.snapshot:d')).toBe(JSON.stringify({ term: 1, seq: 2 }));
  });

  it('a follower write that ends after a newer leader asked is stored but refused to the old leader', async () => {
    const c = cluster();
    const old = c.nodes.get(1)!;
    old.lead(1);
    c.mode.set(2, 'held');
    c.mode.set(3, 'held');
    for (let i = 0; i < 5; i++) old.noteUpdate('d');
    await c.deliver(); // (1, 1) announced; nodes 2 and 3 are writing it
    expect(c.held.get(2)).toHaveLength(1);
    // the leader of term 2 asks node 2, which answers without the number still being written
    c.queue.length = 0;
    c.nodes.get(2)!.onMessage(3, { type: 'snapshot-query', docId: 'd', term: 2 });
    await c.settle();
    const answer = c.queue.find((e) => e.m.type === 'snapshot-answer')!.m;
    expect(answer).toMatchObject({ highest: null, term: 2 });
    c.queue.length = 0;
    c.held.get(2)!.shift()!.finish(true);
    await c.settle();
    // stored, but not counted for term 1: old leader 1 learns it is fenced
    expect(c.hosts.get(2)!.store.getMeta('cluster.snapshot:d')).toBe(JSON.stringify({ term: 1, seq: 1 }));
    expect(c.replies(1)).toEqual([
      { type: 'snapshot-reply', docId: 'd', number: { term: 1, seq: 1 }, accepted: false, promisedTerm: 2 },
    ]);
    await c.deliver();
    expect(old.committedOf('d')).toBeNull();
  });

  it('a leader whose own write ends after it answered a newer leader never announces it', async () => {
    const c = cluster();
    const old = c.nodes.get(1)!;
    old.lead(1);
    c.mode.set(1, 'held');
    for (let i = 0; i < 5; i++) old.noteUpdate('d');
    await c.deliver(); // learned; (1, 1) issued, its write held
    expect(c.held.get(1)).toHaveLength(1);
    old.onMessage(3, { type: 'snapshot-query', docId: 'd', term: 2 });
    await c.settle();
    expect(c.queue.find((e) => e.m.type === 'snapshot-answer')?.m).toMatchObject({ highest: null });
    c.queue.length = 0;
    c.held.get(1)!.shift()!.finish(true);
    await c.settle();
    expect(c.queue.filter((e) => e.m.type === 'snapshot-announce')).toHaveLength(0);
    c.clock.advance(10_000); // nor on the retransmit timer
    await c.settle();
    expect(c.queue.filter((e) => e.m.type === 'snapshot-announce')).toHaveLength(0);
    expect(old.committedOf('d')).toBeNull();
  });
});
