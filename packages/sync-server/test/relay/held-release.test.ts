/**
 * What a room's document holds for a missing dependency reaches a session that joined while it
 * was held: the join's diff leaves held structs and deletions out, so when a later update releases
 * them the relay sends the room what the release added, not just that update. Real sockets, real
 * `@accord/core` documents; each session's document is rebuilt from its `sync` and `update`
 * frames and compared with one that was in the room all along (text and state vector).
 */
import { applyUpdate, Doc, encodeStateVector, mergeUpdates } from '@accord/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { CoreRoomDocument, coreEngine } from '../../src/relay/core-engine.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs } from '../support/tmp.js';

const nodes: RelayNode[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const n of nodes.splice(0)) await n.close();
  removeTempDirs();
});

const EMPTY_SV = encodeStateVector(new Doc());

async function node(): Promise<RelayNode> {
  const n = await startNode([], { engine: coreEngine });
  nodes.push(n);
  return n;
}

async function join(n: RelayNode): Promise<TestClient> {
  const token = await mintToken(SECRET, { docId: 'd', scope: 'write' });
  const c = await TestClient.join(urlOf(n), 'd', token, EMPTY_SV);
  clients.push(c);
  return c;
}

/** An author whose every transaction's update is returned. */
function author(clientId: number) {
  const doc = new Doc({ clientId });
  let last: Uint8Array | null = null;
  doc.on('update', (u) => {
    last = u;
  });
  const take = (): Uint8Array => {
    if (last === null) throw new Error('no update');
    const u = last;
    last = null;
    return u;
  };
  return {
    doc,
    /** Type `s` at the end of text `t`; returns the update. */
    type(s: string): Uint8Array {
      doc.getText('t').insert(doc.getText('t').length, s);
      return take();
    },
    /** Delete `len` units of text `t` from `index`; returns the update (a delete set alone). */
    erase(index: number, len: number): Uint8Array {
      doc.getText('t').delete(index, len);
      return take();
    },
  };
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Wait until `c` received `update` (relayed as sent: nothing was released by it). */
const received = (c: TestClient, update: Uint8Array) => c.next('update', (m) => same(m.update, update));

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
 * depend on nothing the room lacks). Once a session has one, it has every frame sent before it.
 */
function markers() {
  const m = author(99);
  return () => m.type('.');
}

describe('a session that joined while the room held a struct', () => {
  it('gets the struct when a client update releases it', async () => {
    const n = await node();
    const writer = await join(n);
    const early = await join(n);
    const a = author(1);
    const d = a.type('ab');
    const p = a.type('cd'); // waits for `d`
    await writer.ack(writer.update(p));
    await received(early, p);
    const late = await join(n);
    await writer.ack(writer.update(d));
    const mark = markers()();
    await writer.ack(writer.update(mark));
    await Promise.all([received(early, mark), received(late, mark)]);
    expect(expectSameDocument(late, early)).toBe('abcd');
  });

  it('gets the struct when its own update releases it (the relay sends the release to the sender too)', async () => {
    const n = await node();
    const writer = await join(n);
    const early = await join(n);
    const a = author(7);
    const d = a.type('ab');
    const p = a.type('cd');
    await writer.ack(writer.update(p));
    const late = await join(n);
    await late.ack(late.update(d));
    // The sender receives the release (its own update with what it released), the others too.
    const [back] = await Promise.all([late.next('update'), writer.next('update')]);
    expect(same(back.update, d)).toBe(false);
    const mark = markers()();
    await writer.ack(writer.update(mark));
    await Promise.all([received(early, mark), received(late, mark)]);
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
    const mark = markers()();
    await n.relay.ingest('d', mark);
    await Promise.all([received(early, mark), received(late, mark)]);
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
    const m1 = mark();
    await writer.ack(writer.update(m1));
    await Promise.all([received(early, m1), received(late, m1)]);
    expect(expectSameDocument(late, early)).toBe('12');
    await writer.ack(writer.update(x));
    const m2 = mark();
    await writer.ack(writer.update(m2));
    await Promise.all([received(early, m2), received(late, m2)]);
    expect([...expectSameDocument(late, early)].sort().join('')).toBe('12xy');
  });
});

describe('a room whose sessions all joined before it held anything', () => {
  it('relays an update that releases a held struct as it came (every session got the struct when it arrived)', async () => {
    const n = await node();
    const writer = await join(n);
    const early = await join(n);
    const a = author(1);
    const d = a.type('ab');
    const p = a.type('cd'); // waits for `d`
    await writer.ack(writer.update(p));
    await received(early, p);
    await writer.ack(writer.update(d));
    const mark = markers()();
    await writer.ack(writer.update(mark));
    await received(early, mark);
    // `d` reached the other session byte for byte (no merged frame), and the sender got neither.
    expect(early.messages.filter((m) => m.type === 'update' && same(m.update, d))).toHaveLength(1);
    expect(writer.messages.filter((m) => m.type === 'update' && !same(m.update, mark))).toHaveLength(0);
    expect(docOf(early).getText('t').toString().replaceAll('.', '')).toBe('abcd');
  });

  it('relays releases with what they release again after a late join, until the room holds nothing', async () => {
    const n = await node();
    const writer = await join(n);
    const early = await join(n);
    const a = author(1);
    const d = a.type('ab');
    const p = a.type('cd'); // waits for `d`
    await writer.ack(writer.update(p));
    await received(early, p);
    const late = await join(n); // joins while `p` is held
    await writer.ack(writer.update(d));
    const mark = markers();
    const m1 = mark();
    await writer.ack(writer.update(m1));
    await Promise.all([received(early, m1), received(late, m1)]);
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
    const mark = markers()();
    await writer.ack(writer.update(mark));
    await Promise.all([received(early, mark), received(late, mark)]);
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
    const m1 = mark();
    await n.relay.ingest('d', m1);
    await Promise.all([received(early, m1), received(late, m1)]);
    expect(expectSameDocument(late, early)).toBe('abc');
    await n.relay.ingest('d', second);
    const m2 = mark();
    await n.relay.ingest('d', m2);
    await Promise.all([received(early, m2), received(late, m2)]);
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
