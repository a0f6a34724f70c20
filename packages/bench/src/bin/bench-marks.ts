/**
 * `pnpm bench:marks [--units 20000] [--marks 5000] [--reads 20] [--keys 200] [--json]`: the cost of
 * reading formatted text. Builds one text of `--units` code units carrying `--marks` random marks
 * (bold, italic, link, color, comments; a fixed seed), then reports:
 * - cold: the first `toDelta()` after the text changed (one fresh document per read, loaded from
 *   the same update);
 * - warm: `toDelta()` again with nothing changed;
 * - attributesAt: reading the attributes of 100 random positions;
 * - keystroke: one typed character followed by `toDelta()`, `--keys` times;
 * - plain: the same `toDelta()` and keystroke loop on a text without marks.
 * Times are medians in milliseconds.
 */

import { parseArgs } from 'node:util';
import { applyUpdate, Doc, encodeStateAsUpdate, type Text } from '@accord/core';
import { intFlag, runMain } from '../cli/args.js';
import { medianTimeMs } from '../stats/summary.js';
import { createRng } from '../util/prng.js';

/** A document whose text `t` has `units` code units and `marks` marks. */
function build(units: number, marks: number): Doc {
  const doc = new Doc({ clientId: 1 });
  const t = doc.getText('t');
  const rand = createRng(42).next;
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ';
  let s = '';
  while (s.length < units) s += words;
  t.insert(0, s.slice(0, units));
  const keys = ['bold', 'italic', 'link', 'color', 'underline'];
  for (let i = 0; i < marks; i++) {
    const from = Math.floor(rand() * (units - 1));
    const len = 1 + Math.floor(rand() * Math.min(60, units - from - 1));
    const k = rand() < 0.1 ? `comment:${i}` : (keys[Math.floor(rand() * keys.length)] as string);
    const value =
      rand() < 0.15 ? null : k === 'link' ? { url: `u${i % 50}` } : k === 'color' ? `c${i % 7}` : true;
    t.format(from, len, { [k]: value });
  }
  return doc;
}

/** The keystroke loop: type one character at a moving place, then read the delta. */
function keystrokes(t: Text, n: number): number {
  const rand = createRng(7).next;
  return medianTimeMs(n, () => {
    t.insert(Math.floor(rand() * t.length), 'x');
    t.toDelta();
  });
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      units: { type: 'string' },
      marks: { type: 'string' },
      reads: { type: 'string' },
      keys: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const units = intFlag('units', values.units, 20_000);
  const marks = intFlag('marks', values.marks, 5_000);
  const reads = intFlag('reads', values.reads, 20);
  const keys = intFlag('keys', values.keys, 200);
  const doc = build(units, marks);
  const update = encodeStateAsUpdate(doc);
  const fresh = (): Text => {
    const d = new Doc({ clientId: 2 });
    applyUpdate(d, update);
    return d.getText('t');
  };
  const texts = Array.from({ length: reads }, fresh);
  const runs = (texts[0] as Text).toDelta().length;
  const cold = medianTimeMs(reads - 1, (i) => (texts[i + 1] as Text).toDelta());
  const t = fresh();
  t.toDelta();
  const warm = medianTimeMs(reads, () => t.toDelta());
  const rand = createRng(3).next;
  const attrs = medianTimeMs(reads, () => {
    for (let i = 0; i < 100; i++) t.attributesAt(Math.floor(rand() * t.length));
  });
  const keystroke = keystrokes(fresh(), keys);
  const plain = new Doc({ clientId: 3 }).getText('t');
  plain.insert(0, t.toString());
  const plainRead = medianTimeMs(reads, () => plain.toDelta());
  const plainKey = keystrokes(plain, keys);
  const result = {
    units,
    marks,
    runs,
    coldToDeltaMs: cold,
    warmToDeltaMs: warm,
    attributesAt100Ms: attrs,
    keystrokeToDeltaMs: keystroke,
    plainToDeltaMs: plainRead,
    plainKeystrokeToDeltaMs: plainKey,
  };
  if (values.json === true) console.log(JSON.stringify(result));
  else
    for (const [k, v] of Object.entries(result))
      console.log(`${k.padEnd(24)} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}`);
  return 0;
});
