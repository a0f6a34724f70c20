/**
 * Hostile marks: damaged updates and snapshots that carry marks, and hand-made mark records that
 * lie (anchors in another container or not in a sequence, marks in a map, far-future anchors,
 * malformed fields). Each is refused with a `DecodeError` leaving the document exactly as it was,
 * or held (waiting for what it names), or accepted into a document that still encodes, reloads
 * and formats.
 */
import { applyUpdate, DecodeError, type Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import { decodeUpdate, encodeUpdate, type MarkRecord, type UpdateRecord } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';

/** A document with formatted text (root and nested), and every update it produced. */
function sampleDoc(id: number): { doc: Doc; updates: Uint8Array[] } {
  const doc = makeDoc(id);
  const updates: Uint8Array[] = [];
  doc.on('update', (u) => updates.push(u));
  const t = doc.getText('t');
  t.insert(0, 'The Peritext editor');
  t.format(4, 8, { bold: true, link: { url: 'x' } });
  t.format(0, 5, { bold: null });
  t.insert(19, '!', { 'comment:1': 'c' });
  t.delete(2, 3);
  const n = doc.getMap('m').setText('n');
  n.insert(0, 'nested', { italic: true });
  return { doc, updates };
}

/** Apply `bytes`; on DecodeError the target must be exactly as before. */
function applyOrReject(target: Doc, bytes: Uint8Array): boolean {
  const before = encodeStateAsUpdate(target);
  const delta = target.getText('t').toDelta();
  const pending = target.pending.length;
  try {
    applyUpdate(target, bytes);
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect(encodeStateAsUpdate(target)).toEqual(before);
    expect(target.getText('t').toDelta()).toEqual(delta);
    expect(target.pending.length).toBe(pending);
    return false;
  }
}

/** The target still encodes, reloads to the same content and formats every text. */
function stillSound(target: Doc): void {
  const copy = makeDoc(11);
  applyUpdate(copy, encodeStateAsUpdate(target));
  expect(copy.getText('t').toDelta()).toEqual(target.getText('t').toDelta());
  expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(target.toJSON()));
}

const root = { name: 't', kind: 'text' as const, client: -1, clock: 0 };

/** A valid mark of replica 7 on the sample text, to be damaged field by field. */
function mark(over: Partial<MarkRecord>): MarkRecord {
  return {
    t: 4,
    client: 500,
    clock: 0,
    len: 1,
    parent: root,
    sClient: 7,
    sClock: 1,
    sAfter: false,
    eClient: 7,
    eClock: 5,
    eAfter: true,
    key: 'bold',
    wall: 1,
    logical: 0,
    value: true,
    ...over,
  };
}

