/**
 * Paced tasks: run in order, one per deferred turn, never at once; a failing task does not stop
 * the rest; over the bound everything runs at once, still in order; stopped, nothing runs;
 * without `defer`, each task runs in the call that hands it over.
 * Turns are a test queue here (production defers with `setImmediate`).
 */
import { describe, expect, it } from 'vitest';
import { PacedTasks } from '../../src/time/paced-tasks.js';

/** A queue of deferred turns the test runs one by one. */
function turns() {
  const waiting: (() => void)[] = [];
  return {
    defer: (fn: () => void) => waiting.push(fn),
    /** Run the next turn; false when none is waiting. */
    next: (): boolean => {
      const fn = waiting.shift();
      if (fn === undefined) return false;
      fn();
      return true;
    },
    get count() {
      return waiting.length;
    },
  };
}

describe('PacedTasks', () => {
  it('runs tasks in order, one per turn, none at once', () => {
    const t = turns();
    const errors: unknown[] = [];
    const q = new PacedTasks({ defer: t.defer, onError: (e) => errors.push(e) });
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) q.run(() => ran.push(i));
    expect(ran).toEqual([]);
    expect(q.waiting).toBe(5);
    expect(t.count).toBe(1); // one turn asked for at a time
    for (let k = 1; k <= 5; k++) {
      expect(t.next()).toBe(true);
      expect(ran).toEqual([0, 1, 2, 3, 4].slice(0, k));
    }
    expect(t.next()).toBe(false);
    expect(q.waiting).toBe(0);
    // A task added by a task runs on a later turn, after those already waiting.
    q.run(() => {
      ran.push(5);
      q.run(() => ran.push(7));
    });
    q.run(() => ran.push(6));
    while (t.next()) {}
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(errors).toEqual([]);
  });

  it('reports a failing task and goes on with the next', () => {
    const t = turns();
    const errors: unknown[] = [];
    const q = new PacedTasks({ defer: t.defer, onError: (e) => errors.push(e) });
    const ran: string[] = [];
    q.run(() => ran.push('a'));
    q.run(() => {
      throw new Error('boom');
    });
    q.run(() => ran.push('c'));
    while (t.next()) {}
    expect(ran).toEqual(['a', 'c']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('over its bound runs everything waiting, then the new task, at once and in order', () => {
    const t = turns();
    const q = new PacedTasks({ defer: t.defer, onError: () => {}, maxWaiting: 3 });
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) q.run(() => ran.push(i));
    expect(ran).toEqual([]);
    q.run(() => ran.push(3));
    expect(ran).toEqual([0, 1, 2, 3]);
    expect(q.waiting).toBe(0);
    // The turn asked for earlier finds nothing to do.
    while (t.next()) {}
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it('once stopped, drops what waits and takes nothing more', () => {
    const t = turns();
    const q = new PacedTasks({ defer: t.defer, onError: () => {} });
    const ran: number[] = [];
    q.run(() => ran.push(1));
    q.stop();
    q.run(() => ran.push(2));
    while (t.next()) {}
    expect(ran).toEqual([]);
    expect(q.waiting).toBe(0);
  });

  it('without defer runs each task at once, lets what it throws reach the caller, and stops too', () => {
    const errors: unknown[] = [];
    const q = new PacedTasks({ onError: (e) => errors.push(e) });
    const ran: number[] = [];
    q.run(() => ran.push(1));
    expect(ran).toEqual([1]);
    expect(q.waiting).toBe(0);
    expect(() =>
      q.run(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(errors).toEqual([]);
    q.stop();
    q.run(() => ran.push(2));
    expect(ran).toEqual([1]);
  });
});
