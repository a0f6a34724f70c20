/**
 * Presence between two nodes' `ClusterPresence` in virtual time: a node re-reports its sessions'
 * presence well within the TTL, so the other node keeps it however long it lives; once the
 * reports stop (a frozen node whose links stay open), the other node drops it one TTL after the
 * last report, at its next sweep.
 */
import type { PresenceEntry, PresenceState } from '@accord/core/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterPresence } from '../../src/relay/cluster-presence.js';
import type { Replicator } from '../../src/relay/replicator.js';
import { RoomRegistry } from '../../src/relay/rooms.js';
import type { Session } from '../../src/relay/session.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { gsetEngine } from '../support/gset-engine.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const TTL = 1500;
/** The sweep period for this TTL: a quarter of it (between 50 ms and 1 s). */
const SWEEP = TTL / 4;
const STATE: PresenceState = { name: 'Bea', color: '#3366ff', cursor: null, data: null };

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  removeTempDirs();
});

function node(nodeId: number, clock: ManualScheduler, publish: (docId: string, e: PresenceEntry[]) => void) {
  const store = SqliteStore.open({ dir: tempDir(), nodeId });
  stores.push(store);
  const rooms = new RoomRegistry({
    store,
    engine: gsetEngine,
    logger: pino({ level: 'silent' }),
    snapshotEvery: 0,
    idleMs: 60_000,
    scheduler: clock,
  });
  const replicator = { publishPresence: publish } as unknown as Replicator;
  const presence = new ClusterPresence(rooms, replicator, clock, {
    ttlMs: TTL,
    intervalMs: 0,
    maxEntryBytes: 4096,
    maxRoomBytes: 1 << 20,
  });
  presence.start();
  return { rooms, presence, room: rooms.acquire('doc') };
}

describe('ClusterPresence between two nodes', () => {
  it('keeps a live node’s presence past the TTL and drops a silent node’s one TTL after its last report', () => {
    const clock = new ManualScheduler();
    const a = node(1, clock, () => {});
    const reports: number[] = [];
    const b = node(2, clock, (docId, entries) => {
      reports.push(clock.now());
      a.presence.fromPeer(2, docId, entries);
    });
    const seenByA = () => a.presence.joinEntries(a.room).find((e) => e.sessionId === 77)?.state;

    b.presence.set(b.room, { id: 77 } as Session, STATE);
    expect(seenByA()).toEqual(STATE);
    // Ten TTLs later it is still there: node 2 re-reported it at the first sweep at least a third
    // of the TTL after the previous report (here every other sweep, twice per TTL).
    for (let t = 0; t < 10 * TTL; t += SWEEP) {
      clock.advance(SWEEP);
      expect(seenByA()).toEqual(STATE);
    }
    expect(reports.length).toBeGreaterThanOrEqual(20);

    // Node 2 goes silent (frozen): its last report is good for one TTL, not longer.
    b.presence.close();
    const last = reports.at(-1) ?? 0;
    clock.advance(last + TTL - clock.now());
    expect(seenByA()).toEqual(STATE);
    clock.advance(SWEEP);
    expect(seenByA()).toBeUndefined();
    a.presence.close();
  });
});