describe('hostile marks (fuzz)', () => {
  const { updates, doc: source } = sampleDoc(7);
  const valid = [...updates, encodeStateAsUpdate(source), mergeUpdates(updates)];

  it('the seeds carry marks groups (format version 4)', () => {
    expect(valid.filter((u) => u[0] === 4).length).toBeGreaterThan(3);
    expect(decodeUpdate(encodeStateAsUpdate(source)).records.some((r) => r.t === 4)).toBe(true);
  });

  it('mutated or truncated mark-carrying updates are refused cleanly or leave a sound document', () => {
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (which, flips, truncate, fresh) => {
          const bytes = (valid[which] as Uint8Array).slice();
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          const input = truncate
            ? bytes.subarray(0, (flips[0] as [number, number])[0] % bytes.length)
            : bytes;
          // Into an empty replica and into one holding most of the text already.
          const target = makeDoc(9);
          if (!fresh) applyUpdate(target, valid[0] as Uint8Array);
          applyOrReject(target, input);
          stillSound(target);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('refuses lying mark records without changing the document', () => {
    const lies: [string, UpdateRecord[]][] = [
      ['a mark in a map', [mark({ parent: { name: 'm', kind: 'map', client: -1, clock: 0 } })]],
      [
        'an anchor in another text',
        [mark({ parent: { name: 'other', kind: 'text', client: -1, clock: 0 } })],
      ],
      ['an anchor on a mark', [mark({ sClient: 7, sClock: 20 })]],
      ['a key too long', [mark({ key: 'k'.repeat(1025) })]],
      ['a timestamp out of range', [mark({ wall: 2 ** 48 })]],
    ];
    for (const [why, records] of lies) {
      const target = makeDoc(9);
      applyUpdate(target, encodeStateAsUpdate(source));
      expect(applyOrReject(target, encodeUpdate({ records, deletes: new Map() })), why).toBe(false);
    }
  });

  it('holds a mark whose anchor has not arrived, and drops it once that proves invalid', () => {
    const target = makeDoc(9);
    applyUpdate(target, encodeStateAsUpdate(source));
    const before = target.getText('t').toDelta();
    applyUpdate(target, encodeUpdate({ records: [mark({ sClient: 600, sClock: 0 })], deletes: new Map() }));
    expect(target.pending.length).toBe(1);
    expect(target.getText('t').toDelta()).toEqual(before);
    // Replica 600's clock 0 arrives as a map entry: the held mark is dropped, not integrated.
    applyUpdate(
      target,
      encodeUpdate({
        records: [
          {
            t: 1,
            client: 600,
            clock: 0,
            len: 1,
            parent: { name: 'm', kind: 'map', client: -1, clock: 0 },
            key: 'x',
            wall: 1,
            logical: 0,
            value: 1,
          },
        ],
        deletes: new Map(),
      }),
    );
    expect(target.pending.length).toBe(0);
    expect(target.getText('t').toDelta()).toEqual(before);
    stillSound(target);
  });

  it('refuses malformed marks groups at decoding', () => {
    const good = encodeUpdate({ records: [mark({})], deletes: new Map() });
    expect(good[0]).toBe(4);
    // The group header: tag 3, form 0 (root), name "t" (length 1, 0x74), count 1; then the info byte.
    const at = good.findIndex(
      (_, i) => good[i] === 3 && good[i + 1] === 0 && good[i + 2] === 1 && good[i + 3] === 0x74,
    );
    expect(at).toBeGreaterThan(0);
    const info = at + 5;
    const damage = (f: (b: Uint8Array) => void): Uint8Array => {
      const b = good.slice();
      f(b);
      return b;
    };
    const cases: [string, Uint8Array][] = [
      ['version 3 with a marks group', damage((b) => (b[0] = 3))],
      ['unknown group form', damage((b) => (b[at + 1] = 4))],
      ['an end edge near the start', damage((b) => (b[info] = (b[info] as number) | 0x40 | 0x80))],
      ['a start edge with a side', damage((b) => (b[info] = (b[info] as number) | 0x20 | 0x02))],
      ['relative id first', damage((b) => (b[info] = (b[info] as number) & ~0x0c))],
      ['a count larger than the input', damage((b) => (b[at + 4] = 120))],
    ];
    for (const [why, bytes] of cases) {
      const target = makeDoc(9);
      expect(applyOrReject(target, bytes), why).toBe(false);
    }
    const empty = encodeUpdate({ records: [mark({ key: '' })], deletes: new Map() });
    expect(() => decodeUpdate(empty)).toThrow(DecodeError);
    // A removal is written as info bit 0 with no value; the bytes of an explicit null value are
    // refused, so every mark has one encoding. The value `true` (tag 2) is the group's last byte,
    // before the empty delete set.
    const removal = encodeUpdate({ records: [mark({ value: null })], deletes: new Map() });
    expect((decodeUpdate(removal).records[0] as MarkRecord).value).toBeNull();
    const trueTag = good.length - 2;
    expect(good[trueTag]).toBe(2);
    expect(decodeUpdate(good).records).toHaveLength(1);
    expect(() => decodeUpdate(damage((b) => (b[trueTag] = 0)))).toThrow(DecodeError);
  });
});
