/**
 * Snapshot work in its turn (`defer`): documents that reach their snapshot count together are
 * numbered, announced and stored one task per turn on every node, never in one go, and every one
 * of them still commits with the same numbers as without pacing. Turns and the bus are test
 * queues; no timer runs.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { SnapshotReplication } from '../../src/cluster/snapshot-replication.js';
import type { NodeId } from '../../src/election/types.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { snapshotHost } from '../support/snapshot-host.js';

function cluster(paced: boolean, idleMs = 0) {
  const clock = new ManualScheduler();
  const bus: { from: NodeId; to: NodeId; m: ClusterMessage }[] = [];
  const turns = new Map<NodeId, (() => void)[]>();
  const writes = new Map<NodeId, { n: number }>();
  const nodes = new Map<NodeId, SnapshotReplication>();
  for (const id of [1, 2, 3]) {
    const mine: (() => void)[] = [];
    turns.set(id, mine);
    writes.set(id, { n: 0 });
    nodes.set(
      id,
      new SnapshotReplication({
        nodeId: id,
        members: [1, 2, 3],
        host: snapshotHost(id, { writes: writes.get(id)! }),
        electionTerm: 1,
        send: (to, m) => bus.push({ from: id, to, m }),
        everyUpdates: 3,
        idleMs,
        setTimer: (ms, fn) => clock.setTimer(ms, fn),
        onSnapshot: () => {},
        ...(paced ? { defer: (fn: () => void) => mine.push(fn) } : {}),
      }),
    );
  }
  /** Run one waiting turn of node `id`; false when it has none. */
  const turn = (id: NodeId): boolean => {
    const fn = turns.get(id)!.shift();
    if (fn === undefined) return false;
    fn();
    return true;
  };
  /** Deliver messages and run turns until everything is quiet (bounded). */
  const settle = async () => {
    for (let round = 0; round < 500; round++) {
      await new Promise((r) => setImmediate(r)); // the hosts' promises (state, diff)
      let moved = false;
      for (const e of bus.splice(0)) {
        nodes.get(e.to)!.onMessage(e.from, e.m);
        moved = true;
      }
      for (const id of [1, 2, 3]) if (turn(id)) moved = true;
      if (!moved && bus.length === 0) return round;
    }
    throw new Error('did not settle');
  };
  return { nodes, bus, turns, writes, turn, settle, clock };
}

describe('paced snapshots', () => {
  it('number documents that reach their count together one per turn, and commit them all', async () => {
    const docs = Array.from({ length: 8 }, (_, i) => `doc-${i}`);
    const results: Record<string, unknown>[] = [];
    for (const paced of [false, true]) {
      const c = cluster(paced);
      const leader = c.nodes.get(1)!;
      leader.lead(1);
      for (let u = 0; u < 3; u++) for (const d of docs) leader.noteUpdate(d);
      if (paced) {
        // Nothing issued yet: eight tasks wait on the leader, nothing was sent or written.
        expect(c.turns.get(1)!.length).toBe(1);
        expect(c.bus).toHaveLength(0);
        expect(c.writes.get(1)!.n).toBe(0);
        // One turn numbers one document (its query goes out), the others still wait.
        c.turn(1);
        expect(c.bus.filter((e) => e.m.type === 'snapshot-query')).toHaveLength(2);
        expect(c.turns.get(1)!.length).toBe(1);
      }
      await c.settle();
      const committed: Record<string, unknown> = {};
      for (const d of docs) committed[d] = leader.committedOf(d);
      results.push(committed);
      for (const id of [2, 3])
        for (const d of docs) expect(c.nodes.get(id)!.snapshotOf(d)).toEqual({ term: 1, seq: 1 });
    }
    expect(results[1]).toEqual(results[0]);
    for (const d of docs) expect(results[1]![d]).toEqual({ term: 1, seq: 1 });
  });

  it('a follower handles a burst of announcements one per turn', async () => {
    const c = cluster(true);
    const leader = c.nodes.get(1)!;
    leader.lead(1);
    const docs = Array.from({ length: 6 }, (_, i) => `d${i}`);
    // First snapshots settle the leader's numbering (queries answered).
    for (let u = 0; u < 3; u++) for (const d of docs) leader.noteUpdate(d);
    await c.settle();
    // The second round: every announcement reaches follower 2 at once.
    for (let u = 0; u < 3; u++) for (const d of docs) leader.noteUpdate(d);
    for (let round = 0; round < 100 && c.bus.filter((e) => e.to === 2).length < docs.length; round++) {
      await new Promise((r) => setImmediate(r));
      c.turn(1);
    }
    const toTwo = c.bus.filter((e) => e.to === 2 && e.m.type === 'snapshot-announce');
    expect(toTwo).toHaveLength(docs.length);
    const before = c.writes.get(2)!.n;
    for (const e of toTwo) c.nodes.get(2)!.onMessage(e.from, e.m);
    expect(c.writes.get(2)!.n).toBe(before); // nothing handled at once
    c.turn(2);
    await new Promise((r) => setImmediate(r)); // its write (off the event loop in a relay) is done
    expect(c.writes.get(2)!.n).toBe(before + 1); // one announcement: its number with its version, one write
    for (const d of docs.slice(1)) expect(c.nodes.get(2)!.snapshotOf(d)).toEqual({ term: 1, seq: 1 });
    expect(c.nodes.get(2)!.snapshotOf(docs[0]!)).toEqual({ term: 1, seq: 2 });
  });

  it('updates that arrive while a count-triggered snapshot waits its turn stay counted', async () => {
    // With the numbering learned (a first snapshot), eight updates in one burst (every 3):
    // unpaced, the snapshot issued at the third leaves five counted, and the idle trigger numbers
    // one more. Paced, the snapshot runs after all eight arrived and must take only its three off
    // the count, or the idle trigger finds nothing to do.
    const seen: unknown[] = [];
    for (const paced of [false, true]) {
      const c = cluster(paced, 300);
      const leader = c.nodes.get(1)!;
      leader.lead(1);
      for (let u = 0; u < 3; u++) leader.noteUpdate('d');
      await c.settle();
      expect(leader.committedOf('d')).toEqual({ term: 1, seq: 1 });
      for (let u = 0; u < 8; u++) leader.noteUpdate('d');
      await c.settle();
      expect(leader.committedOf('d')).toEqual({ term: 1, seq: 2 });
      c.clock.advance(300);
      await c.settle();
      seen.push(leader.committedOf('d'));
    }
    expect(seen).toEqual([
      { term: 1, seq: 3 },
      { term: 1, seq: 3 },
    ]);
  });
});
