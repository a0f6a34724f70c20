import { describe, expect, it } from 'vitest';
import { QuorumReads } from '../../src/cluster/quorum-reads.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

const bytes = (n: number) => new Uint8Array([n]);

/** A read of `doc` needing `need` answers from `reachable`, with what it asked and how it ended. */
function start(reads: QuorumReads, need: number, reachable: number[], timeoutMs = 1000) {
  const asked: number[] = [];
  let result: Uint8Array[] | null = null;
  void reads
    .begin('doc', need, timeoutMs, reachable, (p) => asked.push(p))
    .then((r) => {
      result = r;
    });
  return { asked, result: () => result };
}

/** Let promise callbacks run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('QuorumReads', () => {
  it('asks the reachable peers and completes with the first `need` distinct answers', async () => {
    const reads = new QuorumReads(new ManualScheduler());
    const r = start(reads, 2, [2, 3, 4]);
    expect(r.asked).toEqual([2, 3, 4]);
    reads.answer(2, 'doc', bytes(2));
    reads.answer(2, 'doc', bytes(9)); // the same peer again counts once
    reads.answer(3, 'other', bytes(8)); // another document's answer counts for nothing
    await settle();
    expect(r.result()).toBeNull();
    reads.answer(3, 'doc', bytes(3));
    await settle();
    expect(r.result()).toEqual([bytes(2), bytes(3)]);
  });

  it('completes with what arrived when its time is up', async () => {
    const clock = new ManualScheduler();
    const reads = new QuorumReads(clock);
    const r = start(reads, 2, [2, 3], 1000);
    reads.answer(3, 'doc', bytes(3));
    clock.advance(999);
    await settle();
    expect(r.result()).toBeNull();
    clock.advance(1);
    await settle();
    expect(r.result()).toEqual([bytes(3)]);
  });

  it('does not wait when fewer peers are reachable than it needs', async () => {
    const clock = new ManualScheduler();
    const reads = new QuorumReads(clock);
    const r = start(reads, 2, [3]);
    await settle();
    expect(r.result()).toEqual([]);
    expect(r.asked).toEqual([]);
    expect(clock.now()).toBe(0);
  });

  it('asks a peer again when its link comes back, unless it already answered', async () => {
    const reads = new QuorumReads(new ManualScheduler());
    const r = start(reads, 2, [2, 3]);
    reads.answer(2, 'doc', bytes(2));
    reads.peerUp(2);
    reads.peerUp(3);
    expect(r.asked).toEqual([2, 3, 3]);
    reads.answer(3, 'doc', bytes(3));
    await settle();
    expect(r.result()).toEqual([bytes(2), bytes(3)]);
  });

  it('stops waiting once the peers still up cannot complete it, and not before', async () => {
    const clock = new ManualScheduler();
    const reads = new QuorumReads(clock);
    const r = start(reads, 2, [2, 3, 4]);
    reads.answer(4, 'doc', bytes(4));
    reads.peerDown([2, 4]); // 4 answered, 2 may still: two possible
    await settle();
    expect(r.result()).toBeNull();
    reads.peerDown([4]); // only 4, which answered: one possible
    await settle();
    expect(r.result()).toEqual([bytes(4)]);
    expect(clock.now()).toBe(0);
  });

  it('completes every read with what it has when stopped', async () => {
    const reads = new QuorumReads(new ManualScheduler());
    const a = start(reads, 1, [2]);
    const b = start(reads, 2, [2, 3]);
    reads.answer(3, 'doc', bytes(3)); // completes a (needs one), counts towards b
    reads.stop();
    await settle();
    expect(a.result()).toEqual([bytes(3)]);
    expect(b.result()).toEqual([bytes(3)]);
  });
});
