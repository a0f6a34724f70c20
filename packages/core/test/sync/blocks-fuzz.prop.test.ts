/**
 * Hostile blocks: damaged updates and snapshots of a blocks document are refused with a
 * `DecodeError` leaving the document exactly as it was, or accepted into a document whose blocks
 * still lay out, encode, reload and edit. And a replica that writes the raw text under the blocks
 * (boundary and slot units anywhere, block registers with any values, cycles of moves and merges)
 * cannot make a layout fail, diverge, or show a character or block twice.
 */
import {
  applyUpdate,
  type BlockJSON,
  DecodeError,
  Doc,
  encodeStateAsUpdate,
  mergeUpdates,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKS_SEED, blocksEdit, blocksEditArgs, freshChars } from '../arbitraries/blocks.js';

function makeDoc(id: number): Doc {
  let t = 1_000_000 + id;
  return new Doc({ clientId: id, now: () => t++ });
}

/** A blocks document after splits, joins (in place and merged), moves, formats and deletes. */
function sampleDoc(id: number): { doc: Doc; updates: Uint8Array[] } {
  const doc = makeDoc(id);
  const updates: Uint8Array[] = [];
  doc.on('update', (u) => updates.push(u));
  const b = doc.getBlocks('b');
  b.insertBlock(0, 'heading', { level: 1 }, [{ insert: 'Title' }]);
  b.insertBlock(1, 'paragraph', {}, [{ insert: 'Hello world, rich text' }]);
  b.split(13);
  b.format(8, 10, { bold: true });
  b.insertBlock(3, 'list_item', { indent: 0, kind: 'bullet' }, [
    { insert: 'one', attributes: { link: 'x' } },
  ]);
  b.move(3, 0);
  b.join(1);
  b.setBlock(0, 'code_block', { language: 'ts' });
  b.deleteRange(3, 2);
  return { doc, updates };
}

function state(d: Doc): { bytes: Uint8Array; json: BlockJSON[] } {
  return { bytes: encodeStateAsUpdate(d), json: d.getBlocks('b').toJSON() };
}

/** Apply `bytes`; on DecodeError the target must be exactly as before. */
function applyOrReject(target: Doc, bytes: Uint8Array): boolean {
  const before = state(target);
  const pending = target.pendingCount;
  try {
    applyUpdate(target, bytes);
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect(state(target)).toEqual(before);
    expect(target.pendingCount).toBe(pending);
    return false;
  }
}

/** The blocks lay out with each block and character once, reload equal, and take edits. */
function stillSound(target: Doc): void {
  const json = target.getBlocks('b').toJSON();
  const ids = json.map((x) => x.id);
  expect(new Set(ids).size).toBe(ids.length);
  const copy = makeDoc(11);
  applyUpdate(copy, encodeStateAsUpdate(target));
  expect(copy.getBlocks('b').toJSON()).toEqual(json);
  const b = copy.getBlocks('b');
  const fresh = freshChars();
  for (let i = 0; i < 6; i++) blocksEdit(b, [i * 7, i * 13, i * 5, i, i * 3], fresh);
}

describe('hostile blocks (fuzz)', () => {
  const { updates, doc: source } = sampleDoc(7);
  const valid = [...updates, encodeStateAsUpdate(source), mergeUpdates(updates)];

  it('the sample shows what was written', () => {
    expect(
      source
        .getBlocks('b')
        .toJSON()
        .map((x) => x.type),
    ).toEqual(['code_block', 'paragraph', 'paragraph']);
  });

  it('mutated or truncated blocks updates are refused cleanly or leave sound blocks', () => {
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
          const target = makeDoc(9);
          if (!fresh) applyUpdate(target, valid[0] as Uint8Array);
          applyOrReject(target, input);
          stillSound(target);
        },
      ),
      { numRuns: 1500, ...BLOCKS_SEED },
    );
  }, 60_000);

  it('raw writes under the blocks (units, registers, cycles) lay out the same everywhere, each block and character once', () => {
    const UNITS = ['\uFDD0', '\uFDD1', 'x', 'y\uFDD0z', '\uFDD1\uFDD0'];
    const KEYS = ['\u0000type', '\u0000move', '\u0000merge', '\u0001level', 'bold'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3), blocksEditArgs), { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(40), { minLength: 1, maxLength: 10 }),
        (steps, order) => {
          const docs = [makeDoc(101), makeDoc(102)];
          const all: Uint8Array[] = [];
          for (const d of docs) d.on('update', (u, origin) => origin !== 'sync' && all.push(u));
          const fresh = freshChars();
          for (const [who, args] of steps) {
            const d = docs[who % 2] as Doc;
            if (who < 2) {
              blocksEdit(d.getBlocks('b'), args, fresh);
              continue;
            }
            // Raw text writes: units anywhere, block registers with any value on any range.
            const t = d.getText('b');
            const [a = 0, r1 = 0, r2 = 0, r3 = 0] = args;
            if (a % 2 === 0 || t.length === 0)
              t.insert(r1 % (t.length + 1), UNITS[r2 % UNITS.length] as string);
            else {
              const at = r1 % t.length;
              const ids = d
                .getBlocks('b')
                .blocks()
                .map((x) => x.id);
              const values: unknown[] = [
                null,
                'heading',
                3,
                [ids[r3 % Math.max(1, ids.length)] ?? 'nope', r2, 0],
                [`${d.clientId}:${r3 % 40}`, r3, 1],
                ['', 0, 0],
              ];
              t.format(at, 1 + (r2 % (t.length - at)), {
                [KEYS[r3 % KEYS.length] as string]: values[(r2 + r3) % values.length],
              });
            }
            if (r3 % 3 === 0) applyUpdate(docs[1 - (who % 2)] as Doc, encodeStateAsUpdate(d), 'sync');
          }
          // Every delivery order gives one layout.
          let ref: BlockJSON[] | null = null;
          for (const k of [0, ...order]) {
            const d = makeDoc(500 + k);
            const shuffled = all
              .map((u, i) => ({ u, key: ((i * 31 + k * 17) % 97) * 1000 + i }))
              .sort((x, y) => x.key - y.key);
            for (const { u } of shuffled) applyUpdate(d, u);
            const json = d.getBlocks('b').toJSON();
            if (ref === null) ref = json;
            else expect(json).toEqual(ref);
            const text = json
              .flatMap((x) => [...x.content.map((c) => c.insert).join('')])
              .filter((c) => c >= '\u4e00');
            expect(new Set(text).size).toBe(text.length);
            stillSound(d);
          }
        },
      ),
      { numRuns: 150, ...BLOCKS_SEED },
    );
  }, 60_000);
});
