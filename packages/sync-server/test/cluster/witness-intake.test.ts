/**
 * A full replica taking in a witness's offers (virtual time, real updates): a probe is applied
 * entry by entry as far as what each follows is here, and acknowledged only once none is blocked
 * and all are durable; a read answer counts toward the join's quorum only once none of its
 * entries is blocked, and not at all if the read's time runs out first; bad bytes are never
 * acknowledged.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { coverageOf } from '@accord/core/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CausalForwarding, type CausalStamp } from '../../src/cluster/causal-forwarding.js';
import type { ClusterMessage, WitnessEntry } from '../../src/cluster/messages.js';
import { QuorumReads } from '../../src/cluster/quorum-reads.js';
import { WitnessIntake } from '../../src/cluster/witness-intake.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

const DOC = 'doc';
const WITNESS = 9;

function update(text: string, client: number): Uint8Array {
  const doc = new Doc({ clientId: client });
  doc.getText('t').insert(0, text);
  return encodeStateAsUpdate(doc);
}

function setup() {
  const scheduler = new ManualScheduler();
  const stored: Uint8Array[] = [];
  const applied: Uint8Array[] = [];
  const durable: (() => void)[] = [];
  const pulls: number[] = [];
  const sent: { to: number; m: ClusterMessage }[] = [];
  let untracked = 0;

  const causal = new CausalForwarding({
    self: 3,
    peers: [1, 2],
    scheduler,
    newEpoch: () => 50,
    pull: (peer) => pulls.push(peer),
  });
  const reads = new QuorumReads(scheduler);
  let looks = 0;
  const assess = causal.assess.bind(causal);
  causal.assess = (...args) => {
    looks++;
    return assess(...args);
  };
  const intake = new WitnessIntake({
    host: {
      logger: pino({ level: 'silent' }),
      ingestNow: (_docId: string, u: Uint8Array) => {
        coverageOf([u]); // throws DecodeError synchronously, as the relay does
        applied.push(u);
        return new Promise<void>((resolve) =>
          durable.push(() => {
            stored.push(u);
            resolve();
          }),
        );
      },
    },
    coverage: () => coverageOf(stored),
    causal,
    untracked: () => {
      untracked++;
    },
    reads,
    scheduler,
    send: (to, m) => sent.push({ to, m }),
  });
  const commitAll = async () => {
    for (const f of durable.splice(0)) f();
    await new Promise((r) => setImmediate(r));
  };
  const acks = () => sent.splice(0).filter((s) => s.m.type === 'replicate-ack');
  /** Node `peer` answered a pull: its frontier is its own mark. */
  const fill = (peer: number, epoch: number, seq: number) =>
    causal.filled(peer, DOC, [{ node: peer, epoch, seq }], []);
  return {
    scheduler,
    stored,
    applied,
    pulls,
    intake,
    reads,
    commitAll,
    acks,
    fill,
    untracked: () => untracked,
    looks: () => looks,
  };
}

function stamp(epoch: number, seq: number, deps: CausalStamp['deps'] = []): CausalStamp {
  return { epoch, seq, deps, pull: false };
}

function probe(probeId: number, entries: WitnessEntry[]) {
  return { type: 'witness-offer' as const, docId: DOC, probeId, reqId: 0, entries };
}

