/**
 * A sequential model of flat blocks for the tests: blocks as a sequence of units (markers and
 * characters), a flat delta applied unit by unit. Deleting a marker joins its text into the block
 * before; inserting one splits. This is the contract the binding writes against.
 */
import type { Attributes, TextDeltaInsert } from '@accord/core';
import { canonical, type FlatBlock, type FlatDeltaOp, type FlatInsertText } from '../src/flat.js';

type Unit =
  | { readonly kind: 'block'; readonly type: string; readonly attrs: Readonly<Record<string, unknown>> }
  | { readonly kind: 'char'; readonly char: string; readonly attributes: Attributes };

function toUnits(blocks: readonly FlatBlock[]): Unit[] {
  const units: Unit[] = [];
  for (const b of blocks) {
    units.push({ kind: 'block', type: b.type, attrs: b.attrs });
    for (const run of b.content) {
      for (let i = 0; i < run.insert.length; i++) {
        units.push({
          kind: 'char',
          char: run.insert[i] as string,
          attributes: { ...(run.attributes ?? {}) },
        });
      }
    }
  }
  return units;
}

function fromUnits(units: readonly Unit[]): FlatBlock[] {
  const blocks: { type: string; attrs: Readonly<Record<string, unknown>>; content: TextDeltaInsert[] }[] = [];
  let lastKey = '';
  for (const u of units) {
    if (u.kind === 'block') {
      blocks.push({ type: u.type, attrs: u.attrs, content: [] });
      lastKey = '';
      continue;
    }
    const block = blocks[blocks.length - 1];
    if (!block) throw new Error('text before the first block');
    const key = canonical(u.attributes);
    const last = block.content[block.content.length - 1];
    if (last && key === lastKey) last.insert += u.char;
    else {
      block.content.push(
        Object.keys(u.attributes).length > 0
          ? { insert: u.char, attributes: u.attributes }
          : { insert: u.char },
      );
      lastKey = key;
    }
  }
  return blocks;
}

/** Apply a flat delta to `blocks` (see the module comment). */
export function applyModel(blocks: readonly FlatBlock[], delta: readonly FlatDeltaOp[]): FlatBlock[] {
  const units = toUnits(blocks);
  let pos = 0;
  for (const op of delta) {
    if ('retain' in op) {
      if (pos + op.retain > units.length) throw new Error('retain past the end');
      if ('block' in op) {
        const u = units[pos] as Unit;
        if (u.kind !== 'block') throw new Error('block change on a character');
        const attrs: Record<string, unknown> = { ...u.attrs };
        for (const [k, v] of Object.entries(op.block.attrs ?? {})) {
          if (v === null) delete attrs[k];
          else attrs[k] = v;
        }
        units[pos] = { kind: 'block', type: op.block.type ?? u.type, attrs };
      } else if (op.attributes) {
        for (let i = pos; i < pos + op.retain; i++) {
          const u = units[i] as Unit;
          if (u.kind !== 'char') continue;
          const next: Attributes = { ...u.attributes };
          for (const [k, v] of Object.entries(op.attributes)) {
            if (v === null) delete next[k];
            else next[k] = v;
          }
          units[i] = { ...u, attributes: next };
        }
      }
      pos += op.retain;
    } else if ('delete' in op) {
      if (pos === 0) throw new Error('delete of the first marker');
      if (pos + op.delete > units.length) throw new Error('delete past the end');
      units.splice(pos, op.delete);
    } else if (typeof op.insert === 'string') {
      if (pos === 0) throw new Error('text before the first marker');
      const inserted: Unit[] = [];
      for (let i = 0; i < op.insert.length; i++) {
        inserted.push({
          kind: 'char',
          char: op.insert[i] as string,
          attributes: { ...((op as FlatInsertText).attributes ?? {}) },
        });
      }
      units.splice(pos, 0, ...inserted);
      pos += inserted.length;
    } else {
      if (pos === 0 && units.length > 0) throw new Error('marker before the first marker');
      units.splice(pos, 0, { kind: 'block', type: op.insert.block.type, attrs: op.insert.block.attrs });
      pos += 1;
    }
  }
  return fromUnits(units);
}

/** The model as a `BlocksSource` (what the remote translation reads after a change). */
export function sourceOf(blocks: readonly FlatBlock[]) {
  let start = 0;
  const entries = blocks.map((b, i) => {
    const length = 1 + b.content.reduce((n, r) => n + r.insert.length, 0);
    const entry = { id: `b${i}`, type: b.type, attrs: b.attrs, start, length };
    start += length;
    return entry;
  });
  return {
    blockCount: blocks.length,
    blocks: () => entries,
    blockDelta: (i: number) => (blocks[i]?.content ?? []).map((r) => ({ ...r })),
  };
}
