import { ManualScheduler } from '@accord/core/testing';
import { describe, expect, it } from 'vitest';
import { Emitter } from '../src/emitter.js';
import { TimerSlot } from '../src/scheduler.js';

type Events = { tick: (n: number) => void; done: () => void };

describe('Emitter', () => {
  it('calls listeners in order; on() returns an unsubscribe; off() removes', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    const off = e.on('tick', (n) => seen.push(`a${n}`));
    const b = (n: number) => seen.push(`b${n}`);
    e.on('tick', b);
    e.emit('tick', 1);
    off();
    e.emit('tick', 2);
    e.off('tick', b);
    e.emit('tick', 3);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('once() fires a single time', () => {
    const e = new Emitter<Events>();
    let count = 0;
    e.once('done', () => count++);
    e.emit('done');
    e.emit('done');
    expect(count).toBe(1);
  });

  it('a throwing listener does not stop the others and is reported', () => {
    const errors: unknown[] = [];
    const e = new Emitter<Events>((err) => errors.push(err));
    const seen: number[] = [];
    e.on('tick', () => {
      throw new Error('boom');
    });
    e.on('tick', (n) => seen.push(n));
    e.emit('tick', 5);
    expect(seen).toEqual([5]);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('a listener removed during emit still runs in that emit, not after; clear() drops all', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    const second = () => seen.push('second');
    e.on('done', () => {
      seen.push('first');
      e.off('done', second);
    });
    e.on('done', second);
    e.emit('done');
    e.emit('done');
    expect(seen).toEqual(['first', 'second', 'first']);
    e.clear();
    e.emit('done');
    expect(seen.length).toBe(3);
  });
});

describe('TimerSlot', () => {
  it('holds at most one timer: setting again cancels the previous one', () => {
    const s = new ManualScheduler();
    const slot = new TimerSlot(s);
    const fired: string[] = [];
    slot.set(() => fired.push('a'), 100);
    slot.set(() => fired.push('b'), 200);
    expect(slot.pending).toBe(true);
    s.advance(1000);
    expect(fired).toEqual(['b']);
    expect(slot.pending).toBe(false);
    slot.set(() => fired.push('c'), 10);
    slot.clear();
    s.advance(100);
    expect(fired).toEqual(['b']);
    expect(s.pending).toBe(0);
  });
});
