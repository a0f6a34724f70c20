/**
 * A witness's held updates in virtual time over a real SQLite file: probes go to the full
 * replicas that have not confirmed, acknowledgements confirm up to the probed position, the log
 * is dropped once `pruneAt` replicas confirmed, later entries stay, and stray acks count for
 * nothing. Offers carry each held update with its stamp; an update without one is never offered,
 * and a replica that confirmed part of the log is offered only the rest.
 */
import { Doc, encodeStateAsUpdate } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeStampBytes } from '../../src/cluster/causal-codec.js';
import type { CausalStamp } from '../../src/cluster/causal-forwarding.js';
import type { ClusterMessage, WitnessEntry } from '../../src/cluster/messages.js';
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

function stampOf(seq: number): CausalStamp {
  return { epoch: 9, seq, deps: [{ node: 2, epoch: 4, seq: 1 }], pull: false };
}

function setup(opts: { up?: (peer: number) => boolean; maxEntries?: number } = {}) {
  let barrier = false;
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
    entries: (docId, after) => {
      const { entries, upTo } = log.entries(docId, after, opts.maxEntries ?? 1024, 1 << 20, barrier);
      return {
        upTo,
        entries: entries.map((e) => ({ origin: e.origin, stamp: stampOf(e.seq), update: e.update })),
      };
    },
    drop: (docId, upTo) => log.dropUpTo(docId, upTo),
    fullPeers: [1, 2],
    pruneAt: 2,
    scheduler,
    send: (to, m) => sent.push({ to, m }),
    isUp: opts.up ?? (() => true),
    probeEveryMs: 100,
    probeTimeoutMs: 1000,
  });
  const hold = (docId: string, u: Uint8Array, stamped = true) => {
    const seq = store.append([{ docId, update: u }])[0] as number;
    if (stamped) log.saveStamps([{ docId, seq, origin: 1, stamp: encodeStampBytes(stampOf(seq)) }]);
    holder.held(docId);
  };
  const offers: { to: number; entries: WitnessEntry[] }[] = [];
  const probes = () =>
    sent.splice(0).flatMap(({ to, m }) => {
      if (m.type !== 'witness-offer' || m.reqId !== 0) return [];
      offers.push({ to, entries: m.entries });
      return [{ to, id: m.probeId, docId: m.docId }];
    });
  const setBarrier = (on: boolean) => {
    barrier = on;
  };
  return { store, log, scheduler, holder, hold, probes, offers, setBarrier };
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

  it('offers each held update with its stamp, in log order, and never one without a stamp', () => {
    const { store, scheduler, holder, hold, probes, offers } = setup();
    holder.start();
    const one = update('one', 1);
    const three = update('three', 3);
    hold('a', one);
    hold('a', update('two', 2), false); // stored, but its stamp was not: never acknowledged
    hold('a', three);
    scheduler.advance(100);
    const sentProbes = probes();
    expect(sentProbes).toHaveLength(2);
    for (const o of offers) {
      expect(o.entries.map((e) => e.update)).toEqual([one, three]);
      expect(o.entries.map((e) => e.origin)).toEqual([1, 1]);
      expect(o.entries.map((e) => e.stamp.seq)).toEqual([1, 3]);
    }
    // Confirmed up to the last position read, the unstamped one included.
    for (const p of sentProbes) holder.acked(p.to, p.id, 'a');
    expect(store.load('a').updates).toHaveLength(0);
  });

  it('with a barrier, a probe stops before an unstamped update and confirms nothing past it', () => {
    const { store, log, scheduler, holder, hold, probes, offers, setBarrier } = setup();
    holder.start();
    const one = update('one', 1);
    hold('a', one);
    hold('a', update('two', 2), false); // committed, its stamp about to be saved
    hold('a', update('three', 3));
    setBarrier(true);
    scheduler.advance(100);
    const sent = probes();
    for (const o of offers) expect(o.entries.map((e) => e.update)).toEqual([one]);
    for (const p of sent) holder.acked(p.to, p.id, 'a');
    expect(store.load('a').updates).toHaveLength(2); // 'two' and 'three' stay
    expect(log.storedBytes().updates).toBe(2);
  });

  it('offers a replica that confirmed part of a long log only the rest', () => {
    const { store, scheduler, holder, hold, probes, offers } = setup({ maxEntries: 2 });
    holder.start();
    const u = [1, 2, 3].map((i) => update(`u${i}`, i));
    for (const x of u) hold('a', x);
    scheduler.advance(100);
    const first = probes();
    expect(offers.splice(0).map((o) => o.entries.map((e) => e.update))).toEqual([
      [u[0], u[1]],
      [u[0], u[1]],
    ]);
    const toOne = first.find((p) => p.to === 1) as { to: number; id: number };
    holder.acked(1, toOne.id, 'a'); // replica 1 holds positions 1..2; replica 2 has not answered
    scheduler.advance(1000); // replica 2's probe timed out
    const second = probes();
    const byPeer = new Map(offers.splice(0).map((o) => [o.to, o.entries.map((e) => e.update)]));
    expect(byPeer.get(1)).toEqual([u[2]]);
    expect(byPeer.get(2)).toEqual([u[0], u[1]]);
    for (const p of second) holder.acked(p.to, p.id, 'a');
    // Both hold 1..2 now: dropped; 3 waits for replica 2.
    expect(store.load('a').updates).toEqual([u[2]]);
  });

  it('a restarted witness finds what it still holds', () => {
    const { store, log, scheduler, holder, probes } = setup();
    // Stored by an earlier run: this holder was never told of it.
    const seq = store.append([{ docId: 'left-over', update: update('x', 4) }])[0] as number;
    log.saveStamps([{ docId: 'left-over', seq, origin: 1, stamp: encodeStampBytes(stampOf(seq)) }]);
    holder.start();
    scheduler.advance(100);
    expect(probes().map((p) => p.docId)).toEqual(['left-over', 'left-over']);
  });

  it('refuses a pruneAt its full peers cannot reach', () => {
    const store = { documents: () => [], lastSeq: () => 0 };
    expect(
      () =>
        new WitnessHolder({
          store,
          entries: () => ({ entries: [], upTo: 0 }),
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
