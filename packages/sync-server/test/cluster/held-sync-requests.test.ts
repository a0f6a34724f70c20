import { describe, expect, it } from 'vitest';
import { HeldSyncRequests } from '../../src/cluster/held-sync-requests.js';

const sv = (n: number) => new Uint8Array([n]);

describe('HeldSyncRequests', () => {
  it('holds requests per peer until taken, oldest first, and forgets them once taken', () => {
    const h = new HeldSyncRequests();
    h.hold(2, { docId: 'a', reqId: 1, stateVector: sv(1) });
    h.hold(3, { docId: 'a', reqId: 1, stateVector: sv(2) });
    h.hold(2, { docId: 'b', reqId: 0, stateVector: sv(3) });
    h.hold(2, { docId: 'c', reqId: 0, stateVector: sv(4) });
    expect(h.size).toBe(4);
    expect(h.take(2).map((r) => `${r.reqId}:${r.docId}`)).toEqual(['1:a', '0:b', '0:c']);
    expect(h.take(2)).toEqual([]);
    expect(h.take(4)).toEqual([]);
    expect(h.take(3)).toEqual([{ docId: 'a', reqId: 1, stateVector: sv(2) }]);
    expect(h.size).toBe(0);
  });

  it('a request asked again replaces the one held (latest state vector, moved to the end)', () => {
    const h = new HeldSyncRequests();
    h.hold(2, { docId: 'a', reqId: 7, stateVector: sv(1) });
    h.hold(2, { docId: 'b', reqId: 8, stateVector: sv(2) });
    h.hold(2, { docId: 'a', reqId: 7, stateVector: sv(3) });
    expect(h.take(2)).toEqual([
      { docId: 'b', reqId: 8, stateVector: sv(2) },
      { docId: 'a', reqId: 7, stateVector: sv(3) },
    ]);
  });

  it('keeps at most maxPerPeer requests per peer, dropping the oldest', () => {
    const h = new HeldSyncRequests(3);
    for (let i = 1; i <= 5; i++) h.hold(2, { docId: 'd', reqId: i, stateVector: sv(i) });
    h.hold(3, { docId: 'd', reqId: 1, stateVector: sv(1) });
    expect(h.size).toBe(4);
    expect(h.take(2).map((r) => r.reqId)).toEqual([3, 4, 5]);
  });
});