describe('WitnessIntake', () => {
  it('applies a probe whose entries are all ready and acknowledges it once durable', async () => {
    const t = setup();
    t.fill(1, 7, 4);
    const a = update('a', 11);
    const b = update('b', 12);
    t.intake.onOffer(
      WITNESS,
      probe(3, [
        { origin: 1, stamp: stamp(7, 5), update: a },
        { origin: 1, stamp: stamp(7, 6), update: b },
      ]),
    );
    // Taken in as one update (one log entry), holding both.
    expect(t.applied).toHaveLength(1);
    const doc = new Doc();
    applyUpdate(doc, t.applied[0] as Uint8Array);
    expect([...doc.getText('t').toString()].sort().join('')).toBe('ab');
    expect(t.untracked()).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(t.acks()).toEqual([]); // not durable yet
    await t.commitAll();
    expect(t.acks()).toEqual([{ to: WITNESS, m: { type: 'replicate-ack', docId: DOC, updateId: 3 } }]);
    // Offered again (the witness had not seen the ack): both present, acknowledged at once.
    t.intake.onOffer(
      WITNESS,
      probe(4, [
        { origin: 1, stamp: stamp(7, 5), update: a },
        { origin: 1, stamp: stamp(7, 6), update: b },
      ]),
    );
    expect(t.applied).toHaveLength(1); // nothing taken in again;
    await t.commitAll();
    expect(t.acks().map((x) => (x.m as { updateId: number }).updateId)).toEqual([4]);
  });

  it('applies what is ready of a probe, acknowledges nothing while an entry is blocked, and does once it is not', async () => {
    const t = setup();
    t.fill(1, 7, 4);
    t.fill(2, 8, 2);
    const a = update('a', 11);
    const c = update('c', 13);
    // C follows node 2's third forward, which this node lacks; A is ready.
    const offer = probe(5, [
      { origin: 1, stamp: stamp(7, 5), update: a },
      { origin: 1, stamp: stamp(7, 6, [{ node: 2, epoch: 8, seq: 3 }]), update: c },
    ]);
    t.intake.onOffer(WITNESS, offer);
    expect(t.applied).toEqual([a]);
    t.scheduler.advance(0);
    expect(t.pulls.sort()).toEqual([1, 2]);
    await t.commitAll();
    expect(t.acks()).toEqual([]);
    t.fill(2, 8, 3); // node 2 answered: its third forward is here now
    t.intake.onOffer(WITNESS, { ...offer, probeId: 6 });
    expect(t.applied).toEqual([a, c]);
    await t.commitAll();
    expect(t.acks().map((x) => (x.m as { updateId: number }).updateId)).toEqual([6]);
  });

  it('looks at a blocked probe again and acknowledges it once its pulls came back', async () => {
    const t = setup();
    t.fill(1, 7, 4);
    t.fill(2, 8, 2);
    const c = update('c', 13);
    t.intake.onOffer(
      WITNESS,
      probe(8, [{ origin: 1, stamp: stamp(7, 5, [{ node: 2, epoch: 8, seq: 3 }]), update: c }]),
    );
    t.scheduler.advance(120);
    expect(t.applied).toEqual([]);
    t.fill(2, 8, 3);
    t.scheduler.advance(50);
    expect(t.applied).toEqual([c]);
    await t.commitAll();
    expect(t.acks().map((x) => (x.m as { updateId: number }).updateId)).toEqual([8]);
    // Looked at a bounded number of times: a probe that stays blocked is left to the witness.
    const u = update('u', 15);
    t.intake.onOffer(WITNESS, probe(9, [{ origin: 1, stamp: stamp(7, 50), update: u }]));
    t.scheduler.advance(60_000);
    await t.commitAll();
    expect(t.applied).toEqual([c]);
    expect(t.acks()).toEqual([]);
  });

  it('never acknowledges bad bytes, and still takes in the good entries beside them', async () => {
    const t = setup();
    t.fill(1, 7, 4);
    const good = update('g', 16);
    t.intake.onOffer(
      WITNESS,
      probe(2, [
        { origin: 1, stamp: stamp(7, 5), update: good },
        { origin: 1, stamp: stamp(7, 6), update: new Uint8Array([255, 1]) },
      ]),
    );
    await t.commitAll();
    expect(t.applied).toEqual([good]);
    expect(t.acks()).toEqual([]);
  });

  it('counts a read answer only once none of its entries is blocked', async () => {
    const t = setup();
    t.fill(1, 7, 4);
    t.fill(2, 8, 2);
    const c = update('c', 13);
    const read = t.reads.begin(DOC, 1, 1000, [WITNESS], () => {});
    t.intake.onOffer(WITNESS, {
      type: 'witness-offer',
      docId: DOC,
      probeId: 0,
      reqId: 1,
      entries: [{ origin: 1, stamp: stamp(7, 5, [{ node: 2, epoch: 8, seq: 3 }]), update: c }],
    });
    t.scheduler.advance(100);
    expect(t.reads.isOpen(1, DOC)).toBe(true); // blocked: not counted
    t.fill(2, 8, 3);
    t.scheduler.advance(25);
    const result = await read;
    expect(result.readQuorum).toBe(true);
    expect(result.updates).toHaveLength(1);
    const doc = new Doc();
    applyUpdate(doc, result.updates[0] as Uint8Array);
    expect(doc.getText('t').toString()).toBe('c'); // the one ready entry, as the answer's update
    expect(t.applied).toEqual([]); // the relay takes a read's result in, not the intake
  });

  it('leaves a read without the witness when an entry stays blocked, and stops looking then', async () => {
    const t = setup();
    t.fill(1, 7, 4);
    const read = t.reads.begin(DOC, 1, 300, [WITNESS], () => {});
    t.intake.onOffer(WITNESS, {
      type: 'witness-offer',
      docId: DOC,
      probeId: 0,
      reqId: 1,
      entries: [{ origin: 1, stamp: stamp(7, 9), update: update('late', 14) }], // a gap in node 1's forwards
    });
    t.scheduler.advance(100);
    expect(t.looks()).toBeGreaterThan(2); // looked at again while the read is open
    t.scheduler.advance(200);
    const result = await read;
    expect(result).toEqual({ updates: [], readQuorum: false });
    const looks = t.looks();
    t.scheduler.advance(2000);
    expect(t.looks()).toBeLessThanOrEqual(looks + 1); // at most the check already due: then none
  });

  it('ignores an answer to no open read', () => {
    const t = setup();
    expect(() =>
      t.intake.onOffer(WITNESS, { type: 'witness-offer', docId: DOC, probeId: 0, reqId: 42, entries: [] }),
    ).not.toThrow();
    expect(t.scheduler.pending).toBe(0);
  });
});
