/**
 * `pnpm bench:blocks [--blocks 1000] [--chars 50] [--ops 30] [--json]`: what one editing step
 * costs on a long block document, as an editor binding sees it (a `Blocks` with a listener, whose
 * event carries the flat delta). Builds `--blocks` blocks of about `--chars` characters (every
 * tenth a heading, a bold word in each), then reports the median milliseconds of: typing a
 * character, deleting one, Enter (a split), Backspace at a block's start (a join), changing a
 * block's type, bolding five characters, pasting twenty blocks, and applying a remote keystroke
 * (the update of another replica's typed character), and `ok`: the replica that applied those
 * updates shows the same blocks as the one that typed them (exit code 1 otherwise). Places are
 * seeded.
 */

import { parseArgs } from 'node:util';
import { applyUpdate, type BlockJSON, type Blocks, Doc, diffBlocks, encodeStateAsUpdate } from '@accord/core';
import { intFlag, runMain } from '../cli/args.js';
import { medianTimeMs } from '../stats/summary.js';
import { createRng } from '../util/prng.js';

/** `n` blocks of about `chars` characters each. */
function blockList(n: number, chars: number, from = 0): BlockJSON[] {
  const out: BlockJSON[] = [];
  for (let i = from; i < from + n; i++) {
    const words = `block ${i} `.padEnd(Math.max(12, chars - 5), 'lorem ipsum ');
    out.push({
      id: '',
      type: i % 10 === 0 ? 'heading' : 'paragraph',
      attrs: i % 10 === 0 ? { level: 2 } : {},
      content: [{ insert: words }, { insert: 'bold', attributes: { bold: true } }],
    });
  }
  return out;
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      blocks: { type: 'string' },
      chars: { type: 'string' },
      ops: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const n = intFlag('blocks', values.blocks, 1_000);
  const chars = intFlag('chars', values.chars, 50);
  const ops = intFlag('ops', values.ops, 30);
  const source = new Doc({ clientId: 1 });
  const sb = source.getBlocks('b');
  const all = blockList(n, chars);
  for (let k = 0; k < n; k += 100)
    sb.applyFlatDelta([{ retain: sb.length }, ...diffBlocks([], all.slice(k, k + 100))]);
  const snapshot = encodeStateAsUpdate(source);
  const open = (clientId: number): { doc: Doc; blocks: Blocks } => {
    const doc = new Doc({ clientId });
    applyUpdate(doc, snapshot);
    const blocks = doc.getBlocks('b');
    blocks.observe(() => {});
    return { doc, blocks };
  };
  const b = open(2).blocks;
  const rand = createRng(11).next;
  /** A random block (not the first) and a flat position inside its characters. */
  const place = (): { index: number; at: number } => {
    const list = b.blocks();
    const index = 1 + Math.floor(rand() * (list.length - 1));
    const info = list[index] as { start: number; length: number };
    return { index, at: info.start + 1 + Math.floor(info.length / 2) };
  };
  const type = medianTimeMs(ops, () => b.insertText(place().at, 'x'));
  const backspace = medianTimeMs(ops, () => b.deleteRange(place().at - 1, 1));
  const enter = medianTimeMs(ops, () => b.split(place().at));
  const join = medianTimeMs(ops, () => b.join(place().index));
  const setBlock = medianTimeMs(ops, () =>
    b.setBlock(place().index, rand() < 0.5 ? 'heading' : 'paragraph', {}),
  );
  const bold = medianTimeMs(ops, () => b.format(place().at, 5, { bold: true }));
  const paste = medianTimeMs(Math.max(3, ops >> 3), () =>
    b.applyFlatDelta([{ retain: place().at - 1 }, ...diffBlocks([], blockList(20, chars, n))]),
  );
  // Remote keystrokes: another replica types; this one applies each update.
  const { doc: otherDoc, blocks: other } = open(3);
  const updates: Uint8Array[] = [];
  otherDoc.on('update', (u: Uint8Array) => updates.push(u));
  const target = open(4);
  for (let i = 0; i < ops; i++) {
    const list = other.blocks();
    const info = list[1 + Math.floor(rand() * (list.length - 1))] as { start: number; length: number };
    other.insertText(info.start + 1, 'y');
  }
  let next = 0;
  const remote = medianTimeMs(ops, () => applyUpdate(target.doc, updates[next++] as Uint8Array));
  // The replica that applied the keystrokes shows what the one that typed them shows.
  const ok = JSON.stringify(target.blocks.toJSON()) === JSON.stringify(other.toJSON());
  const result = {
    blocks: n,
    chars: b.text.length,
    typeMs: type,
    backspaceMs: backspace,
    enterMs: enter,
    joinMs: join,
    setBlockMs: setBlock,
    boldMs: bold,
    paste20Ms: paste,
    remoteKeystrokeMs: remote,
    ok,
  };
  if (values.json === true) console.log(JSON.stringify(result));
  else
    for (const [k, v] of Object.entries(result))
      console.log(`${k.padEnd(18)} ${typeof v !== 'number' || Number.isInteger(v) ? v : v.toFixed(2)}`);
  return ok ? 0 : 1;
});
