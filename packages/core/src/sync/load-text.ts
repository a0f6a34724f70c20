/**
 * The fastest snapshot path, for the most common document shape: a snapshot holding exactly one
 * root text (and nothing else) loads into an empty document straight from the bytes into items,
 * without intermediate records. Everything is checked before the document is touched: the ids of
 * each replica tile `0 .. n-1`, every origin exists. Anything else, or anything unusual, returns
 * false and the caller takes the general snapshot path (which reports errors precisely).
 */

import { KIND_CODES } from '../doc/container.js';
import type { Doc } from '../doc/doc.js';
import type { Text } from '../doc/text.js';
import { Decoder } from '../encoding/decoder.js';
import { DecodeError } from '../errors.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { UPDATE_VERSION } from './codec.js';
import { C_DELETED, C_DELETED1, C_LIVE, MAX_CLOCK, readClock, readRef } from './group-codec.js';

/** Items by client index, sorted by clock; null unless they tile `0 .. n-1`. */
function tileItems(items: Item[], clients: number): Item[][] | null {
  const by: Item[][] = [];
  for (let c = 0; c < clients; c++) by.push([]);
  for (const it of items) (by[it.client] as Item[]).push(it);
  for (const l of by) {
    if (l.length < 2 ** 20 && l.every((it) => it.clock < 2 ** 32)) {
      const keys = new Float64Array(l.length);
      for (let k = 0; k < l.length; k++) keys[k] = (l[k] as Item).clock * 2 ** 20 + k;
      keys.sort();
      const sorted = l.slice();
      for (let k = 0; k < l.length; k++) l[k] = sorted[(keys[k] as number) % 2 ** 20] as Item;
    } else l.sort((a, b) => a.clock - b.clock);
    let next = 0;
    for (const it of l) {
      if (it.clock !== next) return null;
      next = it.clock + it.len;
    }
  }
  return by;
}

/** True when unit `clock` exists in the clock-sorted items `l`. */
function has(l: Item[] | undefined, clock: number): boolean {
  if (l === undefined || l.length === 0) return false;
  let lo = 0;
  let hi = l.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((l[mid] as Item).clock <= clock) lo = mid;
    else hi = mid - 1;
  }
  const it = l[lo] as Item;
  return clock >= it.clock && clock < it.clock + it.len;
}

/** True when the origins of item `i` exist (neighbours are checked without a search). */
function originsExist(items: Item[], by: Item[][], i: number): boolean {
  const it = items[i] as Item;
  if (it.olClient !== NO_CLIENT) {
    const p = items[i - 1];
    const implicit = p !== undefined && p.client === it.olClient && p.clock + p.len - 1 === it.olClock;
    if (!implicit && !has(by[it.olClient], it.olClock)) return false;
  }
  if (it.orClient !== NO_CLIENT) {
    const nx = items[i + 1];
    const implicit = nx !== undefined && nx.client === it.orClient && nx.clock === it.orClock;
    if (!implicit && !has(by[it.orClient], it.orClock)) return false;
  }
  return true;
}

interface Parsed {
  name: string;
  ids: number[];
  items: Item[];
  text: string;
}

