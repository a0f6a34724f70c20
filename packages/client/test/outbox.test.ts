import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/outbox.js';

/**
 * A stand-in for CRDT updates: a set of byte "ops"; merge is set union (idempotent, commutative,
 * associative), like `mergeUpdates`.
 */
const u = (...ops: number[]): Uint8Array => Uint8Array.from(ops);
const union = (updates: Uint8Array[]): Uint8Array =>
  Uint8Array.from([...new Set(updates.flatMap((x) => [...x]))].sort((a, b) => a - b));
const opsOf = (entries: { update: Uint8Array }[]): number[] =>
  [...new Set(entries.flatMap((e) => [...e.update]))].sort((a, b) => a - b);

async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('Outbox', () => {
  it('assigns increasing ids and removes entries on ack', () => {
    const box = new Outbox({ merge: union });
    const a = box.add(u(1));
    const b = box.add(u(2));
    expect(b.id).toBeGreaterThan(a.id);
    expect(box.size).toBe(2);
    expect(box.ack(a.id)).toBe(true);
    expect(box.ack(a.id)).toBe(false);
    expect(box.ack(999)).toBe(false);
    expect(box.pending().map((e) => e.id)).toEqual([b.id]);
    expect(box.pendingBytes).toBe(1);
  });

  it('hands out each unsent entry once, and again after the connection is lost', () => {
    const box = new Outbox({ merge: union, mergeMinEntries: 10 });
    box.add(u(1));
    box.add(u(2));
    expect(box.takeUnsent().map((e) => [...e.update])).toEqual([[1], [2]]);
    expect(box.takeUnsent()).toEqual([]);
    box.add(u(3));
    expect(box.takeUnsent().map((e) => [...e.update])).toEqual([[3]]);
    box.markAllUnsent();
    expect(box.takeUnsent().map((e) => [...e.update])).toEqual([[1], [2], [3]]);
  });

  it('addAhead sends an update in one entry with every unsent one, before them, after what is in flight', async () => {
    const box = new Outbox({ merge: union, mergeMinEntries: 10 });
    const a = box.add(u(1));
    box.takeUnsent(); // 1 in flight
    box.add(u(2));
    box.add(u(3));
    const waitAll = box.whenAcknowledged();
    const ahead = box.addAhead(u(9));
    expect(box.pending().map((e) => [...e.update])).toEqual([[1], [2, 3, 9]]);
    expect(box.takeUnsent().map((e) => e.id)).toEqual([ahead.id]);
    // Its acknowledgement covers the writes it absorbed.
    box.ack(ahead.id);
    expect(await settled(waitAll)).toBe(false); // 1 still in flight
    box.ack(a.id);
    expect(await settled(waitAll)).toBe(true);
    // With nothing unsent it is an ordinary entry.
    const alone = box.addAhead(u(4));
    expect(box.pending().map((e) => e.id)).toEqual([alone.id]);
  });

  it('resends only what was not acknowledged', () => {
    const box = new Outbox({ merge: union, mergeMinEntries: 10 });
    const entries = [1, 2, 3, 4].map((n) => box.add(u(n)));
    box.takeUnsent();
    box.ack(entries[1]!.id);
    box.ack(entries[3]!.id);
    box.markAllUnsent();
    expect(opsOf(box.takeUnsent())).toEqual([1, 3]);
  });

  it('merges long unsent runs into batches bounded by maxBatchBytes, keeping every op', () => {
    const box = new Outbox({ merge: union, mergeMinEntries: 2, maxBatchBytes: 4 });
    for (let n = 0; n < 10; n++) box.add(u(n));
    const sent = box.takeUnsent();
    expect(sent.length).toBe(3); // 4 + 4 + 2 ops
    expect(sent.map((e) => e.update.length)).toEqual([4, 4, 2]);
    expect(opsOf(sent)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sent.map((e) => [e.firstSeq, e.lastSeq])).toEqual([
      [1, 4],
      [5, 8],
      [9, 10],
    ]);
  });

  it('never merges entries already in flight (their acks must still match)', () => {
    const box = new Outbox({ merge: union, mergeMinEntries: 2 });
    const a = box.add(u(1));
    const b = box.add(u(2));
    // Under mergeMinEntries? No: two entries merge into one before the first send.
    const first = box.takeUnsent();
    expect(first.length).toBe(1);
    expect(first[0]!.id).not.toBe(a.id);
    expect(first[0]!.id).not.toBe(b.id);
    box.add(u(3));
    box.add(u(4));
    const second = box.takeUnsent();
    expect(second.length).toBe(1);
    expect(box.ack(first[0]!.id)).toBe(true);
    expect(opsOf(box.pending())).toEqual([3, 4]);
  });

  it('splits an entry over maxUpdateBytes into parts that all must be acked', async () => {
    const halves = (x: Uint8Array, max: number): Uint8Array[] => {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < x.length; i += max) parts.push(x.slice(i, i + max));
      return parts;
    };
    const box = new Outbox({ merge: union, split: halves, maxUpdateBytes: 4 });
    const small = box.add(u(1, 2));
    box.add(u(10, 11, 12, 13, 14, 15, 16, 17, 18, 19));
    const done = box.whenAcknowledged();
    const sent = box.takeUnsent();
    expect(sent.map((e) => e.update.length)).toEqual([2, 4, 4, 2]);
    expect(sent.every((e) => e.update.length <= 4)).toBe(true);
    expect(opsOf(sent)).toEqual([1, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(sent[0]?.id).toBe(small.id);
    expect(new Set(sent.map((e) => e.id)).size).toBe(4);
    for (const e of sent.slice(0, 3)) box.ack(e.id);
    expect(await settled(done)).toBe(false);
    box.ack((sent[3] as { id: number }).id);
    expect(await settled(done)).toBe(true);
  });

  it('sends an entry whole when it cannot be split', () => {
    const box = new Outbox({
      merge: union,
      split: () => {
        throw new Error('one value over the limit');
      },
      maxUpdateBytes: 2,
    });
    box.add(u(1, 2, 3));
    expect(box.takeUnsent().map((e) => e.update.length)).toEqual([3]);
  });

  it('compacts by itself while offline once compactEvery entries pile up', () => {
    const merges: number[] = [];
    const box = new Outbox({
      merge: (xs) => {
        merges.push(xs.length);
        return union(xs);
      },
      compactEvery: 100,
      maxBatchBytes: 1 << 20,
    });
    for (let n = 0; n < 250; n++) box.add(u(n % 256));
    expect(merges).toEqual([100, 101]);
    expect(box.size).toBe(1 + 50);
    expect(opsOf(box.pending()).length).toBe(250);
  });

  it('whenAcknowledged resolves once everything added so far is acked, ignoring later adds', async () => {
    const box = new Outbox({ merge: union });
    expect(await settled(box.whenAcknowledged())).toBe(true);
    const a = box.add(u(1));
    const b = box.add(u(2));
    const p = box.whenAcknowledged();
    const c = box.add(u(3));
    box.ack(b.id);
    expect(await settled(p)).toBe(false);
    box.ack(a.id);
    expect(await settled(p)).toBe(true);
    const q = box.whenAcknowledged();
    expect(await settled(q)).toBe(false);
    box.ack(c.id);
    expect(await settled(q)).toBe(true);
  });

  it('whenAcknowledged follows entries through a merge', async () => {
    const box = new Outbox({ merge: union, mergeMinEntries: 2 });
    box.add(u(1));
    box.add(u(2));
    const p = box.whenAcknowledged();
    box.markAllUnsent();
    const [merged] = box.takeUnsent();
    expect(await settled(p)).toBe(false);
    box.ack(merged!.id);
    expect(await settled(p)).toBe(true);
  });

  it('rejects bad size options', () => {
    expect(() => new Outbox({ merge: union, maxBatchBytes: 0 })).toThrow(RangeError);
    expect(() => new Outbox({ merge: union, mergeMinEntries: 1.5 })).toThrow(RangeError);
  });

  it('property: under any interleaving of add, send, ack, disconnect, every op not acknowledged stays pending, and acked ops leave', () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant('add' as const) }),
      fc.record({ kind: fc.constant('send' as const) }),
      fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('drop' as const) }),
      fc.record({ kind: fc.constant('ahead' as const) }),
    );
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 120 }),
        fc.integer({ min: 2, max: 6 }),
        (actions, minMerge) => {
          const box = new Outbox({
            merge: union,
            mergeMinEntries: minMerge,
            maxBatchBytes: 8,
            compactEvery: 7,
          });
          let nextOp = 0;
          const acked = new Set<number>();
          let inFlight: { id: number; update: Uint8Array }[] = [];
          for (const a of actions) {
            if (a.kind === 'add') box.add(u(nextOp++ % 256));
            else if (a.kind === 'ahead') box.addAhead(u(nextOp++ % 256));
            else if (a.kind === 'send') inFlight.push(...box.takeUnsent());
            else if (a.kind === 'drop') {
              inFlight = [];
              box.markAllUnsent();
            } else if (inFlight.length > 0) {
              const [e] = inFlight.splice(a.pick % inFlight.length, 1);
              if (box.ack(e!.id)) for (const op of e!.update) acked.add(op);
            }
          }
          const pendingOps = new Set(opsOf(box.pending()));
          for (let op = 0; op < Math.min(nextOp, 256); op++) {
            if (!acked.has(op) && !pendingOps.has(op)) return false;
          }
          // Everything pending still goes out after a reconnect.
          box.markAllUnsent();
          return opsOf(box.takeUnsent()).join() === [...pendingOps].sort((x, y) => x - y).join();
        },
      ),
    );
  });
});

