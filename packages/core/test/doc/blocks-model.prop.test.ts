/**
 * Model test of `Blocks`: random sequential edits on one replica give what a plain model (an
 * array of blocks, each with a list of formatted characters) predicts, and the change events'
 * flat deltas, applied in order to the state before, give the state after.
 */
import {
  applyBlocksDelta,
  type BlockJSON,
  type Blocks,
  createAnchor,
  Doc,
  resolveAnchor,
  type TextDeltaInsert,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKS_SEED, blocksEdit, blocksEditArgs, freshChars } from '../arbitraries/blocks.js';

interface MChar {
  ch: string;
  attrs: Record<string, unknown>;
}
interface MBlock {
  id: string;
  type: string;
  attrs: Record<string, unknown>;
  chars: MChar[];
}

function patch(a: Record<string, unknown>, p: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(p)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

function toJSON(model: MBlock[]): BlockJSON[] {
  return model.map((b) => {
    const content: TextDeltaInsert[] = [];
    for (const c of b.chars) {
      const last = content[content.length - 1];
      const same =
        last !== undefined &&
        JSON.stringify(sorted(last.attributes ?? {})) === JSON.stringify(sorted(c.attrs));
      if (same) last.insert += c.ch;
      else
        content.push(
          Object.keys(c.attrs).length === 0 ? { insert: c.ch } : { insert: c.ch, attributes: { ...c.attrs } },
        );
    }
    return { id: b.id, type: b.type, attrs: { ...b.attrs }, content };
  });
}

function sorted(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Block index and text offset of flat position `f` (>= 1) in the model. */
function locate(model: MBlock[], f: number): [number, number] {
  let start = 0;
  for (let k = 0; k < model.length; k++) {
    const b = model[k] as MBlock;
    if (f - 1 < start + 1 + b.chars.length) return [k, f - 1 - start];
    start += 1 + b.chars.length;
  }
  throw new Error(`no block at ${f}`);
}

/** Apply to the model the edit `blocksEdit` described as `what` (its return), given ids. */
function applyModel(model: MBlock[], what: string, newId: string | undefined): void {
  const m = /^(\w+)\((.*)\)$/.exec(what);
  if (m === null) return;
  const [, op, rawArgs] = m as unknown as [string, string, string];
  const args = JSON.parse(
    `[${rawArgs.replace(/(^|, )(paragraph|heading|list_item|code_block|blockquote|undefined)(?=,|$)/g, (_s, p, w) => `${p}${w === 'undefined' ? 'null' : `"${w}"`}`)}]`,
  ) as unknown[];
  const num = (i: number): number => args[i] as number;
  switch (op) {
    case 'insertText': {
      const [k, t] = locate(model, num(0));
      const attrs = Object.fromEntries(
        Object.entries((args[2] ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null),
      );
      const chars = [...(args[1] as string)].map((ch) => ({ ch, attrs: { ...attrs } }));
      (model[k] as MBlock).chars.splice(t, 0, ...chars);
      return;
    }
    case 'format': {
      let pos = 0;
      const from = num(0);
      const to = from + num(1);
      for (const b of model) {
        pos++;
        for (const c of b.chars) {
          if (pos >= from && pos < to) c.attrs = patch(c.attrs, args[2] as Record<string, unknown>);
          pos++;
        }
      }
      return;
    }
    case 'deleteRange': {
      const from = num(0);
      const to = from + num(1);
      let pos = 0;
      const joined: number[] = [];
      model.forEach((b, k) => {
        if (pos >= from && pos < to) joined.push(k);
        pos++;
        b.chars = b.chars.filter(() => {
          const keep = !(pos >= from && pos < to);
          pos++;
          return keep;
        });
      });
      for (let i = joined.length - 1; i >= 0; i--) {
        const k = joined[i] as number;
        if (k > 0) {
          (model[k - 1] as MBlock).chars.push(...(model[k] as MBlock).chars);
          model.splice(k, 1);
        } else if ((model[0] as MBlock).chars.length === 0) model.splice(0, 1);
      }
      return;
    }
    case 'split': {
      const [k, t] = locate(model, num(0));
      const b = model[k] as MBlock;
      const tail = b.chars.splice(t);
      model.splice(k + 1, 0, {
        id: newId as string,
        type: args.length > 1 ? (args[1] as string) : b.type,
        attrs: args.length > 1 ? { ...(args[2] as Record<string, unknown>) } : { ...b.attrs },
        chars: tail,
      });
      return;
    }
    case 'join': {
      const k = num(0);
      (model[k - 1] as MBlock).chars.push(...(model[k] as MBlock).chars);
      model.splice(k, 1);
      return;
    }
    case 'move': {
      const [b] = model.splice(num(0), 1);
      model.splice(num(1), 0, b as MBlock);
      return;
    }
    case 'setBlock': {
      const b = model[num(0)] as MBlock;
      if (args[1] !== null) b.type = args[1] as string;
      b.attrs = patch(b.attrs, args[2] as Record<string, unknown>);
      return;
    }
    case 'insertBlock': {
      const chars = [...(args[3] as string)].map((ch) => ({ ch, attrs: {} }));
      model.splice(num(0), 0, {
        id: newId as string,
        type: args[1] as string,
        attrs: { ...(args[2] as Record<string, unknown>) },
        chars,
      });
      return;
    }
    case 'deleteBlocks':
      model.splice(num(0), num(1));
      return;
  }
}

function newBlockId(before: BlockJSON[], after: BlockJSON[]): string | undefined {
  const had = new Set(before.map((b) => b.id));
  return after.find((b) => !had.has(b.id))?.id;
}

describe('Blocks against a sequential model (property)', () => {
  it('every edit gives the model state, and events replay to it', () => {
    fc.assert(
      fc.property(fc.array(blocksEditArgs, { minLength: 1, maxLength: 40 }), (steps) => {
        let clock = 1_000_000;
        const doc = new Doc({ clientId: 7, now: () => clock++ });
        const b: Blocks = doc.getBlocks('b');
        const fresh = freshChars();
        const model: MBlock[] = [];
        let mirror: BlockJSON[] = [];
        b.observe((ev) => {
          mirror = applyBlocksDelta(mirror, ev.blocksDelta);
        });
        const log: string[] = [];
        for (const args of steps) {
          const before = b.toJSON();
          const what = blocksEdit(b, args, fresh, true);
          log.push(what);
          const after = b.toJSON();
          applyModel(model, what, newBlockId(before, after));
          expect(after, log.join('\n')).toEqual(toJSON(model));
          expect(mirror, log.join('\n')).toEqual(after);
          const infos = b.blocks();
          let start = 0;
          for (const info of infos) {
            expect(info.start).toBe(start);
            start += 1 + info.length;
          }
          expect(b.length).toBe(start);
        }
      }),
      { numRuns: 300, ...BLOCKS_SEED },
    );
  }, 60_000);
});

describe('Blocks positions in the text (property)', () => {
  it('flatIndexOf(textIndexOf(f)) is f, and anchors made there follow the text', () => {
    fc.assert(
      fc.property(fc.array(blocksEditArgs, { minLength: 1, maxLength: 30 }), (steps) => {
        let clock = 1_000_000;
        const doc = new Doc({ clientId: 7, now: () => clock++ });
        const b: Blocks = doc.getBlocks('b');
        const fresh = freshChars();
        for (const args of steps) blocksEdit(b, args, fresh);
        for (let f = 1; f <= b.length; f++) {
          expect(b.flatIndexOf(b.textIndexOf(f))).toBe(f);
          const anchor = createAnchor(b.text, b.textIndexOf(f), 'after');
          expect(b.flatIndexOf(resolveAnchor(b.text, anchor) as number)).toBe(f);
        }
        // Text typed at the front moves every anchor by its length.
        const anchors = Array.from({ length: b.length }, (_, k) =>
          createAnchor(b.text, b.textIndexOf(k + 1), 'after'),
        );
        if (b.length > 0) {
          b.insertText(1, 'ab', {});
          for (let k = 0; k < anchors.length; k++) {
            const at = resolveAnchor(b.text, anchors[k] as (typeof anchors)[number]) as number;
            expect(b.flatIndexOf(at)).toBe(k === 0 ? 1 : k + 3);
          }
        }
        for (let i = 0; i <= b.text.length; i++) {
          const f = b.flatIndexOf(i);
          expect(f).toBeGreaterThanOrEqual(0);
          expect(f).toBeLessThanOrEqual(b.length);
        }
      }),
      { numRuns: 300, ...BLOCKS_SEED },
    );
  }, 60_000);
});
