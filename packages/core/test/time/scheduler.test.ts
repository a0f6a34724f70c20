/**
 * Core's one Scheduler: `defer` (work batched per event-loop turn) on the virtual-time
 * `ManualScheduler` and the production `RealScheduler`, and `RealScheduler`'s `unref` option and
 * a timer's own `keepAlive`.
 * Timer ordering and cancellation are covered by sync-server's test/time/scheduler.test.ts.
 */
import { RealScheduler } from '@accord/core';
import { ManualScheduler } from '@accord/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ManualScheduler.defer', () => {
  it('runs deferred tasks (and those they defer) in order on runDeferred, not before', () => {
    const s = new ManualScheduler();
    const seen: string[] = [];
    s.defer(() => {
      seen.push('a');
      s.defer(() => seen.push('c'));
    });
    s.defer(() => seen.push('b'));
    expect(seen).toEqual([]);
    expect(s.pendingDeferred).toBe(2);
    s.runDeferred();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(s.pendingDeferred).toBe(0);
  });

  it('runs deferred tasks before any timer and after each timer, like microtasks', () => {
    const s = new ManualScheduler();
    const seen: string[] = [];
    s.setTimer(0, () => {
      seen.push(`timer 1 at ${s.now()}`);
      s.defer(() => seen.push('deferred by timer 1'));
    });
    s.setTimer(5, () => seen.push(`timer 2 at ${s.now()}`));
    s.defer(() => seen.push('deferred first'));
    s.advance(10);
    expect(seen).toEqual(['deferred first', 'timer 1 at 0', 'deferred by timer 1', 'timer 2 at 5']);
    s.defer(() => seen.push('before runNext'));
    s.setTimer(1, () => seen.push('timer 3'));
    expect(s.runNext()).toBe(true);
    expect(seen.slice(-2)).toEqual(['before runNext', 'timer 3']);
  });

  it('bounds a task that always defers another', () => {
    const s = new ManualScheduler();
    const loop = (): void => s.defer(loop);
    loop();
    expect(() => s.runDeferred(1000)).toThrow(RangeError);
  });
});

describe('RealScheduler', () => {
  it('defers to a microtask: after the current task, before a zero-delay timer', async () => {
    const s = new RealScheduler();
    const seen: string[] = [];
    const timer = new Promise<void>((resolve) =>
      s.setTimer(0, () => {
        seen.push('timer');
        resolve();
      }),
    );
    s.defer(() => seen.push('deferred'));
    seen.push('sync');
    await timer;
    expect(seen).toEqual(['sync', 'deferred', 'timer']);
  });

  it('unrefs its Node timers by default and keeps them referenced with { unref: false }', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const unrefd = new RealScheduler().setTimer(60_000, () => {});
    const kept = new RealScheduler({ unref: false }).setTimer(60_000, () => {});
    const [first, second] = spy.mock.results.map((r) => r.value as NodeJS.Timeout);
    expect(first?.hasRef()).toBe(false);
    expect(second?.hasRef()).toBe(true);
    unrefd.cancel();
    kept.cancel();
  });

  it('lets one timer override the default with { keepAlive }', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const handles = [
      new RealScheduler().setTimer(60_000, () => {}, { keepAlive: true }),
      new RealScheduler({ unref: false }).setTimer(60_000, () => {}, { keepAlive: false }),
      new RealScheduler().setTimer(60_000, () => {}, {}),
    ];
    const timers = spy.mock.results.map((r) => r.value as NodeJS.Timeout);
    expect(timers.map((t) => t.hasRef())).toEqual([true, false, false]);
    for (const h of handles) h.cancel();
  });
});
