/**
 * The held set (structs waiting for missing dependencies, deletions of ids not received): bounded
 * by count and bytes, refused atomically, and indexed so that an update looks only at what it
 * unblocks.
 */
import {
  AccordError,
  applyUpdate,
  DecodeError,
  Doc,
  encodeStateAsUpdate,
  encodeStateVector,
} from '@accord/core';
import { decodeUpdate, encodeUpdate, type UpdateRecord } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';
import { FAR, farDeletes, hostileRecord, run } from './hostile.js';

/** Everything a refused update must leave as it was. */
function snapshotOf(doc: Doc) {
  return {
    content: encodeStateAsUpdate(doc),
    stateVector: encodeStateVector(doc),
    pendingCount: doc.pendingCount,
    pendingBytes: doc.pendingBytes,
    pending: doc.pending.map((r) => JSON.stringify(r)).sort(),
    heldDeletes: doc.pendingDeletes.size,
  };
}

function expectTooLarge(doc: Doc, bytes: Uint8Array): void {
  const before = snapshotOf(doc);
  expect(() => applyUpdate(doc, bytes)).toThrow(expect.objectContaining({ code: 'too-large' }));
  expect(snapshotOf(doc)).toEqual(before);
}

function update(records: UpdateRecord[], deletes = new Map<number, number[]>()): Uint8Array {
  return encodeUpdate({ records, deletes });
}

/** Count the held entries the document's indexes hand out while `fn` runs. */
function countTaken(doc: Doc, fn: () => void): number {
  let taken = 0;
  const restore: (() => void)[] = [];
  for (const index of [doc.pendingStructs, doc.pendingDeletes] as const) {
    const original = index.takeBelow.bind(index);
    index.takeBelow = (client: number, state: number, cb: (e: never) => void) =>
      original(client, state, (e) => {
        taken++;
        cb(e as never);
      });
    restore.push(() => {
      index.takeBelow = original;
    });
  }
  try {
    fn();
  } finally {
    for (const r of restore) r();
  }
  return taken;
}

