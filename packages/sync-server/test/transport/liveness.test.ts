/**
 * The transport's keep-alive pinger in virtual time: each socket is pinged once per interval in
 * its own slice, one that missed a round trip is closed (idle) and terminated a second later,
 * sockets still waiting for their token are left alone, and nothing is pinged after stop.
 */
import { CloseCode } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../src/time/scheduler.js';
import {
  type LivenessEntry,
  LivenessPinger,
  PING_SLICES,
  type Pingable,
} from '../../src/transport/liveness.js';

/** A socket stand-in that records what the pinger did to it. */
class FakeSocket implements Pingable {
  readonly log: string[] = [];
  ping(): void {
    this.log.push('ping');
  }
  close(code: number, reason: string): void {
    this.log.push(`close ${code} ${reason}`);
  }
  terminate(): void {
    this.log.push('terminate');
  }
}

const KEEP_ALIVE = 1600; // over a second: a close and its terminate fall in one round
const SLICE_MS = KEEP_ALIVE / PING_SLICES;

function setup(slices: readonly number[], pending: ReadonlySet<number> = new Set()) {
  const clock = new ManualScheduler();
  const entries = new Map<number, LivenessEntry & { ws: FakeSocket }>();
  slices.forEach((slice, key) => {
    entries.set(key, { ws: new FakeSocket(), alive: true, slice });
  });
  const pinger = new LivenessPinger<number>({
    scheduler: clock,
    keepAliveMs: KEEP_ALIVE,
    entries: () => entries,
    skip: (key) => pending.has(key),
  });
  pinger.start();
  const log = (key: number) => entries.get(key)?.ws.log ?? [];
  return { clock, entries, pinger, log };
}

describe('LivenessPinger', () => {
  it('pings each socket once per interval, in the slice it belongs to', () => {
    const { clock, log } = setup([0, 3]);
    // Slice k goes out (k + 1) slice-lengths after start.
    clock.advance(SLICE_MS - 1);
    expect(log(0)).toEqual([]);
    clock.advance(1);
    expect(log(0)).toEqual(['ping']);
    expect(log(1)).toEqual([]);
    clock.advance(3 * SLICE_MS - 1);
    expect(log(1)).toEqual([]);
    clock.advance(1);
    expect(log(1)).toEqual(['ping']);
  });

  it('keeps a socket that answers, closes one that missed a round trip and terminates it a second later', () => {
    const { clock, entries, log } = setup([0, 0]);
    clock.advance(SLICE_MS); // first ping of both
    const answering = entries.get(0);
    if (answering === undefined) throw new Error('no entry');
    answering.alive = true; // a pong (or any frame) came back
    clock.advance(KEEP_ALIVE - 1);
    expect(log(1)).toEqual(['ping']);
    clock.advance(1); // the next round: socket 1 never answered
    expect(log(0)).toEqual(['ping', 'ping']);
    expect(log(1)).toEqual(['ping', `close ${CloseCode.idleTimeout} idle`]);
    clock.advance(999); // terminated one second after the close
    expect(log(1)).not.toContain('terminate');
    clock.advance(1);
    expect(log(1)).toEqual(['ping', `close ${CloseCode.idleTimeout} idle`, 'terminate']);
  });

  it('leaves sockets alone while their token is not checked, and pings nothing after stop', () => {
    const { clock, pinger, log } = setup([0, 0], new Set([1]));
    clock.advance(SLICE_MS);
    expect([log(0), log(1)]).toEqual([['ping'], []]);
    pinger.stop();
    expect(clock.pending).toBe(0);
    clock.advance(10 * KEEP_ALIVE);
    expect([log(0), log(1)]).toEqual([['ping'], []]);
  });
});
