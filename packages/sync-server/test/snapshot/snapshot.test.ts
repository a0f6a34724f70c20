import { describe, expect, it } from 'vitest';
import { SnapshotFence } from '../../src/snapshot/snapshot-fence.js';
import { compareSnapshotNumbers, maxSnapshotNumber } from '../../src/snapshot/snapshot-number.js';
import { SnapshotSequencer } from '../../src/snapshot/snapshot-sequencer.js';

describe('snapshot numbers', () => {
  it('order by term, then seq', () => {
    expect(compareSnapshotNumbers({ term: 2, seq: 1 }, { term: 1, seq: 9 })).toBeGreaterThan(0);
    expect(compareSnapshotNumbers({ term: 2, seq: 3 }, { term: 2, seq: 4 })).toBeLessThan(0);
    expect(compareSnapshotNumbers({ term: 2, seq: 3 }, { term: 2, seq: 3 })).toBe(0);
    expect(maxSnapshotNumber(null, { term: 1, seq: 1 })).toEqual({ term: 1, seq: 1 });
    expect(maxSnapshotNumber({ term: 3, seq: 1 }, { term: 2, seq: 7 })).toEqual({ term: 3, seq: 1 });
    expect(maxSnapshotNumber(null, null)).toBeNull();
  });
});

describe('SnapshotFence (store validation)', () => {
  it('accepts strictly newer numbers and refuses equal or older ones, changing nothing', () => {
    const f = new SnapshotFence();
    expect(f.accept('d', { term: 1, seq: 1 })).toEqual({ ok: true });
    expect(f.accept('d', { term: 1, seq: 1 })).toEqual({ ok: false, reason: 'not-newer' });
    expect(f.accept('d', { term: 1, seq: 2 })).toEqual({ ok: true });
    expect(f.accept('d', { term: 1, seq: 1 })).toEqual({ ok: false, reason: 'not-newer' });
    expect(f.highestFor('d')).toEqual({ term: 1, seq: 2 });
    expect(f.accept('other', { term: 1, seq: 1 })).toEqual({ ok: true });
  });

  it('refuses snapshots from a term older than its promise (fencing)', () => {
    const f = new SnapshotFence(3);
    expect(f.accept('d', { term: 2, seq: 9 })).toEqual({ ok: false, reason: 'old-term' });
    expect(f.highestFor('d')).toBeNull();
    expect(f.accept('d', { term: 3, seq: 1 })).toEqual({ ok: true });
    expect(f.accept('d', { term: 5, seq: 2 })).toEqual({ ok: true });
    expect(f.promisedTerm).toBe(5);
    expect(f.accept('e', { term: 4, seq: 1 })).toEqual({ ok: false, reason: 'old-term' });
  });

  it('refuses malformed numbers', () => {
    const f = new SnapshotFence();
    for (const n of [
      { term: 0, seq: 1 },
      { term: 1, seq: 0 },
      { term: 1.5, seq: 1 },
      { term: 1, seq: Number.NaN },
    ]) {
      expect(f.accept('d', n)).toEqual({ ok: false, reason: 'invalid-number' });
    }
  });

  it('holds a number only once stored; a failed write goes back to the highest stored', () => {
    const f = new SnapshotFence(1, [['d', { term: 1, seq: 4 }]]);
    expect(f.holds('d', { term: 1, seq: 4 })).toBe(true); // found in storage at start
    expect(f.accept('d', { term: 1, seq: 5 })).toEqual({ ok: true });
    expect(f.holds('d', { term: 1, seq: 5 })).toBe(false); // being written
    expect(f.accept('d', { term: 1, seq: 5 })).toEqual({ ok: false, reason: 'not-newer' });
    expect(f.answerQuery('d', 1).highest).toEqual({ term: 1, seq: 4 }); // queries count durable ones only
    f.retract('d', { term: 1, seq: 5 });
    expect(f.highestFor('d')).toEqual({ term: 1, seq: 4 });
    expect(f.accept('d', { term: 1, seq: 5 })).toEqual({ ok: true }); // the same number again
    expect(f.accept('d', { term: 1, seq: 6 })).toEqual({ ok: true });
    f.retract('d', { term: 1, seq: 5 }); // a newer one was accepted since: nothing changes
    expect(f.highestFor('d')).toEqual({ term: 1, seq: 6 });
    f.stored('d', { term: 1, seq: 5 });
    f.retract('d', { term: 1, seq: 6 });
    expect(f.highestFor('d')).toEqual({ term: 1, seq: 5 });
    expect(f.holds('d', { term: 1, seq: 5 })).toBe(true);
    expect(f.accept('e', { term: 1, seq: 1 })).toEqual({ ok: true });
    f.retract('e', { term: 1, seq: 1 }); // nothing stored for e: none again
    expect(f.highestFor('e')).toBeNull();
  });

  it('a number whose write ends after a newer term was promised is stored but not acknowledged', () => {
    const f = new SnapshotFence(1, [['d', { term: 1, seq: 4 }]]);
    expect(f.accept('d', { term: 1, seq: 5 })).toEqual({ ok: true });
    // a new leader asks while 5 is being written: it learns 4 (5 may yet fail)
    expect(f.answerQuery('d', 2).highest).toEqual({ term: 1, seq: 4 });
    expect(f.stored('d', { term: 1, seq: 5 })).toBe(false); // the old leader must not count it
    expect(f.storedFor('d')).toEqual({ term: 1, seq: 5 }); // yet it is stored, and reported next time
    expect(f.answerQuery('d', 3).highest).toEqual({ term: 1, seq: 5 });
    expect(f.holds('d', { term: 1, seq: 5 })).toBe(false); // a resend from term 1 is not "stored"
    expect(f.accept('d', { term: 3, seq: 5 })).toEqual({ ok: true }); // the new leader's number above it
    expect(f.stored('d', { term: 3, seq: 5 })).toBe(true);
  });

  it('answering a query promises the term and asks to persist the promise once', () => {
    const f = new SnapshotFence(1, [['d', { term: 1, seq: 4 }]]);
    expect(f.answerQuery('d', 2)).toEqual({ highest: { term: 1, seq: 4 }, persistPromisedTerm: 2 });
    expect(f.answerQuery('d', 2)).toEqual({ highest: { term: 1, seq: 4 } });
    expect(f.accept('d', { term: 1, seq: 5 })).toEqual({ ok: false, reason: 'old-term' });
    f.observeTerm(1);
    expect(f.promisedTerm).toBe(2);
  });
});

