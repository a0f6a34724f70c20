/**
 * A snapshot announcement whose replies are lost is resent by the leader on its timer, and a
 * follower that already stored that number answers "stored" again, so the snapshot commits and
 * the next one can be numbered, without waiting for the document's next updates. In virtual time.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { MAX_RETRANSMITS, SnapshotReplication } from '../../src/cluster/snapshot-replication.js';
import type { NodeId } from '../../src/election/types.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { snapshotHost } from '../support/snapshot-host.js';

/** Each node's log records (`snapshot` fields), for the chaos checkers' view. */
type Logged = { snapshot?: { type: string; term: number; seq: number } };

/** Three nodes on a bus whose deliveries a test can drop; node 1 leads term 1. */
function cluster() {
  const clock = new ManualScheduler();
  const queue: { from: NodeId; to: NodeId; m: ClusterMessage }[] = [];
  const nodes = new Map<NodeId, SnapshotReplication>();
  const logs = new Map<NodeId, Logged[]>();
  for (const id of [1, 2, 3]) {
    logs.set(id, []);
    nodes.set(
      id,
      new SnapshotReplication({
        nodeId: id,
        members: [1, 2, 3],
        host: snapshotHost(id, {
          logger: pino(
            { level: 'info' },
            { write: (line: string) => logs.get(id)!.push(JSON.parse(line) as Logged) },
          ),
        }),
        electionTerm: 1,
        send: (to, m) => queue.push({ from: id, to, m }),
        everyUpdates: 5,
        setTimer: (ms, fn) => clock.setTimer(ms, fn),
        onSnapshot: () => {},
      }),
    );
  }
  /** Deliver queued messages (and those they cause) until quiet; `drop` decides losses. */
  const deliver = async (drop: (e: { m: ClusterMessage }) => boolean = () => false) => {
    for (let round = 0; round < 50; round++) {
      await new Promise((r) => setImmediate(r));
      if (queue.length === 0) return;
      for (const e of queue.splice(0)) if (!drop(e)) nodes.get(e.to)?.onMessage(e.from, e.m);
    }
  };
  const sent = (type: ClusterMessage['type']) => (e: { m: ClusterMessage }) => e.m.type === type;
  /** The snapshot log lines of node `id` of one type, as `term/seq`. */
  const logged = (id: NodeId, type: string) =>
    (logs.get(id) ?? []).flatMap((l) =>
      l.snapshot?.type === type ? [`${l.snapshot.term}/${l.snapshot.seq}`] : [],
    );
  return { clock, nodes, deliver, sent, queue, logged };
}

describe('snapshot announcement retransmission', () => {
  it('commits a snapshot whose replies were all lost once the leader resends it', async () => {
    const { clock, nodes, deliver, sent, logged } = cluster();
    const leader = nodes.get(1)!;
    leader.lead(1);
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await deliver(); // query, answers, the first announcement and its replies
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 1 });

    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await deliver(sent('snapshot-reply')); // every follower stores (1, 2); every reply is lost
    expect(nodes.get(2)!.snapshotOf('d')).toEqual({ term: 1, seq: 2 });
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 1 });

    expect(logged(2, 'snapshot-confirmed')).toEqual([]);
    clock.advance(1000); // the resend: followers answer "stored" again
    await deliver();
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 2 });
    // Each follower stored (1, 2) once and logged the confirmation its ack came from.
    for (const id of [2, 3]) {
      expect(logged(id, 'snapshot-accepted')).toEqual(['1/1', '1/2']);
      expect(logged(id, 'snapshot-confirmed')).toEqual(['1/2']);
    }
    // The next snapshot gets the next number.
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await deliver();
    expect(leader.committedOf('d')).toEqual({ term: 1, seq: 3 });
    expect(nodes.get(3)!.snapshotOf('d')).toEqual({ term: 1, seq: 3 });
  });

  it('stops resending once committed, on stepping down, and after MAX_RETRANSMITS', async () => {
    const { clock, nodes, deliver, sent, queue } = cluster();
    const leader = nodes.get(1)!;
    leader.lead(1);
    for (let i = 0; i < 5; i++) leader.noteUpdate('d');
    await deliver(sent('snapshot-announce')); // never reaches anyone
    let resends = 0;
    for (let i = 0; i < MAX_RETRANSMITS + 5; i++) {
      clock.advance(1000);
      await new Promise((r) => setImmediate(r));
      resends += queue.splice(0).filter((e) => e.m.type === 'snapshot-announce').length;
    }
    expect(resends).toBe(MAX_RETRANSMITS * 2); // to each of two peers

    const fresh = cluster();
    const l2 = fresh.nodes.get(1)!;
    l2.lead(1);
    for (let i = 0; i < 5; i++) l2.noteUpdate('d');
    await fresh.deliver(fresh.sent('snapshot-announce'));
    l2.stepDown();
    fresh.clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
    expect(fresh.queue.filter((e) => e.m.type === 'snapshot-announce')).toHaveLength(0);
  });

  it('a follower answers a resend of a number it holds as stored, but still refuses an older one', async () => {
    const { nodes, deliver, queue } = cluster();
    const leader = nodes.get(1)!;
    leader.lead(1);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++) leader.noteUpdate('d');
      await deliver();
    }
    expect(nodes.get(2)!.snapshotOf('d')).toEqual({ term: 1, seq: 2 });
    const announce = (seq: number): ClusterMessage => ({
      type: 'snapshot-announce',
      docId: 'd',
      number: { term: 1, seq },
      at: 0,
      stateVector: new Uint8Array(),
      snapshot: new Uint8Array(),
    });
    nodes.get(2)!.onMessage(1, announce(2));
    nodes.get(2)!.onMessage(1, announce(1));
    const replies = queue
      .splice(0)
      .filter((e) => e.m.type === 'snapshot-reply')
      .map((e) => e.m);
    expect(replies.map((m) => (m.type === 'snapshot-reply' ? m.accepted : null))).toEqual([true, false]);
  });
});
