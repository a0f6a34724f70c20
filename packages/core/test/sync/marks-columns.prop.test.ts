/**
 * The column layouts of marks groups (`format/marks-codec.ts`, `format/marks-shapes.ts`): large
 * groups round-trip exactly in the shapes layout (written) and in the first column layout (still
 * read), replicas load them on both load paths, and damaged column bytes are refused with a
 * `DecodeError` that leaves the document as it was, or give a document that still encodes.
 */
import { applyUpdate, DecodeError, type Doc, encodeStateAsUpdate } from '@accord/core';
import { decodeUpdate, encodeUpdate, type MarkRecord } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/encoding/decoder.js';
import { Encoder } from '../../src/encoding/encoder.js';
import { columnLayout } from '../../src/format/marks-codec.js';
import { makeDoc } from './helpers.js';

/** Form byte of a root text's marks group in the shapes layout; in a snapshot (positions). */
const SHAPES = 6;
const SHAPES_POSITIONS = 14;

/** An update holding `records` (marks of root text `t`) in the first column layout (form 2). */
function v1Update(records: readonly MarkRecord[]): Uint8Array {
  const clients: number[] = [];
  const index = new Map<number, number>();
  const ci = (id: number): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = clients.length;
      clients.push(id);
      index.set(id, i);
    }
    return i;
  };
  const layout = columnLayout(records, ci).toBytes();
  const enc = new Encoder(64);
  enc.writeU8(4);
  enc.writeU8(0);
  enc.writeVarUint(clients.length);
  for (const c of clients) enc.writeVarUint(c);
  enc.writeVarUint(1);
  enc.writeU8(3);
  enc.writeU8(2);
  enc.writeString('t');
  enc.writeRaw(layout);
  enc.writeVarUint(0);
  return enc.toBytes();
}

const root = { name: 't', kind: 'text' as const, client: -1, clock: 0 };

/** Where the marks group of root text `t` starts in `bytes` in layout `form` (-1 if absent). */
function groupAt(bytes: Uint8Array, form: number): number {
  return bytes.findIndex(
    (_, i) => bytes[i] === 3 && bytes[i + 1] === form && bytes[i + 2] === 1 && bytes[i + 3] === 0x74,
  );
}

/** A document whose text `t` carries many marks, typed and formatted as an editor would. */
function richDoc(id: number, seed: number): Doc {
  const doc = makeDoc(id);
  const t = doc.getText('t');
  let s = seed;
  const next = (n: number): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  for (let i = 0; i < 300; i++) {
    const len = t.length;
    const op = next(6);
    if (op === 0 && len > 4) {
      const at = next(len - 2);
      t.format(at, 1 + next(Math.min(8, len - at)), {
        [next(2) === 0 ? 'bold' : 'italic']: next(3) === 0 ? null : true,
      });
    } else if (op === 1 && len > 4) {
      const at = next(len - 2);
      t.format(at, 1 + next(Math.min(5, len - at)), { link: { href: `https://x.org/${next(9)}` } });
    } else if (op === 2) t.insert(next(len + 1), 'typed', { bold: true, [`comment:${next(4)}`]: 'c' });
    else if (op === 3 && len > 6) t.delete(next(len - 3), 1 + next(3));
    else t.insert(next(len + 1), 'words here ');
  }
  return doc;
}

const anchor = fc.oneof(
  fc.constant({ client: -1, clock: 0 }),
  fc.record({ client: fc.constantFrom(5, 6, 9000), clock: fc.nat(5000) }),
);