describe('SnapshotSequencer', () => {
  const members = [1, 2, 3];

  it('refuses to issue unless leading', () => {
    const s = new SnapshotSequencer(1, members, new SnapshotFence());
    expect(s.issue('d')).toEqual({ status: 'not-leader' });
    s.lead(1);
    s.stepDown();
    expect(s.issue('d')).toEqual({ status: 'not-leader' });
  });

  it('learns the highest number from a majority before issuing the next one', () => {
    const s = new SnapshotSequencer(1, members, new SnapshotFence(0, [['d', { term: 1, seq: 2 }]]));
    s.lead(2);
    expect(s.issue('d')).toEqual({
      status: 'learning',
      send: [{ type: 'snapshot-query', docId: 'd', term: 2 }],
    });
    expect(s.issue('d')).toEqual({ status: 'learning', send: [] });
    expect(s.onQueryAnswer(2, 'd', 1, { term: 1, seq: 9 })).toEqual([]); // wrong term: ignored
    expect(s.onQueryAnswer(2, 'd', 2, { term: 1, seq: 5 })).toEqual([
      { type: 'learned', docId: 'd', term: 2, nextSeq: 6 },
    ]);
    expect(s.issue('d')).toEqual({ status: 'issued', number: { term: 2, seq: 6 }, committed: false });
    expect(s.issue('d')).toEqual({ status: 'busy', inFlight: { term: 2, seq: 6 } });
  });

  it('commits once a majority stored it, then numbers the next one seq + 1', () => {
    const s = new SnapshotSequencer(1, members, new SnapshotFence());
    s.lead(1);
    s.issue('d');
    s.onQueryAnswer(3, 'd', 1, null);
    expect(s.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 1 }, committed: false });
    expect(s.onAnnounceReply(2, 'd', { term: 1, seq: 1 }, false, 1)).toEqual([]);
    expect(s.onAnnounceReply(2, 'd', { term: 1, seq: 7 }, true, 1)).toEqual([]);
    expect(s.onAnnounceReply(3, 'd', { term: 1, seq: 1 }, true, 1)).toEqual([
      { type: 'committed', docId: 'd', number: { term: 1, seq: 1 }, ackers: [1, 3] },
    ]);
    expect(s.inFlight('d')).toBeNull();
    expect(s.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 2 }, committed: false });
  });

  it('a refusal from a newer term deposes the issuer', () => {
    const s = new SnapshotSequencer(1, members, new SnapshotFence());
    s.lead(1);
    s.issue('d');
    s.onQueryAnswer(2, 'd', 1, null);
    s.issue('d');
    expect(s.onAnnounceReply(3, 'd', { term: 1, seq: 1 }, false, 4)).toEqual([
      { type: 'fenced', docId: 'd', term: 1, by: 3 },
    ]);
    expect(s.term).toBeNull();
    expect(s.issue('d')).toEqual({ status: 'not-leader' });
  });

  it('a leader whose own store promised a newer term stops issuing', () => {
    const fence = new SnapshotFence();
    const s = new SnapshotSequencer(1, members, fence);
    s.lead(1);
    s.issue('d');
    s.onQueryAnswer(2, 'd', 1, null);
    fence.observeTerm(2);
    expect(s.issue('d')).toEqual({ status: 'not-leader' });
  });

  it('a leader whose own write ended after a newer term was promised stops leading that term only', () => {
    const fence = new SnapshotFence();
    const s = new SnapshotSequencer(1, members, fence);
    s.lead(1);
    s.issue('d');
    s.onQueryAnswer(2, 'd', 1, null);
    const r = s.issue('d');
    expect(r).toEqual({ status: 'issued', number: { term: 1, seq: 1 }, committed: false });
    expect(fence.answerQuery('d', 2).highest).toBeNull(); // asked while the write runs
    expect(fence.stored('d', { term: 1, seq: 1 })).toBe(false);
    s.outdated({ term: 1, seq: 1 });
    expect(s.term).toBeNull();
    // re-elected for term 3 meanwhile, a late term-1 write changes nothing
    s.lead(3);
    s.outdated({ term: 1, seq: 1 });
    expect(s.term).toBe(3);
  });

  it('an issue given back (its write failed) is numbered again', () => {
    const fence = new SnapshotFence();
    const s = new SnapshotSequencer(1, members, fence);
    s.lead(1);
    s.issue('d');
    s.onQueryAnswer(2, 'd', 1, null);
    expect(s.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 1 }, committed: false });
    s.abandon('d', { term: 1, seq: 2 }); // not this document's issue: nothing
    expect(s.inFlight('d')).toEqual({ term: 1, seq: 1 });
    fence.retract('d', { term: 1, seq: 1 });
    s.abandon('d', { term: 1, seq: 1 });
    expect(s.inFlight('d')).toBeNull();
    expect(s.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 1 }, committed: false });
    // A cluster of one commits at issue; given back, the same seq comes again.
    const own = new SnapshotFence();
    const one = new SnapshotSequencer(5, [5], own);
    one.lead(1);
    expect(one.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 1 }, committed: true });
    own.retract('d', { term: 1, seq: 1 });
    one.abandon('d', { term: 1, seq: 1 });
    expect(one.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 1 }, committed: true });
  });

  it('a single node learns and issues at once', () => {
    const s = new SnapshotSequencer(5, [5], new SnapshotFence());
    s.lead(1);
    expect(s.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 1 }, committed: true });
    expect(s.issue('d')).toEqual({ status: 'issued', number: { term: 1, seq: 2 }, committed: true });
  });
});
