import { describe, expect, it } from 'vitest';
import {
  addSessionViolations,
  checkMonotonicWrites,
  checkProbes,
  checkWritesFollowReads,
  noSessionViolations,
  parseKey,
  type SessionProbe,
} from '../../src/chaos/sessions.js';

const set = (...keys: string[]) => new Set(keys);

function probe(over: Partial<SessionProbe>): SessionProbe {
  return { client: 'c0', node: 2, status: 'covered', acked: set(), read: set(), seen: set(), ...over };
}

describe('session guarantee checkers', () => {
  it('parses client-n keys and nothing else', () => {
    expect(parseKey('c10-42')).toEqual({ client: 'c10', n: 42 });
    expect(parseKey('a-b-3')).toEqual({ client: 'a-b', n: 3 });
    for (const bad of ['c0', '-3', 'c0-0', 'c0-x', 'c0-1.5']) expect(parseKey(bad)).toBeNull();
  });

  it('read-your-writes and monotonic reads: a covered resumption must hold what the session had', () => {
    const ok = probe({
      acked: set('c0-1', 'c0-2'),
      read: set('c1-1'),
      seen: set('c0-1', 'c0-2', 'c1-1', 'c1-2'),
    });
    expect(checkProbes([ok])).toEqual({ readYourWrites: 0, monotonicReads: 0 });
    const lostOwn = probe({ acked: set('c0-1', 'c0-2'), seen: set('c0-1') });
    const wentBack = probe({ read: set('c1-1', 'c1-2'), seen: set('c1-1') });
    expect(checkProbes([lostOwn, wentBack, lostOwn])).toEqual({ readYourWrites: 2, monotonicReads: 1 });
    // A node that said `behind` (or never synced) promised nothing.
    const behind = probe({ status: 'behind', acked: set('c0-1'), read: set('c1-1'), seen: set() });
    const failed = probe({ status: 'failed', acked: set('c0-1') });
    expect(checkProbes([behind, failed])).toEqual({ readYourWrites: 0, monotonicReads: 0 });
  });

  it('monotonic writes: each client visible as a prefix of what it wrote', () => {
    expect(checkMonotonicWrites([set('c0-1', 'c0-2', 'c1-1'), set(), set('c1-1', 'c1-2', 'c1-3')])).toBe(0);
    // c0-2 without c0-1; c1-3 without c1-2: one violation per read and client.
    expect(checkMonotonicWrites([set('c0-2', 'c1-1'), set('c1-1', 'c1-3', 'c0-1')])).toBe(2);
  });

  it('writes follow reads: a visible write comes with what its writer had read before it', () => {
    // c0 wrote c0-2 after reading c1 up to c1-3; c0-1 after reading nothing.
    const deps = new Map([
      [
        'c0',
        new Map([
          [1, new Map<string, number>()],
          [2, new Map([['c1', 3]])],
        ]),
      ],
    ]);
    expect(checkWritesFollowReads([set('c0-1'), set('c0-1', 'c0-2', 'c1-1', 'c1-2', 'c1-3')], deps)).toBe(0);
    expect(checkWritesFollowReads([set('c0-1', 'c0-2', 'c1-1')], deps)).toBe(1);
    // Clients without recorded dependencies (e.g. foreign keys) are skipped.
    expect(checkWritesFollowReads([set('zz-9')], deps)).toBe(0);
  });

  it('adds violation counts field by field', () => {
    const one = { readYourWrites: 1, monotonicReads: 2, monotonicWrites: 3, writesFollowReads: 4 };
    expect(addSessionViolations(addSessionViolations(noSessionViolations(), one), one)).toEqual({
      readYourWrites: 2,
      monotonicReads: 4,
      monotonicWrites: 6,
      writesFollowReads: 8,
    });
  });
});
