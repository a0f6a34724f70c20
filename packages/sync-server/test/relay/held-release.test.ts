/**
 * What a room's document holds for a missing dependency reaches a session that joined while it
 * was held: the join's diff leaves held structs and deletions out, so when a later update releases
 * them the relay sends the room what the release added, not just that update. Real sockets, real
 * `@accord/core` documents; each session's document is rebuilt from its `sync` and `update`
 * frames and compared with one that was in the room all along (text and state vector).
 */
import { applyUpdate, Doc, encodeStateVector, mergeUpdates } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { CoreRoomDocument } from '../../src/relay/core-engine.js';
import { author, coreRelay, received, same } from '../support/core-relay.js';
import type { TestClient } from '../support/protocol-client.js';

const { node, join } = coreRelay();

/** The document a session holds: its `sync`, then every `update` frame in order. */
function docOf(c: TestClient): Doc {
  const doc = new Doc();
  for (const m of c.messages) if (m.type === 'sync' || m.type === 'update') applyUpdate(doc, m.update);
  return doc;
}

/**
 * `late` holds what `early` holds: the same text and state vector. Returns the text without the
 * markers (where they land among concurrent inserts at the start is the CRDT's business).
 */
function expectSameDocument(late: TestClient, early: TestClient): string {
  const a = docOf(late);
  const b = docOf(early);
  expect(a.getText('t').toString()).toBe(b.getText('t').toString());
  expect(encodeStateVector(a)).toEqual(encodeStateVector(b));
  return a.getText('t').toString().replaceAll('.', '');
}

/**
 * Markers: updates every session receives as sent (an author of their own, typing '.'; they
 * depend on nothing the room lacks). Each call sends the next one through `send` and waits until
 * every watcher has it: a session that has it has every frame sent before it. Returns it.
 */
function markers() {
  const m = author(99);
  return async (send: (u: Uint8Array) => Promise<unknown>, ...watchers: TestClient[]) => {
    const u = m.type('.');
    await send(u);
    await Promise.all(watchers.map((w) => received(w, u)));
    return u;
  };
}

/**
 * A node whose room holds `p`, typed after `d`, which the room has not received: `writer` sent
 * `p`, and `early`, which joined before, received it; `a` is their author.
 */
async function holdingOne() {
  const n = await node();
  const writer = await join(n);
  const early = await join(n);
  const a = author(1);
  const d = a.type('ab');
  const p = a.type('cd'); // waits for `d`
  await writer.ack(writer.update(p));
  await received(early, p);
  return { n, writer, early, a, d, p };
}

describe('a session that joined while the room held a struct', () => {
  it('gets the struct when a client update releases it', async () => {
    const { n, writer, early, d } = await holdingOne();
    const late = await join(n);
    await writer.ack(writer.update(d));
    await markers()((u) => writer.ack(writer.update(u)), early, late);
    expect(expectSameDocument(late, early)).toBe('abcd');
  });

  it('gets the struct when its own update releases it (the relay sends the release to the sender too)', async () => {
    const { n, writer, early, d } = await holdingOne();
    const late = await join(n);
    await late.ack(late.update(d));
    // The sender receives the release (its own update with what it released), the others too.
    const [back] = await Promise.all([late.next('update'), writer.next('update')]);
    expect(same(back.update, d)).toBe(false);
    await markers()((u) => writer.ack(writer.update(u)), early, late);
    expect(expectSameDocument(late, early)).toBe('abcd');
  });

  it('gets the struct when a peer update releases it', async () => {
    const n = await node();
    const early = await join(n);
    const a = author(2);
    const d = a.type('x');
    const p = a.type('y');
    await n.relay.ingest('d', p);
    await received(early, p);
    const late = await join(n);
    await n.relay.ingest('d', d);
    await markers()((u) => n.relay.ingest('d', u), early, late);
    expect(expectSameDocument(late, early)).toBe('xy');
  });

  it('gets it when the update releasing it is itself held in part (the held count stays the same)', async () => {
    const n = await node();
    const writer = await join(n);
    const early = await join(n);
    const a = author(3);
    const d = a.type('1');
    const p = a.type('2'); // waits for `d`
    const b = author(4);
    const x = b.type('x');
    const q = b.type('y'); // waits for `x`
    await writer.ack(writer.update(p));
    const late = await join(n);
    // Releases `p` and holds `q`: one struct held before and after.
    await writer.ack(writer.update(mergeUpdates([d, q])));
    const mark = markers();
    await mark((u) => writer.ack(writer.update(u)), early, late);
    expect(expectSameDocument(late, early)).toBe('12');
    await writer.ack(writer.update(x));
    await mark((u) => writer.ack(writer.update(u)), early, late);
    expect([...expectSameDocument(late, early)].sort().join('')).toBe('12xy');
  });
});

