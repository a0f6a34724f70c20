/**
 * The leader's snapshot triggers, in virtual time: every N updates, and after an idle period
 * with updates not yet covered (also updates a new leader stored before it led); nothing while
 * not leader.
 */
import { Doc, encodeStateVector } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { SnapshotReplication } from '../../src/cluster/snapshot-replication.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { snapshotHost } from '../support/snapshot-host.js';

function setup(idleMs: number) {
  const clock = new ManualScheduler();
  const snapshots: string[] = [];
  const r = new SnapshotReplication({
    nodeId: 1,
    members: [1],
    host: snapshotHost(1),
    electionTerm: 0,
    send: () => {},
    everyUpdates: 10,
    idleMs,
    setTimer: (ms, fn) => clock.setTimer(ms, fn),
    onSnapshot: (docId) => snapshots.push(`${docId}@${JSON.stringify(r.snapshotOf(docId))}`),
  });
  return { clock, r, snapshots };
}

describe('leader snapshot triggers', () => {
  it('numbers a snapshot once updates stay quiet for idleMs, and again at every 10 updates', () => {
    const { clock, r } = setup(500);
    r.lead(3);
    for (let i = 0; i < 3; i++) r.noteUpdate('d');
    clock.advance(499);
    expect(r.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
    r.noteUpdate('d'); // restarts the wait
    clock.advance(499);
    expect(r.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
    clock.advance(1);
    expect(r.snapshotOf('d')).toEqual({ term: 3, seq: 1 });
    // quiet with nothing new: no further snapshot
    clock.advance(5000);
    expect(r.snapshotOf('d')).toEqual({ term: 3, seq: 1 });
    // the count trigger alone, without waiting
    for (let i = 0; i < 10; i++) r.noteUpdate('d');
    expect(r.snapshotOf('d')).toEqual({ term: 3, seq: 2 });
    clock.advance(5000);
    expect(r.snapshotOf('d')).toEqual({ term: 3, seq: 2 });
  });

  it('does nothing when idleMs is 0 or the node is not (or no longer) leader', () => {
    const off = setup(0);
    off.r.lead(1);
    for (let i = 0; i < 3; i++) off.r.noteUpdate('d');
    off.clock.advance(10_000);
    expect(off.r.snapshotOf('d')).toEqual({ term: 0, seq: 0 });

    const follower = setup(500);
    for (let i = 0; i < 3; i++) follower.r.noteUpdate('d');
    follower.clock.advance(10_000);
    expect(follower.r.snapshotOf('d')).toEqual({ term: 0, seq: 0 });

    const deposed = setup(500);
    deposed.r.lead(2);
    deposed.r.noteUpdate('d');
    deposed.r.stepDown();
    deposed.clock.advance(10_000);
    expect(deposed.r.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
    expect(deposed.clock.pending).toBe(0);
  });

  it('a new leader snapshots, after idleMs, the updates it stored before it led', () => {
    // As in a demo cluster under load: the leader steps down (lost quorum) right after a burst
    // of typing and another node takes over; nobody types again.
    const follower = setup(500);
    for (let i = 0; i < 3; i++) follower.r.noteUpdate('d');
    follower.r.lead(2);
    follower.clock.advance(499);
    expect(follower.r.snapshotOf('d')).toEqual({ term: 0, seq: 0 });
    follower.clock.advance(1);
    expect(follower.r.snapshotOf('d')).toEqual({ term: 2, seq: 1 });

    const again = setup(500);
    again.r.lead(1);
    for (let i = 0; i < 3; i++) again.r.noteUpdate('d');
    again.r.stepDown(); // its idle wait is cancelled with its leadership
    again.r.lead(3);
    again.clock.advance(500);
    expect(again.r.snapshotOf('d')).toEqual({ term: 3, seq: 1 });
  });

  const announceOne = (r: SnapshotReplication) =>
    r.onMessage(2, {
      type: 'snapshot-announce',
      docId: 'd',
      number: { term: 1, seq: 1 },
      at: 1,
      stateVector: encodeStateVector(new Doc()),
      snapshot: new Uint8Array(),
    });

  it('a new leader does not snapshot again what a snapshot it stored as follower covers', async () => {
    const { clock, r } = setup(500);
    for (let i = 0; i < 3; i++) r.noteUpdate('d');
    announceOne(r);
    expect(r.snapshotOf('d')).toEqual({ term: 1, seq: 1 });
    for (let i = 0; i < 10; i++) await new Promise((done) => setImmediate(done)); // its write ends
    r.lead(2);
    clock.advance(10_000);
    expect(r.snapshotOf('d')).toEqual({ term: 1, seq: 1 });
    expect(clock.pending).toBe(0);
    // the next update is counted and snapshotted as usual
    r.noteUpdate('d');
    clock.advance(500);
    expect(r.snapshotOf('d')).toEqual({ term: 2, seq: 2 });
  });

  it('a new leader whose follower write has not ended numbers from what is durable, still above it', () => {
    const { clock, r } = setup(500);
    announceOne(r); // (1, 1) accepted, its write still running
    r.lead(2);
    r.noteUpdate('d');
    clock.advance(500);
    // seq 1 again, in a newer term: (1, 1) may yet fail, and (2, 1) orders after it if it does not
    expect(r.snapshotOf('d')).toEqual({ term: 2, seq: 1 });
  });
});