const markArb = fc
  .record({
    client: fc.constantFrom(5, 6, 9000),
    clock: fc.nat(5000),
    s: anchor,
    sAfter: fc.boolean(),
    e: anchor,
    eAfter: fc.boolean(),
    key: fc.oneof(fc.constantFrom('bold', 'italic', 'link'), fc.string({ minLength: 1, maxLength: 12 })),
    wall: fc.nat(2 ** 40),
    logical: fc.nat(300),
    value: fc.oneof(fc.constant(null), fc.constant(true), fc.string(), fc.dictionary(fc.string(), fc.nat())),
  })
  .map(
    (m): MarkRecord => ({
      t: 4,
      client: m.client,
      clock: m.clock,
      len: 1,
      parent: root,
      sClient: m.s.client,
      sClock: m.s.clock,
      // An edge anchor has its own side: the start of the text is after, its end before.
      sAfter: m.s.client === -1 ? true : m.sAfter,
      eClient: m.e.client,
      eClock: m.e.clock,
      eAfter: m.e.client === -1 ? false : m.eAfter,
      key: m.key,
      wall: m.wall,
      logical: m.logical,
      value: m.value,
    }),
  );

/** Mark records made alike: one replica, clocks and wall times close, few keys and values. */
const alikeArb = fc.array(
  fc.record({
    gap: fc.integer({ min: 1, max: 40 }),
    back: fc.integer({ min: 1, max: 30 }),
    bold: fc.boolean(),
  }),
  { minLength: 200, maxLength: 300 },
);

/** `n` marks of one replica over the text it just typed, as an editor makes them. */
function alikeRecords(n: number): MarkRecord[] {
  const out: MarkRecord[] = [];
  for (let i = 0; i < n; i++)
    out.push({
      t: 4,
      client: 5,
      clock: 10 * i + 10,
      len: 1,
      parent: root,
      sClient: 5,
      sClock: 10 * i + 5,
      sAfter: false,
      eClient: -1,
      eClock: 0,
      eAfter: false,
      key: i % 2 === 0 ? 'bold' : 'italic',
      wall: 1000 + (i >> 3),
      logical: i & 7,
      value: null,
    });
  return out;
}