describe('a room whose sessions all joined before it held anything', () => {
  it('relays an update that releases a held struct as it came (every session got the struct when it arrived)', async () => {
    const { writer, early, d } = await holdingOne();
    await writer.ack(writer.update(d));
    const mark = await markers()((u) => writer.ack(writer.update(u)), early);
    // `d` reached the other session byte for byte (no merged frame), and the sender got neither.
    expect(early.messages.filter((m) => m.type === 'update' && same(m.update, d))).toHaveLength(1);
    expect(writer.messages.filter((m) => m.type === 'update' && !same(m.update, mark))).toHaveLength(0);
    expect(docOf(early).getText('t').toString().replaceAll('.', '')).toBe('abcd');
  });

  it('relays releases with what they release again after a late join, until the room holds nothing', async () => {
    const { n, writer, early, a, d } = await holdingOne();
    const late = await join(n); // joins while `p` is held
    await writer.ack(writer.update(d));
    await markers()((u) => writer.ack(writer.update(u)), early, late);
    expect(late.messages.some((m) => m.type === 'update' && same(m.update, d))).toBe(false);
    expect(expectSameDocument(late, early)).toBe('abcd');
    // Nothing held any more: the next release (no session joined meanwhile) comes as sent.
    const e = a.type('ef');
    const q = a.type('gh'); // waits for `e`
    await writer.ack(writer.update(q));
    await received(late, q);
    await writer.ack(writer.update(e));
    await received(late, e);
  });
});

describe('a session that joined while the room held a deletion', () => {
  it('gets the deletion when the deleted ids arrive', async () => {
    const n = await node();
    const writer = await join(n);
    const early = await join(n);
    const a = author(5);
    const typed = a.type('abc');
    const erased = a.erase(1, 1); // deletes ids not in the room yet
    await writer.ack(writer.update(erased));
    await received(early, erased);
    const late = await join(n);
    await writer.ack(writer.update(typed));
    await markers()((u) => writer.ack(writer.update(u)), early, late);
    expect(expectSameDocument(late, early)).toBe('ac');
  });

  it('gets each part of a held deletion as its ids arrive (the held count stays the same)', async () => {
    const n = await node();
    const early = await join(n);
    const a = author(6);
    const first = a.type('abcde');
    const second = a.type('fghij');
    const erased = a.erase(3, 4); // d e f g: ids of both updates
    await n.relay.ingest('d', erased);
    const late = await join(n);
    const mark = markers();
    // d and e are deleted now, f and g stay held.
    await n.relay.ingest('d', first);
    await mark((u) => n.relay.ingest('d', u), early, late);
    expect(expectSameDocument(late, early)).toBe('abc');
    await n.relay.ingest('d', second);
    await mark((u) => n.relay.ingest('d', u), early, late);
    expect(expectSameDocument(late, early)).toBe('abchij');
  });
});

describe('CoreRoomDocument.apply', () => {
  it('returns the update itself, or null for one held already; bytes of their own only on a release', () => {
    const room = new CoreRoomDocument();
    const a = author(8);
    const first = a.type('a');
    const second = a.type('b');
    const third = a.type('c');
    expect(room.apply(first)).toBe(first); // nothing held: no copy, no encoding
    expect(room.apply(first)).toBeNull();
    expect(room.apply(third)).toBe(third); // held: the room's sessions get it now
    expect(room.apply(third)).toBeNull();
    const b = author(9);
    const other = b.type('z');
    expect(room.apply(other)).toBe(other); // held something, released nothing
    const c = author(10);
    c.type('x');
    const orphan = c.type('y'); // waits for c's 'x', which never comes
    const releasing = mergeUpdates([second, orphan]);
    const released = room.apply(releasing);
    expect(released).not.toBeNull();
    expect(released).not.toBe(releasing);
    // A replica that has everything but what was held ends equal to the room from these bytes,
    // and holds what the room holds.
    const copy = new Doc();
    for (const u of [first, other, released as Uint8Array]) applyUpdate(copy, u);
    expect(copy.getText('t').toString()).toBe(room.doc.getText('t').toString());
    expect(room.doc.getText('t').toString().replace('z', '')).toBe('abc');
    expect(encodeStateVector(copy)).toEqual(encodeStateVector(room.doc));
    expect([room.doc.pendingCount, copy.pendingCount]).toEqual([1, 1]);
    expect(room.apply(releasing)).toBeNull();
  });
});
