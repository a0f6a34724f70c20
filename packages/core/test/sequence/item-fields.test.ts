import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, type Text } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { Item, NO_CLIENT } from '../../src/sequence/item.js';
import type { Sequence } from '../../src/sequence/sequence.js';
import { makeDoc } from '../sync/helpers.js';

/** The sequence behind a text (internal). */
function seqOf(text: Text): Sequence {
  return (text as unknown as { seq: Sequence }).seq;
}

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

describe('Item fields', () => {
  it('keeps client indexes that fit ten bits and those that do not, through changes and splits', () => {
    for (const [client, ol, or] of [
      [0, NO_CLIENT, NO_CLIENT],
      [1023, 1022, 1022],
      [1023, 1023, 0],
      [1024, 5, NO_CLIENT],
      [7, 4000, 1022],
      [7, NO_CLIENT, 70000],
      // The largest indexes packed into one number, and the first ones that are not.
      [131071, 131070, 131070],
      [131072, 0, NO_CLIENT],
      [5, 131071, NO_CLIENT],
      [5, NO_CLIENT, 2 ** 40],
    ] as const) {
      const it = new Item(client, 10, 4, ol, 3, or, 9, 'abcd');
      expect([it.client, it.olClient, it.orClient]).toEqual([client, ol, or]);
      expect([it.clock, it.len, it.olClock, it.orClock, it.deleted, it.units]).toEqual([
        10,
        4,
        3,
        9,
        false,
        'abcd',
      ]);
      const tail = it.splitAt(1);
      expect([tail.client, tail.olClient, tail.olClock, tail.orClient, tail.orClock]).toEqual([
        client,
        client,
        10,
        or,
        9,
      ]);
      expect([it.len, tail.len, it.units, tail.units]).toEqual([1, 3, 'a', 'bcd']);
      // Going wide and back: the other two indexes survive each change.
      it.orClient = 5000;
      expect([it.client, it.olClient, it.orClient]).toEqual([client, ol, 5000]);
      it.orClient = 2;
      expect([it.client, it.olClient, it.orClient]).toEqual([client, ol, 2]);
      it.olClient = NO_CLIENT;
      it.client = 3;
      expect([it.client, it.olClient, it.orClient]).toEqual([3, NO_CLIENT, 2]);
    }
  });

  it('keeps a deleted run as its length alone, and splits it', () => {
    const it = new Item(2, 0, 5, NO_CLIENT, 0, NO_CLIENT, 0, null);
    expect([it.deleted, it.len, it.units, it.content]).toEqual([true, 5, null, 5]);
    const tail = it.splitAt(2);
    expect([it.len, tail.len, tail.deleted, tail.clock, tail.olClock]).toEqual([2, 3, true, 2, 1]);
    const live = new Item(2, 0, 3, NO_CLIENT, 0, NO_CLIENT, 0, ['x', 'y', 'z']);
    live.kill();
    expect([live.deleted, live.len, live.units]).toEqual([true, 3, null]);
  });

  it('converges bit for bit in a document that heard from more than a thousand replicas', {
    timeout: 30_000,
  }, () => {
    const next = rng(0x1d5);
    const hub = makeDoc(1);
    hub.getText('t').insert(0, 'seed text');
    const updates: Uint8Array[] = [encodeStateAsUpdate(hub)];
    // 1,100 replicas type one run each at the start of the empty text, concurrently (their runs
    // are ordered by replica id), then 40 more edit the merged text (origins in wide items).
    for (let w = 0; w < 1140; w++) {
      const doc = new Doc({ clientId: 100 + ((w * 7919) % 100_003) });
      if (w >= 1100) applyUpdate(doc, encodeStateAsUpdate(hub));
      const t = doc.getText('t');
      const at = Math.floor(next() * (t.length + 1));
      t.insert(at, w % 3 === 0 ? `<${w}>` : String.fromCharCode(97 + (w % 26)));
      if (w >= 1100) t.delete(Math.floor(next() * (t.length - 2)), 2);
      const u = encodeStateAsUpdate(doc, encodeStateVector(hub));
      applyUpdate(hub, u);
      updates.push(u);
    }
    // Some items of the hub carry client indexes beyond ten bits (the wide form).
    let wide = 0;
    seqOf(hub.getText('t')).index.forEach((it) => {
      if (it.client > 1023 || it.olClient > 1022 || it.orClient > 1022) wide++;
    });
    expect(wide).toBeGreaterThan(30);

    // Incremental delivery, and a load of the whole state, give the same document.
    const inc = makeDoc(2);
    for (const u of updates) applyUpdate(inc, u);
    const loaded = makeDoc(3);
    applyUpdate(loaded, encodeStateAsUpdate(hub));
    const text = hub.getText('t').toString();
    expect(inc.getText('t').toString()).toBe(text);
    expect(loaded.getText('t').toString()).toBe(text);
    const bytes = encodeStateAsUpdate(hub);
    expect(encodeStateAsUpdate(inc)).toEqual(bytes);
    expect(encodeStateAsUpdate(loaded)).toEqual(bytes);
    // Late writers still edit the loaded copy, and the hub agrees.
    loaded.getText('t').insert(3, 'late');
    loaded.getText('t').delete(0, 2);
    applyUpdate(hub, encodeStateAsUpdate(loaded, encodeStateVector(hub)));
    expect(hub.getText('t').toString()).toBe(loaded.getText('t').toString());
    expect(encodeStateAsUpdate(hub)).toEqual(encodeStateAsUpdate(loaded));
  });

  it('treats a container held by a deleted list run as dead when a concurrent edit names it', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const list = a.getList('l');
    list.push(1);
    list.insertText(1).insert(0, 'nested');
    list.push(3);
    applyUpdate(b, encodeStateAsUpdate(a));
    // Concurrently: a deletes the run holding the text, b edits the text.
    a.getList('l').delete(0, 3);
    const inner = b.getList('l').get(1) as Text;
    inner.insert(6, '!');
    const fromA = encodeStateAsUpdate(a, encodeStateVector(b));
    const fromB = encodeStateAsUpdate(b, encodeStateVector(a));
    applyUpdate(a, fromB);
    applyUpdate(b, fromA);
    expect(a.getList('l').toArray()).toEqual([]);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(encodeStateAsUpdate(b)).toEqual(encodeStateAsUpdate(a));
    // A fresh replica loading either state agrees too.
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(a));
    expect(encodeStateAsUpdate(c)).toEqual(encodeStateAsUpdate(a));
  });
});
