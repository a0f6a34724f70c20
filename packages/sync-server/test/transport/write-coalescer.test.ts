import { describe, expect, it } from 'vitest';
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
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
    const c = new WriteCoalescer({ intervalMs: 30 });
    const s = new FakeSocket();
    c.hold(s);
    await turn();
    c.hold(s);
    await turn();
    expect([s.flushes, s.depth]).toEqual([0, 1]);
    await sleep(45);
    expect([s.flushes, s.depth]).toEqual([1, 0]);
    // The next frame starts a new interval.
    c.hold(s);
    expect(s.depth).toBe(1);
    await sleep(45);
    expect(s.flushes).toBe(2);
  });

  it('waits busyIntervalMs instead once a flush released busySockets sockets, and relaxes again', async () => {
    const c = new WriteCoalescer({ intervalMs: 5, busyIntervalMs: 150, busySockets: 3 });
    /** Hold `s` and resolve with the ms until its next flush (polled; bounded to 2 s). */
    const timeToFlush = async (s: FakeSocket): Promise<number> => {
      const before = s.flushes;
      const t0 = performance.now();
      c.hold(s);
      for (let i = 0; i < 400 && s.flushes === before; i++) await sleep(5);
      return performance.now() - t0;
    };
    const many = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    for (const s of many) c.hold(s);
    await sleep(50);
    expect(many.map((s) => s.flushes)).toEqual([1, 1, 1]);
    const one = many[0] as FakeSocket;
    // The last flush released 3 sockets: the next frame waits the busy interval…
    expect(await timeToFlush(one)).toBeGreaterThanOrEqual(145);
    // …that flush released one: back to the short interval.
    expect(await timeToFlush(one)).toBeLessThan(145);
    expect(one.flushes).toBe(3);
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
});
