/**
 * A witness's held updates in virtual time over a real SQLite file: probes go to the full
 * replicas that have not confirmed, acknowledgements confirm up to the probed position, the log
 * is dropped once `pruneAt` replicas confirmed, later entries stay, and stray acks count for
 * nothing.
 */
import { Doc, encodeStateAsUpdate } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { WitnessHolder } from '../../src/cluster/witness-holder.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { WitnessLog } from '../../src/storage/witness-log.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers) c();
  removeTempDirs();
});

function update(text: string, client: number): Uint8Array {
  const doc = new Doc({ clientId: client });
  doc.getText('t').insert(0, text);
  return encodeStateAsUpdate(doc);
}

function setup(opts: { up?: (peer: number) => boolean } = {}) {
  const store = SqliteStore.open({ dir: tempDir(), nodeId: 3 });
  const log = new WitnessLog(store.path);
  closers.push(
    () => log.close(),
    () => store.close(),
  );
  const scheduler = new ManualScheduler();
  const sent: { to: number; m: ClusterMessage }[] = [];
  const holder = new WitnessHolder({
    store,
    drop: (docId, upTo) => log.dropUpTo(docId, upTo),
    fullPeers: [1, 2],
    pruneAt: 2,
    scheduler,
    send: (to, m) => sent.push({ to, m }),
    isUp: opts.up ?? (() => true),
    probeEveryMs: 100,
    probeTimeoutMs: 1000,
  });
  const hold = (docId: string, u: Uint8Array) => {
    store.append([{ docId, update: u }]);
    holder.held(docId);
  };
  const probes = () =>
    sent
      .splice(0)
      .flatMap(({ to, m }) => (m.type === 'replicate' ? [{ to, id: m.updateId, docId: m.docId }] : []));
  return { store, log, scheduler, holder, hold, probes };
}

describe('WitnessHolder', () => {
  it('drops a document only once both full replicas acknowledged a probe covering it', () => {
    const { store, log, scheduler, holder, hold, probes } = setup();
    holder.start();
    hold('a', update('one', 1));
    hold('a', update('two', 2));
    scheduler.advance(100);
    const first = probes();
    expect(first.map((p) => p.to).sort()).toEqual([1, 2]);
    expect(first.every((p) => p.docId === 'a' && p.id > 0)).toBe(true);
    const [p1, p2] = first as [(typeof first)[0], (typeof first)[0]];
    holder.acked(p1.to, p1.id, 'a');
    expect(store.load('a').updates).toHaveLength(2); // one replica is not enough
    // While a probe is in flight nothing is sent again to that replica.
    scheduler.advance(100);
    expect(probes()).toEqual([]);
    holder.acked(p2.to, p2.id, 'a');
    expect(store.load('a').updates).toHaveLength(0);
    expect(log.storedBytes().updateBytes).toBe(0);
    scheduler.advance(100);
    expect(holder.pendingDocuments).toBe(0);
  });

  it('keeps entries stored after the probe, and probes them next', () => {
    const { store, scheduler, holder, hold, probes } = setup();
    holder.start();
    hold('a', update('one', 1));
    scheduler.advance(100);
    const first = probes();
    hold('a', update('two', 2)); // arrives after the probe was sent
    for (const p of first) holder.acked(p.to, p.id, 'a');
    expect(store.load('a').updates).toHaveLength(1);
    scheduler.advance(100);
    const second = probes();
    expect(second).toHaveLength(2);
    for (const p of second) holder.acked(p.to, p.id, 'a');
    expect(store.load('a').updates).toHaveLength(0);
  });

  it('ignores acks from the wrong peer, for the wrong document, or for unknown ids', () => {
    const { store, scheduler, holder, hold, probes } = setup();
    holder.start();
    hold('a', update('one', 1));
    scheduler.advance(100);
    const [p1, p2] = probes() as [
      { to: number; id: number; docId: string },
      { to: number; id: number; docId: string },
    ];
    holder.acked(p2.to, p1.id, 'a'); // the other replica answering for p1
    holder.acked(p1.to, p1.id, 'b');
    holder.acked(p1.to, 999_999, 'a');
    holder.acked(p2.to, p2.id, 'a');
    expect(store.load('a').updates).toHaveLength(1);
    expect(holder.probesInFlight).toBe(1);
  });

  it('probes no replica whose link is down; one that comes back is probed afresh', () => {
    let up2 = false;
    const { store, scheduler, holder, hold, probes } = setup({ up: (p) => p === 1 || up2 });
    holder.start();
    hold('a', update('one', 1));
    scheduler.advance(100);
    const first = probes();
    expect(first.map((p) => p.to)).toEqual([1]);
    holder.acked(1, (first[0] as { id: number }).id, 'a');
    scheduler.advance(500);
    expect(probes()).toEqual([]); // 1 confirmed, 2 unreachable: held
    expect(store.load('a').updates).toHaveLength(1);
    up2 = true;
    holder.peerUp(2);
    scheduler.advance(100);
    const second = probes();
    expect(second.map((p) => p.to)).toEqual([2]);
    holder.acked(2, (second[0] as { id: number }).id, 'a');
    expect(store.load('a').updates).toHaveLength(0);
  });

  it('sends a probe again once the previous one timed out', () => {
    const { scheduler, holder, hold, probes } = setup();
    holder.start();
    hold('a', update('one', 1));
    scheduler.advance(100);
    expect(probes()).toHaveLength(2);
    scheduler.advance(900);
    expect(probes()).toHaveLength(0);
    scheduler.advance(200);
    expect(probes()).toHaveLength(2);
  });

  it('a restarted witness finds what it still holds', () => {
    const { store, scheduler, holder, probes } = setup();
    store.append([{ docId: 'left-over', update: update('x', 4) }]);
    holder.start();
    scheduler.advance(100);
    expect(probes().map((p) => p.docId)).toEqual(['left-over', 'left-over']);
  });

  it('refuses a pruneAt its full peers cannot reach', () => {
    const store = {
      documents: () => [],
      lastSeq: () => 0,
      load: () => ({ snapshot: null, updates: [], lastSeq: 0 }),
    };
    expect(
      () =>
        new WitnessHolder({
          store,
          drop: () => 0,
          fullPeers: [1],
          pruneAt: 2,
          scheduler: new ManualScheduler(),
          send: () => {},
          isUp: () => true,
        }),
    ).toThrow(RangeError);
  });
});