describe('Outbox refusals and teardown', () => {
  it('discard() drops a refused entry and rejects only the waiters that cover it', async () => {
    const box = new Outbox({ merge: union });
    const a = box.add(u(1));
    const early = box.whenAcknowledged();
    const b = box.add(u(2));
    const late = box.whenAcknowledged();
    const refused = new Error('refused');
    expect(box.discard(b.id, refused)).toBe(true);
    expect(box.discard(b.id, refused)).toBe(false);
    await expect(late).rejects.toBe(refused);
    expect(await settled(early)).toBe(false);
    box.ack(a.id);
    await expect(early).resolves.toBeUndefined();
  });

  it('replace() swaps the bytes of an unsent entry, or settles it; sent entries are left alone', async () => {
    const box = new Outbox({ merge: union });
    const a = box.add(u(1, 2, 3));
    const p = box.whenAcknowledged();
    expect(box.replace(a.id, u(3))).toBe(true);
    expect(box.pending().map((e) => [...e.update])).toEqual([[3]]);
    const [sent] = box.takeUnsent();
    expect(box.replace(sent!.id, u(9))).toBe(false);
    box.markAllUnsent();
    expect(box.replace(a.id, undefined)).toBe(true);
    await expect(p).resolves.toBeUndefined();
    expect(box.replace(12345, u(1))).toBe(false);
  });

  it('clear() drops everything and rejects every waiter', async () => {
    const box = new Outbox({ merge: union });
    box.add(u(1));
    const p = box.whenAcknowledged();
    const gone = new Error('destroyed');
    box.clear(gone);
    await expect(p).rejects.toBe(gone);
    expect(box.size).toBe(0);
  });
});
