/**
 * A relay sends a room's sessions an update only when the room's document did not hold all of it
 * already: a client's resend is replicated and acknowledged again but not relayed again, a peer's
 * update taken in twice (a forward and a fill, say) is relayed once, and an update only partly
 * new is relayed whole. Real sockets, real `@accord/core` documents. "Not relayed" is read from
 * the order of one socket's frames: an update sent after the duplicate arrives, and nothing
 * arrived between.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, mergeUpdates } from '@accord/core';
import type { ServerMessage } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import type { RelayNode } from '../../src/node.js';
import { author, coreRelay, received, same } from '../support/core-relay.js';
import type { TestClient } from '../support/protocol-client.js';

const { node, join } = coreRelay();

const updatesOf = (c: TestClient) =>
  c.messages.filter((m): m is Extract<ServerMessage, { type: 'update' }> => m.type === 'update');

async function duplicates(n: RelayNode, source: 'client' | 'peer'): Promise<number> {
  const v = (await n.metrics.duplicateUpdates.get()).values.find((x) => x.labels.source === source);
  return v?.value ?? 0;
}

describe('a client update the room already holds', () => {
  it('is acknowledged each time it is sent, and delivered to the others once', async () => {
    const n = await node();
    const sender = await join(n, 'd');
    const other = await join(n, 'd');
    const a = author(1);
    const first = a.type('hello');
    await sender.ack(sender.update(first));
    // The outbox resends it after a reconnect: still replicated and acknowledged.
    await sender.ack(sender.update(first));
    await sender.ack(sender.update(first));
    const next = a.type(' world');
    await sender.ack(sender.update(next));
    await received(other, next);
    expect(updatesOf(other).map((m) => m.update)).toEqual([first, next]);
    expect(sender.all('ack')).toHaveLength(4);
    expect(await duplicates(n, 'client')).toBe(2);
  });

  it('is delivered whole when only part of it is new', async () => {
    const n = await node();
    const sender = await join(n, 'd');
    const other = await join(n, 'd');
    const a = author(1);
    const first = a.type('abc');
    await sender.ack(sender.update(first));
    const second = a.type('def');
    const both = mergeUpdates([first, second]);
    await sender.ack(sender.update(both));
    await received(other, both);
    const copy = new Doc();
    for (const m of updatesOf(other)) applyUpdate(copy, m.update);
    expect(copy.getText('t').toString()).toBe('abcdef');
    expect(updatesOf(other)).toHaveLength(2);
    expect(await duplicates(n, 'client')).toBe(0);
  });
});

describe('a client update that deletes, and adds no struct', () => {
  it('is new (it advances no clock) and delivered, once', async () => {
    const n = await node();
    const sender = await join(n, 'd');
    const other = await join(n, 'd');
    const a = author(1);
    const typed = a.type('abc');
    await sender.ack(sender.update(typed));
    a.doc.getText('t').delete(1, 1);
    const erased = encodeStateAsUpdate(a.doc, encodeStateVector(a.doc)); // the deletions alone
    await sender.ack(sender.update(erased));
    await sender.ack(sender.update(erased));
    const marker = a.type('!');
    await sender.ack(sender.update(marker));
    await received(other, marker);
    expect(updatesOf(other).map((m) => m.update)).toEqual([typed, erased, marker]);
    const copy = new Doc();
    for (const m of updatesOf(other)) applyUpdate(copy, m.update);
    expect(copy.getText('t').toString()).toBe('ac!');
  });
});

describe('a peer update the room already holds', () => {
  it('taken in twice (ingest, then ingestNow as a fill does), is relayed once', async () => {
    const n = await node();
    const watcher = await join(n, 'd');
    const a = author(2);
    const first = a.type('forwarded');
    await n.relay.ingest('d', first);
    await n.relay.ingest('d', first);
    await n.relay.ingestNow('d', first);
    // A fill with everything the peer holds: nothing new either.
    await n.relay.ingestNow('d', encodeStateAsUpdate(a.doc));
    const next = a.type('!');
    await n.relay.ingest('d', next);
    await received(watcher, next);
    expect(updatesOf(watcher).map((m) => m.update)).toEqual([first, next]);
    expect(await duplicates(n, 'peer')).toBe(3);
  });

  it('is relayed whole when only part of it is new, and then reaches the clients', async () => {
    const n = await node();
    const watcher = await join(n, 'd');
    const a = author(2);
    const first = a.type('x');
    await n.relay.ingest('d', first);
    a.type('y');
    const fill = encodeStateAsUpdate(a.doc);
    await n.relay.ingestNow('d', fill);
    await received(watcher, fill);
    const copy = new Doc();
    for (const m of updatesOf(watcher)) applyUpdate(copy, m.update);
    expect(copy.getText('t').toString()).toBe('xy');
    expect(await duplicates(n, 'peer')).toBe(0);
  });

  it('held for a missing dependency is relayed when first held, not when held again', async () => {
    const n = await node();
    const watcher = await join(n, 'd');
    const a = author(3);
    const first = a.type('1');
    const second = a.type('2');
    await n.relay.ingest('d', second); // waits for `first`
    await n.relay.ingest('d', second);
    await n.relay.ingest('d', first);
    // `first` releases `second`; the watcher joined before the hold and has `second` already, so
    // `first` comes as sent (held-release.test.ts has the late joiners).
    await watcher.next('update', (m) => !same(m.update, second));
    const frames = updatesOf(watcher).map((m) => m.update);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toEqual(second);
    const copy = new Doc();
    for (const u of frames) applyUpdate(copy, u);
    expect(copy.getText('t').toString()).toBe('12');
    expect(await duplicates(n, 'peer')).toBe(1);
  });

  it('deleting ids not received yet is relayed when first held, not when held again', async () => {
    const n = await node();
    const watcher = await join(n, 'd');
    const a = author(4);
    const typed = a.type('abc');
    const erased = a.erase(1, 1); // waits for `typed`
    await n.relay.ingest('d', erased);
    await n.relay.ingest('d', erased);
    await n.relay.ingest('d', erased);
    await n.relay.ingest('d', typed);
    await received(watcher, typed);
    const frames = updatesOf(watcher).map((m) => m.update);
    expect(frames).toEqual([erased, typed]);
    const copy = new Doc();
    for (const u of frames) applyUpdate(copy, u);
    expect(copy.getText('t').toString()).toBe('ac');
    expect(await duplicates(n, 'peer')).toBe(2);
  });
});
