import type { PresenceEntry, PresenceState } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { PresenceThrottle } from '../../src/relay/presence-throttle.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

const st = (cursor: number): PresenceState => ({ name: 'a', color: '', cursor, data: null });

function setup(intervalMs = 50) {
  const scheduler = new ManualScheduler();
  const delivered: { t: number; docId: string; entries: PresenceEntry[]; except: number | undefined }[] = [];
  const published: { t: number; docId: string; entries: PresenceEntry[] }[] = [];
  const throttle = new PresenceThrottle(scheduler, intervalMs, {
    deliver: (docId, entries, except) =>
      delivered.push({ t: scheduler.now(), docId, entries: [...entries], except }),
    publish: (docId, entries) => published.push({ t: scheduler.now(), docId, entries: [...entries] }),
  });
  return { scheduler, throttle, delivered, published };
}

describe('PresenceThrottle', () => {
  it('sends the first change at once, then merges (latest per session wins) until the interval ends', () => {
    const { scheduler, throttle, delivered, published } = setup(50);
    throttle.local('d', 1, st(0));
    expect(delivered).toEqual([{ t: 0, docId: 'd', entries: [{ sessionId: 1, state: st(0) }], except: 1 }]);
    expect(published).toHaveLength(1);
    for (let i = 1; i <= 100; i++) {
      scheduler.advance(1);
      throttle.local('d', 1, st(i));
      if (i % 10 === 0) throttle.local('d', 2, st(-i));
    }
    // 100 changes over 100 ms: one frame at 0, then one per 50 ms interval with the latest
    // states (the timer of t=50 fires before the change made at t=50).
    expect(delivered.map((d) => d.t)).toEqual([0, 50, 100]);
    expect(delivered[1]?.entries).toEqual([
      { sessionId: 1, state: st(49) },
      { sessionId: 2, state: st(-40) },
    ]);
    expect(delivered[1]?.except).toBeUndefined();
    expect(delivered[2]?.entries).toEqual([
      { sessionId: 1, state: st(99) },
      { sessionId: 2, state: st(-90) },
    ]);
    scheduler.advance(50);
    expect(delivered.map((d) => d.t)).toEqual([0, 50, 100, 150]);
    expect(delivered[3]?.entries).toEqual([
      { sessionId: 1, state: st(100) },
      { sessionId: 2, state: st(-100) },
    ]);
    expect(published.map((p) => p.t)).toEqual([0, 50, 100, 150]);
  });

  it('relays other nodes’ changes to local sessions without publishing them back', () => {
    const { scheduler, throttle, delivered, published } = setup(50);
    throttle.remote('d', [{ sessionId: 7, state: st(1) }]);
    throttle.remote('d', [{ sessionId: 7, state: st(2) }]);
    throttle.local('d', 1, st(3));
    scheduler.advance(50);
    expect(delivered.map((d) => d.entries)).toEqual([
      [{ sessionId: 7, state: st(1) }],
      [
        { sessionId: 1, state: st(3) },
        { sessionId: 7, state: st(2) },
      ],
    ]);
    expect(published.map((p) => p.entries)).toEqual([[{ sessionId: 1, state: st(3) }]]);
    throttle.remote('d', []);
    scheduler.advance(100);
    expect(delivered).toHaveLength(2);
  });

  it('paces each document on its own and forgets idle documents', () => {
    const { scheduler, throttle, delivered } = setup(50);
    throttle.local('a', 1, st(1));
    throttle.local('b', 2, st(1));
    throttle.local('a', 1, null);
    expect(delivered.map((d) => d.docId)).toEqual(['a', 'b']);
    expect(throttle.activeDocuments).toBe(2);
    scheduler.advance(50);
    expect(delivered.at(-1)).toMatchObject({ docId: 'a', entries: [{ sessionId: 1, state: null }] });
    scheduler.advance(50);
    expect(throttle.activeDocuments).toBe(0);
    expect(scheduler.pending).toBe(0);
    // Idle again: the next change goes at once.
    throttle.local('a', 1, st(9));
    expect(delivered.at(-1)?.t).toBe(100);
  });

  it('with interval 0 sends every change at once, unmerged, and keeps no timer', () => {
    const { scheduler, throttle, delivered } = setup(0);
    for (let i = 0; i < 5; i++) throttle.local('d', 1, st(i));
    expect(delivered.map((d) => d.entries[0]?.state?.cursor)).toEqual([0, 1, 2, 3, 4]);
    expect(scheduler.pending).toBe(0);
    expect(throttle.activeDocuments).toBe(0);
  });

  it('close drops what waits and cancels every timer', () => {
    const { scheduler, throttle, delivered } = setup(50);
    throttle.local('d', 1, st(1));
    throttle.local('d', 1, st(2));
    throttle.close();
    throttle.local('d', 1, st(3));
    scheduler.advance(1000);
    expect(delivered).toHaveLength(1);
    expect(scheduler.pending).toBe(0);
  });
});
