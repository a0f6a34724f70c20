import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { encodeStateVectorMap } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { answerHoldsData, QuorumReads, SESSION_REASK_MS } from '../../src/cluster/quorum-reads.js';
import type { ReadStateResult } from '../../src/relay/replicator.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

const u = (n: number) => new Uint8Array([n]);
const NO_SV = encodeStateVectorMap(new Map());
const sv = (entries: [number, number][]) => new Map(entries);

/** A read's state as a test sees it: the requests sent, and the result once it completed. */
function start(
  reads: QuorumReads,
  docId: string,
  need: number,
  peers: number[],
  session?: { want: Map<number, number>; have: Map<number, number> },
) {
  const asked: [number, number][] = [];
  let result: ReadStateResult | null = null;
  void reads
    .begin(docId, need, 1000, peers, (peer, reqId) => asked.push([peer, reqId]), session)
    .then((r) => {
      result = r;
    });
  return {
    asked,
    reqId: () => (asked[0] as [number, number])[1],
    result: () => result,
  };
}

/** Let resolved promises run their callbacks. */
const settle = () => new Promise((r) => setImmediate(r));

describe('QuorumReads', () => {
  it('counts only answers to its own request, once per peer', async () => {
    const reads = new QuorumReads(new ManualScheduler());
    const a = start(reads, 'doc', 2, [2, 3]);
    const b = start(reads, 'doc', 2, [2, 3]);
    expect(a.asked).toEqual([
      [2, a.reqId()],
      [3, a.reqId()],
    ]);
    expect(b.reqId()).not.toBe(a.reqId());
    // Catch-up replies (request 0), answers to the other read, and a second answer of one peer
    // are not this read's quorum.
    reads.answer(2, 0, 'doc', u(1), NO_SV);
    reads.answer(2, b.reqId(), 'doc', u(2), NO_SV);
    reads.answer(2, a.reqId(), 'doc', u(3), NO_SV);
    reads.answer(2, a.reqId(), 'doc', u(4), NO_SV);
    reads.answer(3, a.reqId(), 'other', u(5), NO_SV);
    await settle();
    expect(a.result()).toBeNull();
    reads.answer(3, a.reqId(), 'doc', u(6), NO_SV);
    await settle();
    expect(a.result()).toEqual({ updates: [u(3), u(6)], readQuorum: true });
    expect(b.result()).toBeNull();
    expect(reads.size).toBe(1);
  });

  it('asks a peer again when its link comes back, until it has answered', async () => {
    const reads = new QuorumReads(new ManualScheduler());
    const r = start(reads, 'doc', 1, [2, 3]);
    reads.peerUp(3);
    expect(r.asked).toEqual([
      [2, r.reqId()],
      [3, r.reqId()],
      [3, r.reqId()],
    ]);
    reads.answer(3, r.reqId(), 'doc', u(9), NO_SV);
    await settle();
    expect(r.result()).toEqual({ updates: [u(9)], readQuorum: true });
    // A finished read asks nobody.
    reads.peerUp(2);
    expect(r.asked).toHaveLength(3);
  });

  it('completes with what it has when its time is up, or when the node stops', async () => {
    const scheduler = new ManualScheduler();
    const reads = new QuorumReads(scheduler);
    const late = start(reads, 'doc', 2, [2, 3]);
    reads.answer(2, late.reqId(), 'doc', u(1), NO_SV);
    scheduler.advance(999);
    await settle();
    expect(late.result()).toBeNull();
    scheduler.advance(1);
    await settle();
    // One of the two answers it needed: the client is told the read fell short of its quorum.
    expect(late.result()).toEqual({ updates: [u(1)], readQuorum: false });
    // An answer after the timeout changes nothing.
    reads.answer(3, late.reqId(), 'doc', u(2), NO_SV);
    expect(late.result()).toEqual({ updates: [u(1)], readQuorum: false });
    const stopped = start(reads, 'doc', 2, [2, 3]);
    reads.stop();
    await settle();
    expect(stopped.result()).toEqual({ updates: [], readQuorum: false });
    expect(reads.size).toBe(0);
  });

  it('with a session vector, waits past its quorum until the answers cover it', async () => {
    const scheduler = new ManualScheduler();
    const reads = new QuorumReads(scheduler);
    // This node holds 5 clocks of replica 7; the session read 9 of them and 2 of replica 8.
    const r = start(reads, 'doc', 1, [2, 3], {
      want: sv([
        [7, 9],
        [8, 2],
      ]),
      have: sv([[7, 5]]),
    });
    reads.answer(2, r.reqId(), 'doc', u(1), encodeStateVectorMap(sv([[7, 9]])));
    await settle();
    expect(r.result()).toBeNull(); // quorum met, session not covered: replica 8 is missing
    // Peer 2 is asked again after SESSION_REASK_MS (it may be catching up from elsewhere).
    scheduler.advance(SESSION_REASK_MS);
    expect(r.asked.filter(([p]) => p === 2)).toHaveLength(2);
    reads.answer(
      2,
      r.reqId(),
      'doc',
      u(2),
      encodeStateVectorMap(
        sv([
          [7, 9],
          [8, 1],
        ]),
      ),
    );
    await settle();
    expect(r.result()).toBeNull();
    reads.answer(3, r.reqId(), 'doc', u(3), encodeStateVectorMap(sv([[8, 2]])));
    await settle();
    // Only the latest answer of peer 2 is kept.
    expect(r.result()).toEqual({ updates: [u(2), u(3)], readQuorum: true });
  });

  it('with a covered session vector, finishes at its quorum; an uncovered one times out', async () => {
    const scheduler = new ManualScheduler();
    const reads = new QuorumReads(scheduler);
    const covered = start(reads, 'doc', 0, [2, 3], { want: sv([[7, 3]]), have: sv([[7, 5]]) });
    await settle();
    expect(covered.asked).toEqual([]);
    expect(covered.result()).toEqual({ updates: [], readQuorum: true });
    // R = 1 (no peer answer needed), but the node lacks what the session read: it asks anyway.
    const behind = start(reads, 'doc', 0, [2, 3], { want: sv([[7, 9]]), have: sv([[7, 5]]) });
    expect(behind.asked.map(([p]) => p)).toEqual([2, 3]);
    reads.answer(2, behind.reqId(), 'doc', u(4), new Uint8Array([0xff])); // malformed vector
    scheduler.advance(999);
    await settle();
    expect(behind.result()).toBeNull();
    scheduler.advance(1);
    await settle();
    expect(behind.result()).toEqual({ updates: [u(4)], readQuorum: true });
    expect(reads.size).toBe(0);
  });
});

describe('answerHoldsData', () => {
  it('is false only for an answer with no run and no deletion', () => {
    const doc = new Doc({ clientId: 9 });
    const text = doc.getText('t');
    expect(answerHoldsData(encodeStateAsUpdate(new Doc()))).toBe(false);
    text.insert(0, 'ab');
    const sv = encodeStateVector(doc);
    expect(answerHoldsData(encodeStateAsUpdate(doc))).toBe(true);
    expect(answerHoldsData(encodeStateAsUpdate(doc, sv))).toBe(false); // nothing beyond sv
    text.delete(0, 1);
    // A deletion alone (no new run) is data too.
    const del = encodeStateAsUpdate(doc, encodeStateVector(doc));
    expect(answerHoldsData(del)).toBe(true);
    // Malformed bytes count as data (the caller stays on the safe side).
    expect(answerHoldsData(new Uint8Array([0xff, 0xff]))).toBe(true);
    expect(answerHoldsData(new Uint8Array(0))).toBe(true);
  });
});