describe('marks groups in the column layout', () => {
  it('any large group round-trips exactly, and encodes again to the same bytes', () => {
    // Random marks alone, and after 200 marks made alike (so the columns win and carry them).
    const alike = alikeRecords(200);
    let columns = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(markArb, fc.nat(3)), { minLength: 16, maxLength: 60 }),
        fc.boolean(),
        (marks, after) => {
          // Some marks take the start and/or end anchor of the mark before (as a format of two
          // keys does), for the repeat column.
          const random: MarkRecord[] = [];
          for (const [m, copy] of marks) {
            const p = random[random.length - 1];
            const r = { ...m };
            if (p !== undefined && (copy & 1) !== 0)
              Object.assign(r, { sClient: p.sClient, sClock: p.sClock, sAfter: p.sAfter });
            if (p !== undefined && (copy & 2) !== 0)
              Object.assign(r, { eClient: p.eClient, eClock: p.eClock, eAfter: p.eAfter });
            random.push(r);
          }
          const records = after ? [...alike, ...random] : random;
          const bytes = encodeUpdate({ records, deletes: new Map() });
          const back = decodeUpdate(bytes).records;
          expect(back).toEqual(records);
          expect(encodeUpdate({ records: back, deletes: new Map() })).toEqual(bytes);
          // The same records in the first column layout, as written before the shapes layout.
          expect(decodeUpdate(v1Update(records)).records).toEqual(records);
          runs++;
          if (groupAt(bytes, SHAPES) > 0) columns++;
        },
      ),
      { numRuns: 300 },
    );
    expect(columns).toBeGreaterThan(runs / 4);
  });

  it('keys named for the first time round-trip through their shared prefixes, surrogate pairs whole', () => {
    const part = fc.constantFrom('comment:', '1', '2', '\u{1F600}', '\u{1F601}', 'a'.repeat(40), 'é');
    fc.assert(
      fc.property(
        fc.array(fc.array(part, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 }),
        (names) => {
          const records = alikeRecords(200).map((r, i) => ({
            ...r,
            key: (names[i % names.length] as string[]).join(''),
          }));
          const bytes = encodeUpdate({ records, deletes: new Map() });
          expect(groupAt(bytes, SHAPES)).toBeGreaterThan(0);
          expect(decodeUpdate(bytes).records).toEqual(records);
          expect(decodeUpdate(v1Update(records)).records).toEqual(records);
        },
      ),
      { numRuns: 150 },
    );
    // Many comments: each new key after the first takes a few bytes, not its whole name.
    const comments = alikeRecords(400).map((r, i) => ({ ...r, key: i % 2 === 0 ? 'bold' : `comment:${i}` }));
    const plain = alikeRecords(400).map((r, i) => ({ ...r, key: i % 2 === 0 ? 'bold' : 'italic' }));
    const extra =
      encodeUpdate({ records: comments, deletes: new Map() }).length -
      encodeUpdate({ records: plain, deletes: new Map() }).length;
    expect(extra).toBeLessThan(200 * 4);
  });

  it('marks made alike take the column layout, shorter than the rows, and round-trip', () => {
    fc.assert(
      fc.property(alikeArb, (steps) => {
        let clock = 100;
        const records: MarkRecord[] = steps.map(({ gap, back, bold }, i) => {
          clock += gap;
          return {
            t: 4,
            client: 5,
            clock,
            len: 1,
            parent: root,
            sClient: 5,
            sClock: clock - back,
            sAfter: false,
            eClient: -1,
            eClock: 0,
            eAfter: false,
            key: bold ? 'bold' : 'italic',
            wall: 1_000_000 + (i >> 2),
            logical: i & 3,
            value: i % 3 === 0 ? null : true,
          };
        });
        const bytes = encodeUpdate({ records, deletes: new Map() });
        expect(groupAt(bytes, SHAPES)).toBeGreaterThan(0);
        expect(decodeUpdate(bytes).records).toEqual(records);
        // In rows each takes at least 5 bytes (info, start, key, wall, logical).
        expect(bytes.length).toBeLessThan(records.length * 4);
        expect(decodeUpdate(v1Update(records)).records).toEqual(records);
      }),
      { numRuns: 50 },
    );
  });

  it('a formatted document snapshots in columns and loads to the same formatting', () => {
    for (const seed of [1, 2, 3]) {
      const doc = richDoc(7, seed);
      const snap = encodeStateAsUpdate(doc);
      expect(groupAt(snap, SHAPES_POSITIONS), `seed ${seed}`).toBeGreaterThan(0);
      const copy = makeDoc(8);
      applyUpdate(copy, snap);
      expect(copy.getText('t').toDelta()).toEqual(doc.getText('t').toDelta());
      expect(encodeStateAsUpdate(copy)).toEqual(snap);
      // Into a document that also has a map: the general load path.
      const other = makeDoc(9);
      other.getMap('m').set('k', 1);
      applyUpdate(other, snap);
      expect(other.getText('t').toDelta()).toEqual(doc.getText('t').toDelta());
    }
  });

  it('damaged column bytes are refused cleanly or leave a sound document', () => {
    const source = richDoc(7, 4);
    const snap = encodeStateAsUpdate(source);
    const at = groupAt(snap, SHAPES_POSITIONS);
    expect(at).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (flips, truncate) => {
          const bytes = snap.slice();
          // Damage inside the marks group (from its mask byte on).
          const span = bytes.length - (at + 4);
          for (const [k, v] of flips) bytes[at + 4 + (k % span)] = v;
          const input = truncate
            ? bytes.subarray(0, at + 4 + ((flips[0] as [number, number])[0] % span))
            : bytes;
          const target = makeDoc(9);
          try {
            applyUpdate(target, input);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            expect(target.getText('t').toDelta()).toEqual([]);
            return;
          }
          const copy = makeDoc(11);
          applyUpdate(copy, encodeStateAsUpdate(target));
          expect(copy.getText('t').toDelta()).toEqual(target.getText('t').toDelta());
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('damaged shapes-layout updates decode to a typed error or to records that encode again', () => {
    // Marks made alike plus links to one site and comments: every column and pair field in use.
    const records = alikeRecords(120).map((r, i) =>
      i % 5 === 0
        ? { ...r, key: 'link', value: { href: `https://x.org/${i}` } }
        : i % 7 === 0
          ? { ...r, key: `comment:${i}`, value: true, eClient: 5, eClock: 3 }
          : r,
    );
    const good = encodeUpdate({ records, deletes: new Map() });
    const at = groupAt(good, SHAPES);
    expect(at).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (flips, cut) => {
          const bytes = good.slice();
          const span = bytes.length - (at + 4);
          for (const [k, v] of flips) bytes[at + 4 + (k % span)] = v;
          const input = cut ? bytes.subarray(0, at + 4 + ((flips[0] as [number, number])[0] % span)) : bytes;
          let back: ReturnType<typeof decodeUpdate>;
          try {
            back = decodeUpdate(input);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            return;
          }
          expect(decodeUpdate(encodeUpdate(back)).records).toEqual(back.records);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('links to one site take a few bytes each, and marks never share an object value', () => {
    const links = (href: (i: number) => string): MarkRecord[] =>
      alikeRecords(200).map((r, i) => ({ ...r, key: 'link', value: { href: href(i) } }));
    const site = links((i) => `https://example.org/wiki/page-${i}`);
    const bytes = encodeUpdate({ records: site, deletes: new Map() });
    expect(groupAt(bytes, SHAPES)).toBeGreaterThan(0);
    const back = decodeUpdate(bytes).records as MarkRecord[];
    expect(back).toEqual(site);
    // Each href after the first: its shared prefix, the rest's length and the rest (a few bytes).
    expect(bytes.length).toBeLessThan(
      encodeUpdate({ records: alikeRecords(200), deletes: new Map() }).length + 200 * 5,
    );
    // One link value on every mark: equal values, each mark its own object.
    const same = links(() => 'https://example.org/');
    const read = decodeUpdate(encodeUpdate({ records: same, deletes: new Map() })).records as MarkRecord[];
    expect(read).toEqual(same);
    expect(read[1]?.value).not.toBe(read[0]?.value);
  });

  it('refuses a raw column read as packed and columns longer than their marks; repeated anchors are shorter', () => {
    // Groups in columns whose value column (the last) is raw and empty: removals only. In the
    // first layout the mask is a byte (value column: bit 7), in the shapes layout a varuint (bit 10).
    const records = alikeRecords(200);
    for (const [good, form, bit] of [
      [v1Update(records), 2, 7],
      [encodeUpdate({ records, deletes: new Map() }), SHAPES, 10],
    ] as const) {
      const g = groupAt(good, form);
      expect(g).toBeGreaterThan(0);
      expect(decodeUpdate(good).records).toEqual(records);
      const maskDec = new Decoder(good.subarray(g + 4));
      const mask = form === 2 ? maskDec.readU8() : maskDec.readVarUint();
      expect(mask & (1 << bit)).toBe(0);
      const claim = new Encoder(8);
      if (form === 2) claim.writeU8(mask | (1 << bit));
      else claim.writeVarUint(mask | (1 << bit));
      const packedClaim = new Uint8Array([
        ...good.subarray(0, g + 4),
        ...claim.toBytes(),
        ...good.subarray(g + 4 + maskDec.offset),
      ]);
      expect(() => decodeUpdate(packedClaim)).toThrow(DecodeError);
      // The value column's length byte 0 is the group's last byte, before the empty delete set.
      // Give it one byte: more than the marks read.
      expect(good[good.length - 2]).toBe(0);
      const longer = new Uint8Array(good.length + 1);
      longer.set(good.subarray(0, good.length - 2));
      longer.set([1, 2, 0], good.length - 2);
      expect(() => decodeUpdate(longer)).toThrow(DecodeError);
    }
    // Marks that all start on one unit: every start after the first is a repeat, not written.
    const good = encodeUpdate({ records, deletes: new Map() });
    const repeats = alikeRecords(200).map((r, i) => (i === 0 ? r : { ...r, sClock: 5 }));
    const rep = encodeUpdate({ records: repeats, deletes: new Map() });
    expect(decodeUpdate(rep).records).toEqual(repeats);
    expect(rep.length).toBeLessThan(good.length);
  });
});