describe('held structs and deletions', () => {
  it('an honest update into a full held set looks at none of the held entries', () => {
    const author = makeDoc(1);
    const log: Uint8Array[] = [];
    author.on('update', (u) => log.push(u));
    author.getText('t').insert(0, 'hello world');
    const relay = new Doc({ clientId: 2, maxPending: 1500 });
    applyUpdate(relay, log[0] as Uint8Array);
    const kinds = ['gap', 'origin', 'parent'] as const;
    const records = Array.from({ length: 1500 }, (_, i) => hostileRecord(kinds[i % 3] ?? 'gap', i, 1));
    applyUpdate(relay, update(records.slice(0, 750)));
    applyUpdate(relay, update(records.slice(750), farDeletes(1, 1500)));
    expect(relay.pendingCount).toBe(1500);
    expect(relay.pendingDeletes.size).toBe(1500);
    expectTooLarge(relay, update([hostileRecord('gap', 5000, 1)]));
    expectTooLarge(relay, update([], farDeletes(1, 1, 5000)));
    const taken = countTaken(relay, () => {
      for (let i = 0; i < 20; i++) {
        author.getText('t').insert(5, '!');
        applyUpdate(relay, log[log.length - 1] as Uint8Array);
      }
    });
    expect(taken).toBe(0);
    expect(relay.getText('t').toString()).toBe(author.getText('t').toString());
    expect(relay.pendingCount).toBe(1500);
  });

  it('an update applied again while its structs wait does not hold them twice', () => {
    const author = makeDoc(1);
    const log: Uint8Array[] = [];
    author.on('update', (u) => log.push(u));
    author.getText('t').insert(0, 'ab');
    author.getText('t').insert(2, 'cd');
    author.getMap('m').set('k', 1);
    const doc = new Doc({ clientId: 2, maxPending: 2 });
    const late = encodeUpdate({
      records: [...decodeUpdate(log[1] as Uint8Array).records, ...decodeUpdate(log[2] as Uint8Array).records],
      deletes: new Map(),
    });
    for (let i = 0; i < 5; i++) applyUpdate(doc, late);
    for (let i = 0; i < 5; i++) applyUpdate(doc, log[1] as Uint8Array);
    expect(doc.pendingCount).toBe(2);
    applyUpdate(doc, log[0] as Uint8Array);
    expect(doc.pendingCount).toBe(0);
    expect(doc.toJSON()).toEqual(author.toJSON());
  });

  it('refuses to hold more estimated bytes than maxPendingBytes, and changes nothing', () => {
    const doc = new Doc({ clientId: 2, maxPendingBytes: 4096 });
    const long = { ...run(9, 1), len: 1000, content: 'x'.repeat(1000) };
    applyUpdate(doc, update([long]));
    expect(doc.pendingBytes).toBeGreaterThanOrEqual(2000);
    expectTooLarge(doc, update([{ ...run(10, 1), len: 1000, content: 'y'.repeat(1000) }]));
    expect(doc.pendingCount).toBe(1);
    // Delivering what the held run waits for frees its bytes.
    applyUpdate(doc, update([run(9, 0)]));
    expect(doc.pendingBytes).toBe(0);
    expect(doc.getText('t').toString()).toBe(`z${'x'.repeat(1000)}`);
  });

  it('releases a chain of held runs in one update, whatever their number', () => {
    const doc = makeDoc(2);
    const chain = Array.from({ length: 3000 }, (_, i) => run(9, i + 1, [9, i]));
    applyUpdate(doc, update(chain.reverse()));
    expect(doc.pendingCount).toBe(3000);
    applyUpdate(doc, update([run(9, 0)]));
    expect(doc.pendingCount).toBe(0);
    expect(doc.getText('t').length).toBe(3001);
  });

  it('a refused update that unblocked held structs and deletions puts them back', () => {
    const doc = new Doc({ clientId: 2, maxPending: 40 });
    const chain = Array.from({ length: 20 }, (_, i) => run(9, i + 1, [9, i]));
    applyUpdate(doc, update(chain, new Map([[9, [3, 2, 30, 1]]])));
    expect([doc.pendingCount, doc.pendingDeletes.size]).toEqual([20, 2]);
    const before = snapshotOf(doc);
    // Clock 0 unblocks the chain and the deletions; the update is then refused for a record of
    // its own (an origin in another container), and again for holding too much.
    const invalid = {
      ...run(10, 0, [9, 5]),
      parent: { name: 'l', kind: 'list' as const, client: -1, clock: 0 },
    };
    expect(() => applyUpdate(doc, update([run(9, 0), { ...invalid, content: [1] }]))).toThrow(
      expect.objectContaining({ code: 'invalid' }),
    );
    expect(snapshotOf(doc)).toEqual(before);
    const tooMany = Array.from({ length: 41 }, (_, i) => run(100 + i, 1));
    expectTooLarge(doc, update([run(9, 0), ...tooMany]));
    applyUpdate(doc, update([run(9, 0)]));
    expect([doc.pendingCount, doc.pendingDeletes.size]).toEqual([0, 1]);
    expect(doc.getText('t').length).toBe(21 - 2);
  });

  it('drops held structs that prove invalid when unblocked, and integrates the rest', () => {
    const author = makeDoc(1);
    const log: Uint8Array[] = [];
    author.on('update', (u) => log.push(u));
    for (let i = 0; i < 5; i++) author.getText('t').insert(i, `${i}`);
    const doc = makeDoc(2);
    applyUpdate(doc, log[0] as Uint8Array);
    const bad = Array.from({ length: 400 }, (_, i) => hostileRecord('invalid', i, 1, 3));
    const good = run(77, 0, [1, 4]);
    applyUpdate(doc, update([...bad, good]));
    expect(doc.pendingCount).toBe(401);
    for (const u of log.slice(1)) applyUpdate(doc, u);
    expect(doc.pendingCount).toBe(0);
    expect(doc.getText('t').toString()).toBe('01234z');
    // Arriving once their dependency is known, the same structs are refused outright.
    expect(() => applyUpdate(doc, update(bad.slice(0, 1)))).toThrow(DecodeError);
  });

  it('holds deletions of ids not received until they arrive', () => {
    const author = makeDoc(1);
    const log: Uint8Array[] = [];
    author.on('update', (u) => log.push(u));
    author.getText('t').insert(0, 'abcdef');
    author.getText('t').delete(1, 2);
    const doc = makeDoc(2);
    applyUpdate(doc, log[1] as Uint8Array);
    expect(doc.pendingDeletes.size).toBe(1);
    applyUpdate(doc, update([], farDeletes(1, 3)));
    expect(doc.pendingDeletes.size).toBe(4);
    applyUpdate(doc, log[0] as Uint8Array);
    expect(doc.getText('t').toString()).toBe('adef');
    expect(doc.pendingDeletes.size).toBe(3);
    expect(FAR).toBeGreaterThan(author.nextClock);
  });

  it('a deletion applied again while its ids are missing is held once, and cannot fill the held set', () => {
    const doc = new Doc({ clientId: 2, maxPending: 3 });
    const twice = update([], farDeletes(1, 2));
    applyUpdate(doc, twice);
    const changes = doc.changeCount;
    for (let i = 0; i < 10; i++) applyUpdate(doc, twice);
    expect(doc.pendingDeleteCount).toBe(2);
    expect(doc.changeCount).toBe(changes);
    // Room is left for one more range, and only one.
    applyUpdate(doc, update([], farDeletes(1, 1, 5)));
    expect(doc.pendingDeleteCount).toBe(3);
    expectTooLarge(doc, update([], farDeletes(1, 1, 6)));
    // A longer range from the same clock is held besides the shorter one.
    const longer = new Map([[1, [FAR, 5]]]);
    expectTooLarge(doc, update([], longer));
  });

  it('refuses limits that are not non-negative safe integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Doc({ maxPending: bad })).toThrow(AccordError);
      expect(() => new Doc({ maxPendingBytes: bad })).toThrow(AccordError);
    }
    const none = new Doc({ clientId: 3, maxPending: 0 });
    expectTooLarge(none, update([run(9, 1)]));
  });
});