/** Parse a one-text snapshot into items (client indexes: 0 = `ownId`, then table order). */
function parse(bytes: Uint8Array, ownId: number): Parsed | null {
  const dec = new Decoder(bytes);
  if (dec.readU8() !== UPDATE_VERSION || dec.readU8() !== 1) return null;
  const nClients = dec.readCount(1);
  const ids: number[] = [ownId];
  const toIndex: number[] = [];
  for (let i = 0; i < nClients; i++) {
    const id = dec.readVarUint();
    if (id === ownId) toIndex.push(0);
    else {
      if (ids.includes(id)) return null;
      toIndex.push(ids.length);
      ids.push(id);
    }
  }
  const client = (): number => {
    const c = toIndex[dec.readVarUint()];
    if (c === undefined) throw new DecodeError('invalid', 'client index out of range');
    return c;
  };
  if (dec.readVarUint() !== 1 || dec.readU8() !== 0 || dec.readU8() !== KIND_CODES.text) return null;
  const name = dec.readString();
  const n = dec.readCount(2);
  const items: Item[] = [];
  const orNext: number[] = [];
  let live = 0;
  let prev: Item | null = null;
  for (let i = 0; i < n; i++) {
    const info = dec.readU8();
    const content = info & 3;
    const idMode = (info >> 2) & 3;
    let len = 1;
    if (content === C_LIVE || content === C_DELETED) {
      len = dec.readVarUint();
      if (len < 1) return null; // raw UTF-16 runs: general path
    }
    let c: number;
    let clock: number;
    if (idMode === 2) {
      c = client();
      clock = readClock(dec);
    } else {
      if (prev === null) return null;
      c = prev.client;
      clock = idMode === 3 ? prev.clock - len : prev.clock + prev.len + (idMode === 1 ? dec.readVarInt() : 0);
    }
    if (clock < 0 || clock + len > MAX_CLOCK) return null;
    const olMode = (info >> 4) & 3;
    let olClient = NO_CLIENT;
    let olClock = 0;
    if (olMode === 0) {
      if (prev === null) return null;
      olClient = prev.client;
      olClock = prev.clock + prev.len - 1;
    } else if (olMode === 2) {
      if (clock === 0) return null;
      olClient = c;
      olClock = clock - 1;
    } else if (olMode === 3) [olClient, olClock] = readRef(dec, c, clock, client);
    const orMode = (info >> 6) & 3;
    let orClient = NO_CLIENT;
    let orClock = 0;
    if (orMode === 0) {
      if (i + 1 >= n) return null;
      orNext.push(i);
    } else if (orMode === 2) [orClient, orClock] = readRef(dec, c, clock, client);
    else if (orMode === 3) {
      if (prev === null) return null;
      orClient = prev.orClient;
      orClock = prev.orClock;
    }
    const deleted = content === C_DELETED || content === C_DELETED1;
    if (!deleted) live += len;
    const item = new Item(c, clock, len, olClient, olClock, orClient, orClock, deleted ? null : '', deleted);
    items.push(item);
    prev = item;
  }
  for (const i of orNext) {
    const it = items[i] as Item;
    const nx = items[i + 1] as Item;
    it.orClient = nx.client;
    it.orClock = nx.clock;
  }
  const text = dec.readString();
  if (text.length !== live || dec.readVarUint() !== 0) return null;
  dec.expectEnd();
  let pos = 0;
  for (const it of items) {
    if (it.deleted) continue;
    it.content = text.slice(pos, pos + it.len);
    pos += it.len;
  }
  return { name, ids, items, text };
}

/**
 * Load `bytes` into `doc` when it is a snapshot of exactly one root text and `doc` is empty;
 * false (nothing changed) otherwise.
 */
export function tryLoadTextSnapshot(doc: Doc, bytes: Uint8Array, origin: unknown): boolean {
  if (doc.store.clients.size > 0 || doc.pendingCount > 0 || !doc.pendingDeletes.isEmpty) return false;
  if (doc.observerCount > 0 || doc.clientIds.length !== 1) return false;
  let parsed: Parsed | null;
  try {
    parsed = parse(bytes, doc.clientId);
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  }
  if (parsed === null) return false;
  const { name, ids, items, text } = parsed;
  const by = tileItems(items, ids.length);
  if (by === null) return false;
  for (let i = 0; i < items.length; i++) if (!originsExist(items, by, i)) return false;
  for (const id of ids) doc.clientIndex(id);
  const opened = doc.begin(origin, false);
  try {
    const seq = (doc.getRoot('text', name) as Text).seq;
    seq.noteText(text);
    for (const it of items) seq.index.push(it);
    by.forEach((l, c) => {
      if (l.length === 0) return;
      doc.transaction.touchClient(c, 0);
      doc.store.runs(c).load(l);
    });
  } finally {
    if (opened) doc.commit();
  }
  return true;
}
