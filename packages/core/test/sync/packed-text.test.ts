/**
 * Packed text in updates (format version 3): a text group whose live text is large is written
 * Huffman-packed when that is shorter, marked by tag bit 3; everything else keeps version 2 bytes.
 * Snapshots, pastes and merged updates round-trip through both load paths, and a packed tag is
 * refused where the format does not allow it.
 */
import {
  applyUpdate,
  DecodeError,
  type Doc,
  encodeStateAsUpdate,
  encodeStateVector,
  mergeUpdates,
} from '@accord/core';
import { decodeUpdate, encodeUpdate } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from './helpers.js';

const PROSE =
  'Collaborative editing keeps every replica of a document in step, whatever order edits arrive in. ';

/** Offset of the first group's tag byte in `bytes` (version, flags, client table, group count). */
function firstGroupTagAt(bytes: Uint8Array): number {
  let pos = 2;
  const skipVar = (): number => {
    let v = 0;
    let shift = 1;
    for (;;) {
      const b = bytes[pos++] as number;
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
      shift *= 128;
    }
  };
  const clients = skipVar();
  for (let i = 0; i < clients; i++) skipVar();
  skipVar(); // group count
  return pos;
}

function loadGeneral(bytes: Uint8Array): Doc {
  const d = makeDoc(90);
  d.getText('t').observe(() => {}); // an observer keeps the one-text fast path away
  applyUpdate(d, bytes);
  return d;
}

describe('packed text in updates', () => {
  it('a document with a large text is written as version 3 with its text packed, and loads exactly', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    t.insert(0, PROSE.repeat(30));
    t.insert(100, 'emoji 😀 and CJK 漢字 inside. ');
    t.delete(500, 200);
    const bytes = encodeStateAsUpdate(a);
    expect(bytes[0]).toBe(3);
    expect((bytes[firstGroupTagAt(bytes)] as number) & 8).toBe(8);
    // Packing pays: well under the text's UTF-8 bytes.
    expect(bytes.length).toBeLessThan(new TextEncoder().encode(t.toString()).length * 0.7);
    const fast = makeDoc(2);
    applyUpdate(fast, bytes);
    const general = loadGeneral(bytes);
    for (const d of [fast, general]) {
      expect(d.getText('t').toString()).toBe(t.toString());
      expect(encodeStateAsUpdate(d)).toEqual(bytes);
    }
    // Decoding and re-encoding the records gives the same bytes.
    expect(encodeUpdate(decodeUpdate(bytes))).toEqual(bytes);
  });

  it('keystrokes and small texts keep version 2 bytes', () => {
    const a = makeDoc(1);
    const updates: Uint8Array[] = [];
    a.on('update', (u) => updates.push(u));
    const t = a.getText('t');
    for (let i = 0; i < 50; i++) t.insert(t.length, 'ab');
    t.insert(0, 'x'.repeat(255));
    for (const u of updates) expect(u[0]).toBe(2);
    expect(encodeStateAsUpdate(makeDoc(5))[0]).toBe(2);
    const small = makeDoc(3);
    small.getText('t').insert(0, 'short text');
    expect(encodeStateAsUpdate(small)[0]).toBe(2);
  });

  it('a paste travels unpacked (one apply per peer), its merge and its snapshot packed; keystrokes merged pack once they add up', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const updates: Uint8Array[] = [];
    a.on('update', (u) => updates.push(u));
    a.getText('t').insert(0, PROSE.repeat(10));
    expect(updates[0]?.[0]).toBe(2);
    applyUpdate(b, updates[0] as Uint8Array);
    expect(b.getText('t').toString()).toBe(a.getText('t').toString());
    // Stored or sent to a joining replica, the same content is packed.
    const mergedPaste = mergeUpdates([updates[0] as Uint8Array]);
    expect(mergedPaste[0]).toBe(3);
    expect(mergedPaste.length).toBeLessThan((updates[0] as Uint8Array).length);
    expect(encodeStateAsUpdate(a)[0]).toBe(3);

    const c = makeDoc(3);
    const keys: Uint8Array[] = [];
    c.on('update', (u) => keys.push(u));
    for (const ch of PROSE.repeat(4)) c.getText('t').insert(c.getText('t').length, ch);
    expect(keys.every((u) => u[0] === 2)).toBe(true);
    const merged = mergeUpdates(keys);
    expect(merged[0]).toBe(3);
    const d = makeDoc(4);
    applyUpdate(d, merged);
    expect(d.getText('t').toString()).toBe(PROSE.repeat(4));
  });

  it('concurrent texts with lone surrogates and deletions: packed state-vector diffs converge', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getText('t').insert(0, PROSE.repeat(5));
    syncBoth(a, b);
    a.getText('t').insert(10, PROSE.repeat(4));
    // A run with a lone surrogate travels as raw code units beside the packed text.
    a.getText('t').insert(5, 'lone \uD800 surrogate');
    b.getText('t').insert(40, `other side 😀 ${PROSE.repeat(4)}`);
    b.getText('t').delete(0, 30);
    const toB = encodeStateAsUpdate(a, encodeStateVector(b));
    expect(toB[0]).toBe(3);
    applyUpdate(b, toB);
    applyUpdate(a, encodeStateAsUpdate(b, encodeStateVector(a)));
    expect(a.getText('t').toString()).toBe(b.getText('t').toString());
    expect(a.getText('t').toString()).toContain('\uD800');
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(a));
    expect(c.getText('t').toString()).toBe(a.getText('t').toString());
  });

  it('refuses a packed tag in a version 2 update, and on a group that is not a text', () => {
    const a = makeDoc(1);
    a.getText('t').insert(0, PROSE.repeat(5));
    const bytes = encodeStateAsUpdate(a);
    expect(bytes[0]).toBe(3);
    const v2 = bytes.slice();
    v2[0] = 2;
    for (const load of [(u: Uint8Array) => applyUpdate(makeDoc(7), u), loadGeneral, decodeUpdate]) {
      expect(() => load(v2)).toThrow(DecodeError);
    }
    const l = makeDoc(1);
    l.getList('t').push(1, 2, 3);
    const list = encodeStateAsUpdate(l);
    list[0] = 3;
    list[firstGroupTagAt(list)] = (list[firstGroupTagAt(list)] as number) | 8;
    expect(() => decodeUpdate(list)).toThrow(/packed text on a list group/);
    const d = makeDoc(8);
    expect(() => applyUpdate(d, list)).toThrow(DecodeError);
    expect(d.toJSON()).toEqual({});
  });
});
