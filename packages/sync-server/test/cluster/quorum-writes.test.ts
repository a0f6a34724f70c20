/**
 * Writes waiting for their quorum, in virtual time: W distinct holders resolve a write once,
 * acknowledgements for another document or an unknown id count for nothing, the timeout rejects
 * even while the local commit is pending, and nothing is left waiting.
 */
import { describe, expect, it } from 'vitest';
import { QuorumWrites } from '../../src/cluster/quorum-writes.js';
import { ReplicationError } from '../../src/relay/replicator.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

const bytes = new Uint8Array([1]);

function settled(p: Promise<void>): { state: 'pending' | 'resolved' | Error } {
  const s: { state: 'pending' | 'resolved' | Error } = { state: 'pending' };
  p.then(
    () => {
      s.state = 'resolved';
    },
    (e: Error) => {
      s.state = e;
    },
  );
  return s;
}

const flush = () => new Promise((r) => setImmediate(r));

describe('QuorumWrites', () => {
  it('a write with its own concern waits for that many holders, beside writes with the default', async () => {
    const clock = new ManualScheduler();
    const w = new QuorumWrites(2, 1000, clock);
    const one = w.begin('a', bytes, 1);
    const all = w.begin('a', bytes, 3);
    const dflt = w.begin('a', bytes);
    const [s1, s3, s2] = [settled(one.done), settled(all.done), settled(dflt.done)];
    for (const { id } of [one, all, dflt]) w.held(id, 'a', 1);
    await flush();
    expect([s1.state, s3.state, s2.state]).toEqual(['resolved', 'pending', 'pending']);
    for (const { id } of [all, dflt]) w.held(id, 'a', 2);
    await flush();
    expect([s3.state, s2.state]).toEqual(['pending', 'resolved']);
    clock.advance(1000);
    await flush();
    expect(s3.state).toBeInstanceOf(ReplicationError);
    expect((s3.state as Error).message).toMatch(/held by 3 nodes/);
    expect(w.pending).toBe(0);
  });

  it('resolves at the W-th distinct holder; wrong-document and repeated acks count for nothing', async () => {
    const clock = new ManualScheduler();
    const w = new QuorumWrites(2, 1000, clock);
    const { id, done } = w.begin('a', bytes);
    const s = settled(done);
    w.held(id, 'b', 2); // names another document
    w.held(id + 1, 'a', 2); // names another write
    w.held(id, 'a', 1);
    w.held(id, 'a', 1); // the same node twice
    await flush();
    expect(s.state).toBe('pending');
    expect([...w.notHeldBy(2)].map((x) => x.id)).toEqual([id]);
    expect([...w.notHeldBy(1)]).toEqual([]);
    w.held(id, 'a', 2);
    await flush();
    expect(s.state).toBe('resolved');
    expect(w.pending).toBe(0);
  });

  it('rejects with a retryable error when the time is up, even with the local commit still pending', async () => {
    const clock = new ManualScheduler();
    const w = new QuorumWrites(2, 1000, clock);
    const { id, done } = w.begin('a', bytes);
    const s = settled(done);
    clock.advance(999);
    await flush();
    expect(s.state).toBe('pending');
    clock.advance(1);
    await flush();
    expect(s.state).toBeInstanceOf(ReplicationError);
    // A late commit or ack changes nothing and leaves nothing behind.
    w.held(id, 'a', 1);
    w.held(id, 'a', 2);
    expect(w.pending).toBe(0);
  });

  it('fails one write on a local commit error and all of them on stop', async () => {
    const clock = new ManualScheduler();
    const w = new QuorumWrites(3, 1000, clock);
    const a = w.begin('a', bytes);
    const b = w.begin('b', bytes);
    const sa = settled(a.done);
    const sb = settled(b.done);
    w.fail(a.id, new ReplicationError('disk'));
    w.failAll(new ReplicationError('stopping'));
    await flush();
    expect((sa.state as Error).message).toBe('disk');
    expect((sb.state as Error).message).toBe('stopping');
    expect(w.pending).toBe(0);
  });
});
