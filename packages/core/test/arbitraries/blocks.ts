import type { Blocks } from '@accord/core';
import fc from 'fast-check';

/**
 * The seed of the Blocks property tests: none (fast-check draws a random seed each run and prints
 * it with any counterexample), unless `BLOCKS_SEED` is set to replay one, e.g.
 * `BLOCKS_SEED=1540109693 npx vitest run test/doc/blocks-model.prop.test.ts`. Spread it into the
 * parameters: `{ numRuns, ...BLOCKS_SEED }`. Counterexamples found so far are scenarios in
 * `test/doc/blocks-regressions.test.ts`.
 */
export const BLOCKS_SEED: { seed?: number } =
  process.env.BLOCKS_SEED === undefined ? {} : { seed: Number(process.env.BLOCKS_SEED) };

/** Block types the block tests use. */
export const BLOCK_TYPES = ['paragraph', 'heading', 'list_item', 'code_block', 'blockquote'];
/** Block attribute patches the block tests use. */
export const BLOCK_ATTRS: Record<string, unknown>[] = [
  {},
  { level: 2 },
  { indent: 1, kind: 'bullet' },
  { indent: null },
];
/** Inline attribute patches the block tests use (growing and not). */
export const INLINE_ATTRS: Record<string, unknown>[] = [
  { bold: true },
  { bold: null },
  { link: 'x' },
  { italic: true },
];

/** Five numbers driving one {@link blocksEdit}. */
export const blocksEditArgs = fc.array(fc.nat(1000), { minLength: 5, maxLength: 5 });

/** The kinds of edit {@link blocksEdit} makes, by `args[0] % 16`. */
export type BlocksEditKind =
  | 'insertText'
  | 'deleteRange'
  | 'format'
  | 'split'
  | 'join'
  | 'move'
  | 'setBlock'
  | 'insertBlock'
  | 'deleteBlocks';

const KINDS: BlocksEditKind[] = [
  'insertText',
  'insertText',
  'insertText',
  'deleteRange',
  'deleteRange',
  'format',
  'split',
  'split',
  'join',
  'join',
  'move',
  'move',
  'setBlock',
  'insertBlock',
  'insertBlock',
  'deleteBlocks',
];

/**
 * One random edit of `b` driven by `a`. `fresh(n)` gives `n` characters never used before, so a
 * test can follow every character. `exact`: text inserted with explicit attributes, and only
 * into blocks with boundaries (what a sequential model can predict, ids included). Returns what
 * was done (for messages).
 */
export function blocksEdit(
  b: Blocks,
  a: readonly number[],
  fresh: (n: number) => string,
  exact = false,
): string {
  const [m = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0] = a;
  let kind = KINDS[m % KINDS.length] as BlocksEditKind;
  const n = b.blockCount;
  const len = b.length;
  // Into no block: a new block, or (unless `exact`) text, which is the implicit first paragraph.
  if (n === 0) kind = exact || m % 2 === 0 ? 'insertBlock' : 'insertText';
  const type = BLOCK_TYPES[r3 % BLOCK_TYPES.length] as string;
  const attrs = BLOCK_ATTRS[r4 % BLOCK_ATTRS.length] as Record<string, unknown>;
  switch (kind) {
    case 'insertText': {
      const at = len === 0 ? 1 : 1 + (r1 % len);
      const s = fresh(1 + (r2 % 3));
      const inline =
        exact || r3 % 2 === 0
          ? ((r4 % 3 === 0 ? {} : INLINE_ATTRS[r4 % 4]) as Record<string, unknown>)
          : undefined;
      b.insertText(at, s, inline);
      return `insertText(${at}, ${JSON.stringify(s)}, ${JSON.stringify(inline)})`;
    }
    case 'deleteRange': {
      const at = r1 % len;
      const l = Math.min(len - at, 1 + (r2 % 4));
      b.deleteRange(at, l);
      return `deleteRange(${at}, ${l})`;
    }
    case 'format': {
      const at = r1 % len;
      const l = Math.min(len - at, 1 + (r2 % 5));
      const inline = INLINE_ATTRS[r3 % INLINE_ATTRS.length] as Record<string, unknown>;
      b.format(at, l, inline);
      return `format(${at}, ${l}, ${JSON.stringify(inline)})`;
    }
    case 'split': {
      const at = 1 + (r1 % len);
      const withType = r2 % 2 === 0;
      const clean = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null));
      if (withType) b.split(at, type, clean);
      else b.split(at);
      return withType ? `split(${at}, ${type}, ${JSON.stringify(clean)})` : `split(${at})`;
    }
    case 'join': {
      if (n < 2) return 'nothing';
      const k = 1 + (r1 % (n - 1));
      b.join(k);
      return `join(${k})`;
    }
    case 'move': {
      const from = r1 % n;
      const to = r2 % n;
      b.move(from, to);
      return `move(${from}, ${to})`;
    }
    case 'setBlock': {
      const k = r1 % n;
      const t = r2 % 2 === 0 ? type : undefined;
      b.setBlock(k, t, attrs);
      return `setBlock(${k}, ${t}, ${JSON.stringify(attrs)})`;
    }
    case 'insertBlock': {
      const k = r1 % (n + 1);
      const clean = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null));
      const s = r2 % 2 === 0 ? fresh(1 + (r2 % 3)) : '';
      b.insertBlock(k, type, clean, s === '' ? [] : [{ insert: s }]);
      return `insertBlock(${k}, ${type}, ${JSON.stringify(clean)}, ${JSON.stringify(s)})`;
    }
    case 'deleteBlocks': {
      const k = r1 % n;
      const c = Math.min(n - k, 1 + (r2 % 2));
      b.deleteBlocks(k, c);
      return `deleteBlocks(${k}, ${c})`;
    }
  }
}

/** A source of characters never used before (CJK ideographs, one UTF-16 unit each). */
export function freshChars(): (n: number) => string {
  let next = 0x4e00;
  return (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(next++);
    return s;
  };
}
