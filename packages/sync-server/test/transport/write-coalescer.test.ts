import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { type Corkable, WriteCoalescer } from '../../src/transport/write-coalescer.js';

/** A socket stand-in that records cork depth and every flush (uncork to depth 0). */
class FakeSocket implements Corkable {
  depth = 0;
  flushes = 0;
  cork(): void {
    this.depth++;
  }
  uncork(): void {
    if (this.depth === 0) throw new Error('uncork without cork');
    this.depth--;
    if (this.depth === 0) this.flushes++;
  }
}

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('WriteCoalescer', () => {
  it('corks a socket once however many frames it gets, and flushes them together', async () => {
    const c = new WriteCoalescer({ intervalMs: 0 });
    const a = new FakeSocket();
    const b = new FakeSocket();
    for (let i = 0; i < 10; i++) {
      c.hold(a);
      c.hold(b);
    }
    expect(a.depth).toBe(1);
    expect(c.held).toBe(2);
    await turn();
    expect([a.flushes, b.flushes, a.depth, b.depth, c.held]).toEqual([1, 1, 0, 0, 0]);
  });

  it('holds frames for intervalMs, across event-loop turns, then sends them in one flush', async () => {
    const clock = new ManualScheduler();
    const c = new WriteCoalescer({ intervalMs: 30, scheduler: clock });
    const s = new FakeSocket();
    c.hold(s);
    await turn();
    c.hold(s);
    await turn();
    expect([s.flushes, s.depth]).toEqual([0, 1]);
    clock.advance(29);
    expect([s.flushes, s.depth]).toEqual([0, 1]);
    clock.advance(1);
    expect([s.flushes, s.depth]).toEqual([1, 0]);
    // The next frame starts a new interval.
    clock.advance(100);
    c.hold(s);
    expect(s.depth).toBe(1);
    clock.advance(29);
    expect(s.flushes).toBe(1);
    clock.advance(1);
    expect(s.flushes).toBe(2);
  });

  it('release uncorks a held socket at once and leaves the others held', async () => {
    const c = new WriteCoalescer({ intervalMs: 0 });
    const a = new FakeSocket();
    const b = new FakeSocket();
    c.hold(a);
    c.hold(b);
    c.release(a);
    expect([a.flushes, a.depth, b.depth]).toEqual([1, 0, 1]);
    c.release(a); // not held: no second uncork
    await turn();
    expect([a.flushes, b.flushes, b.depth]).toEqual([1, 1, 0]);
  });

  it('nests with the socket’s own cork/uncork pairs (ws corks around multi-part frames)', async () => {
    const c = new WriteCoalescer({ intervalMs: 0 });
    const s = new FakeSocket();
    c.hold(s);
    s.cork(); // ws.send on a corked socket
    s.uncork();
    expect(s.flushes).toBe(0);
    await turn();
    expect(s.flushes).toBe(1);
  });

  it('keeps intervalMs while the loop is idle and grows to maxIntervalMs as it gets busy', async () => {
    let u = 0.2;
    const clock = new ManualScheduler();
    const c = new WriteCoalescer({ intervalMs: 1, maxIntervalMs: 9, utilization: () => u, scheduler: clock });
    const s = new FakeSocket();
    const windowAfterHold = async () => {
      c.hold(s);
      const w = c.currentWindowMs;
      c.flush();
      clock.advance(100); // the window is re-derived at most every 100 ms
      return w;
    };
    expect(await windowAfterHold()).toBe(1);
    u = 0.7; // halfway between 50% and 90%
    expect(await windowAfterHold()).toBeCloseTo(5, 6);
    u = 0.97;
    expect(await windowAfterHold()).toBe(9);
    u = 0.1;
    expect(await windowAfterHold()).toBe(1);
  });

  it('flushes after the adapted window, not the idle one', async () => {
    const clock = new ManualScheduler();
    const c = new WriteCoalescer({
      intervalMs: 1,
      maxIntervalMs: 40,
      utilization: () => 1,
      scheduler: clock,
    });
    const s = new FakeSocket();
    c.hold(s);
    clock.advance(39);
    expect(s.flushes).toBe(0);
    clock.advance(1);
    expect(s.flushes).toBe(1);
  });

  it('does not adapt without maxIntervalMs, and never probes the loop then', async () => {
    let probes = 0;
    const c = new WriteCoalescer({
      intervalMs: 2,
      utilization: () => {
        probes++;
        return 1;
      },
    });
    c.hold(new FakeSocket());
    expect(c.currentWindowMs).toBe(2);
    c.flush();
    expect(probes).toBe(0);
  });
});
