import { type PresenceState, presenceStateSize } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import {
  MAX_REMOTE_PRESENCE_PER_NODE,
  newSessionId,
  RemotePresence,
} from '../../src/relay/remote-presence.js';

const st = (name: string): PresenceState => ({ name, color: '#000', cursor: null, data: null });

describe('remote presence (other nodes’ sessions)', () => {
  it('keeps entries per node and document, reports only real changes, drops a node at once', () => {
    const r = new RemotePresence();
    expect(r.apply(2, 'd', [{ sessionId: 10, state: st('a') }])).toEqual([{ sessionId: 10, state: st('a') }]);
    r.apply(3, 'd', [{ sessionId: 11, state: st('b') }]);
    r.apply(3, 'e', [{ sessionId: 12, state: st('c') }]);
    expect(r.entriesFor('d')).toEqual([
      { sessionId: 10, state: st('a') },
      { sessionId: 11, state: st('b') },
    ]);
    // removing an unknown session changes nothing (and is not relayed)
    expect(r.apply(2, 'd', [{ sessionId: 99, state: null }])).toEqual([]);
    expect(r.apply(2, 'd', [{ sessionId: 10, state: null }])).toEqual([{ sessionId: 10, state: null }]);
    expect(r.entriesFor('d')).toEqual([{ sessionId: 11, state: st('b') }]);
    const dropped = r.drop(3);
    expect([...dropped]).toEqual([
      ['d', [{ sessionId: 11, state: null }]],
      ['e', [{ sessionId: 12, state: null }]],
    ]);
    expect(r.entriesFor('d')).toEqual([]);
    expect(r.entriesFor('e')).toEqual([]);
    expect(r.drop(3).size).toBe(0);
  });

  it('remembers at most MAX_REMOTE_PRESENCE_PER_NODE sessions per node; updates of known ones still apply', () => {
    const r = new RemotePresence();
    const many = Array.from({ length: MAX_REMOTE_PRESENCE_PER_NODE + 5 }, (_, i) => ({
      sessionId: i + 1,
      state: st('x'),
    }));
    expect(r.apply(2, 'd', many)).toHaveLength(MAX_REMOTE_PRESENCE_PER_NODE);
    expect(r.apply(2, 'd', [{ sessionId: 1, state: st('y') }])).toHaveLength(1);
    expect(r.apply(2, 'd', [{ sessionId: MAX_REMOTE_PRESENCE_PER_NODE + 3, state: st('y') }])).toEqual([]);
    r.apply(2, 'd', [{ sessionId: 1, state: null }]);
    expect(r.apply(2, 'd', [{ sessionId: MAX_REMOTE_PRESENCE_PER_NODE + 3, state: st('y') }])).toHaveLength(
      1,
    );
    expect(r.apply(4, 'd', [{ sessionId: 1, state: st('z') }])).toHaveLength(1); // other nodes unaffected
  });

  it('expires entries not re-reported in time; an unchanged re-report is a silent refresh', () => {
    const r = new RemotePresence();
    r.apply(2, 'd', [{ sessionId: 10, state: st('a') }], 0);
    r.apply(2, 'd', [{ sessionId: 11, state: st('b') }], 0);
    // node 2 re-reports session 10 unchanged at t=100: nothing to relay, but it stays alive
    expect(r.apply(2, 'd', [{ sessionId: 10, state: st('a') }], 100)).toEqual([]);
    expect(r.apply(2, 'd', [{ sessionId: 10, state: st('a2') }], 100)).toHaveLength(1);
    expect([...r.expire(50)]).toEqual([['d', [{ sessionId: 11, state: null }]]]);
    expect(r.entriesFor('d')).toEqual([{ sessionId: 10, state: st('a2') }]);
    expect(r.expire(50).size).toBe(0);
    expect([...r.expire(101)]).toEqual([['d', [{ sessionId: 10, state: null }]]]);
    expect(r.entriesFor('d')).toEqual([]);
  });

  it('bounds entries in bytes, per entry and per document with the local entries; a refused one leaves the old', () => {
    const big = (n: number): PresenceState => ({ name: 'p', color: '', cursor: null, data: 'x'.repeat(n) });
    const size = presenceStateSize(big(100));
    const refused: string[] = [];
    let local = 0;
    const r = new RemotePresence({
      maxEntryBytes: size,
      maxRoomBytes: 3 * size,
      localBytes: () => local,
      onRefused: (why) => refused.push(why),
    });
    // A multi-MiB entry is never held (before: held and relayed, bounded only in count).
    expect(r.apply(2, 'd', [{ sessionId: 1, state: big(4 * 1024 * 1024) }])).toEqual([]);
    expect(r.bytesOf('d')).toBe(0);
    expect(r.apply(2, 'd', [{ sessionId: 1, state: big(100) }])).toHaveLength(1);
    expect(r.apply(3, 'd', [{ sessionId: 2, state: big(100) }])).toHaveLength(1);
    local = size; // this node's own sessions hold the third share
    expect(r.apply(3, 'd', [{ sessionId: 3, state: big(90) }])).toEqual([]);
    expect(r.apply(2, 'd', [{ sessionId: 1, state: big(101) }])).toEqual([]);
    expect(r.entriesFor('d')).toEqual([
      { sessionId: 1, state: big(100) },
      { sessionId: 2, state: big(100) },
    ]);
    // Shrinking or replacing with the same size fits; another document has its own budget.
    expect(r.apply(2, 'd', [{ sessionId: 1, state: big(50) }])).toHaveLength(1);
    expect(r.apply(3, 'e', [{ sessionId: 4, state: big(100) }])).toHaveLength(1);
    expect(refused).toEqual(['entry-bytes', 'room-bytes', 'entry-bytes']);
    expect(r.bytesOf('d')).toBe(presenceStateSize(big(50)) + size);
    r.apply(2, 'd', [{ sessionId: 1, state: null }]);
    expect(r.bytesOf('d')).toBe(size);
    r.expire(Number.POSITIVE_INFINITY);
    expect(r.bytesOf('d') + r.bytesOf('e')).toBe(0);
    r.apply(3, 'd', [{ sessionId: 2, state: big(10) }]);
    r.drop(3);
    expect(r.bytesOf('d')).toBe(0);
  });

  it('session ids are safe integers carrying the node id in their low 16 bits', () => {
    for (const node of [1, 2, 3, 65_535]) {
      for (let i = 0; i < 50; i++) {
        const id = newSessionId(node);
        expect(Number.isSafeInteger(id) && id > 0).toBe(true);
        expect(id % 2 ** 16).toBe(node);
      }
    }
    expect(Number.isSafeInteger(newSessionId(70_000))).toBe(true);
  });
});
