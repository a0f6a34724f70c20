import { ManualScheduler } from '@accord/core/testing';
import { describe, expect, it } from 'vitest';
import { Heartbeat } from '../src/heartbeat.js';

function setup(limits = { livenessTimeoutMs: 12_000, ackTimeoutMs: 2_000 }) {
  const scheduler = new ManualScheduler();
  const pings: number[] = [];
  const deaths: { at: number; reason: string }[] = [];
  const hb = new Heartbeat(
    scheduler,
    limits,
    (n) => pings.push(n),
    (reason) => deaths.push({ at: scheduler.now(), reason }),
  );
  return { scheduler, pings, deaths, hb };
}

describe('Heartbeat', () => {
  it('pings every pingEveryMs while the relay answers', () => {
    const { scheduler, pings, deaths, hb } = setup();
    const source = { lastHeardAt: 0, sentAt: new Map<number, number>(), pingEveryMs: 5000 };
    hb.start(source);
    for (let t = 0; t < 20_000; t += 1000) {
      scheduler.advance(1000);
      source.lastHeardAt = scheduler.now(); // pongs arrive
    }
    expect(pings).toEqual([1, 2, 3, 4]);
    expect(deaths).toEqual([]);
  });

  it('leaves a relay sitting on an update within 1.25x the ack timeout, even with a long ping period', () => {
    const { scheduler, deaths, hb } = setup();
    const source = { lastHeardAt: 0, sentAt: new Map<number, number>([[1, 0]]), pingEveryMs: 5000 };
    hb.start(source);
    for (let t = 0; t < 3000; t += 100) {
      scheduler.advance(100);
      source.lastHeardAt = scheduler.now();
    }
    expect(deaths.length).toBe(1);
    expect(deaths[0]!.at).toBeGreaterThanOrEqual(2000);
    expect(deaths[0]!.at).toBeLessThanOrEqual(2500);
    expect(deaths[0]!.reason).toContain('ack-timeout');
  });

  it('declares a silent relay dead after the liveness timeout and stops', () => {
    const { scheduler, deaths, hb } = setup({ livenessTimeoutMs: 4000, ackTimeoutMs: 60_000 });
    hb.start({ lastHeardAt: 0, sentAt: new Map(), pingEveryMs: 1000 });
    scheduler.advance(10_000);
    expect(deaths.length).toBe(1);
    expect(deaths[0]!.at).toBeGreaterThanOrEqual(4000);
    expect(deaths[0]!.at).toBeLessThanOrEqual(5000);
    expect(scheduler.pending).toBe(0);
  });

  it('stop() cancels everything', () => {
    const { scheduler, pings, deaths, hb } = setup();
    hb.start({ lastHeardAt: 0, sentAt: new Map(), pingEveryMs: 1000 });
    hb.stop();
    scheduler.advance(60_000);
    expect(pings).toEqual([]);
    expect(deaths).toEqual([]);
  });
});
