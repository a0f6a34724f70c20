/**
 * fast-check arbitraries of the package's tests: flat blocks, editor commands on random
 * selections, and flat deltas (a failure prints its seed; rerun with it to replay).
 */
import type { Attributes } from '@accord/core';
import fc from 'fast-check';
import {
  baseKeymap,
  joinBackward,
  lift,
  setBlockType,
  splitBlock,
  toggleMark,
  wrapIn,
} from 'prosemirror-commands';
import { Fragment, type Node, Slice } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { ChangeTracker } from '../src/binding.js';
import type { FlatBlock, FlatDeltaOp } from '../src/flat.js';
import { accordSchema as schema } from '../src/schema.js';

const attributesArb: fc.Arbitrary<Attributes> = fc
  .record(
    {
      bold: fc.constant(true),
      italic: fc.constant(true),
      link: fc.constantFrom({ href: 'https://a.example' }, { href: 'https://b.example' }),
      code: fc.constant(true),
    },
    { requiredKeys: [] },
  )
  .map((a) => ({ ...a }) as Attributes);

const textArb = fc
  .array(fc.constantFrom('a', 'b', 'c', ' ', '\n', 'é'), { minLength: 1, maxLength: 5 })
  .map((c) => c.join(''));

const infoArb = fc.oneof(
  fc.constant({ type: 'paragraph', attrs: {} }),
  fc.integer({ min: 1, max: 3 }).map((level) => ({ type: 'heading', attrs: { level } })),
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('bullet', 'ordered'))
    .map(([indent, kind]) => ({ type: 'list_item', attrs: { indent, kind } })),
  fc.constant({ type: 'code_block', attrs: {} }),
  fc.constant({ type: 'blockquote', attrs: {} }),
);

/** A block of any kind with a few formatted runs. */
export const blockArb: fc.Arbitrary<FlatBlock> = fc
  .tuple(infoArb, fc.array(fc.tuple(textArb, attributesArb), { maxLength: 3 }))
  .map(([info, runs]) => ({
    ...info,
    content: runs.map(([insert, attributes]) =>
      Object.keys(attributes).length > 0 ? { insert, attributes } : { insert },
    ),
  }));

/** One to six blocks. */
export const blocksArb: fc.Arbitrary<FlatBlock[]> = fc.array(blockArb, { minLength: 1, maxLength: 6 });

const link = schema.marks.link;
const commands: Record<string, Command> = {
  bold: toggleMark(schema.marks.strong),
  italic: toggleMark(schema.marks.em),
  code: toggleMark(schema.marks.code),
  link: (state, dispatch) =>
    link ? toggleMark(link, { href: 'https://c.example' })(state, dispatch) : false,
  split: splitBlock,
  join: joinBackward,
  heading: setBlockType(schema.nodes.heading, { level: 2 }),
  paragraph: setBlockType(schema.nodes.paragraph),
  codeBlock: setBlockType(schema.nodes.code_block),
  bullet: wrapInList(schema.nodes.bullet_list),
  ordered: wrapInList(schema.nodes.ordered_list),
  sink: sinkListItem(schema.nodes.list_item),
  liftItem: liftListItem(schema.nodes.list_item),
  splitItem: splitListItem(schema.nodes.list_item),
  quote: wrapIn(schema.nodes.blockquote),
  lift,
  backspace: baseKeymap.Backspace as Command,
  delete: baseKeymap.Delete as Command,
  type: (state, dispatch) => {
    dispatch?.(state.tr.insertText('xy'));
    return true;
  },
  typeBreak: (state, dispatch) => {
    dispatch?.(state.tr.replaceSelectionWith(schema.nodes.hard_break.create()));
    return true;
  },
  paste: (state, dispatch) => {
    // What a paste of "<p>pa<strong>st</strong></p><ul><li>x</li></ul>" inserts.
    const n = schema.nodes;
    const slice = new Slice(
      Fragment.from([
        n.paragraph.create(null, [schema.text('pa'), schema.text('st', [schema.marks.strong.create()])]),
        n.bullet_list.create(null, n.list_item.create(null, n.paragraph.create(null, schema.text('x')))),
      ]),
      1,
      3,
    );
    dispatch?.(state.tr.replaceSelection(slice));
    return true;
  },
  drag: (state, dispatch) => {
    // Drag the top-level node holding the anchor before the one holding the head, as a drop
    // does: the node deleted, then inserted at the target.
    const { doc } = state;
    const from = state.selection.$anchor.index(0);
    if (doc.childCount < 2 || from >= doc.childCount) return false;
    let to = Math.min(state.selection.$head.index(0), doc.childCount);
    // Where it already is: to the end, or (the first) to the start.
    if (to === from || to === from + 1) to = from === 0 ? doc.childCount : 0;
    const start = (i: number): number => {
      let pos = 0;
      for (let k = 0; k < i; k++) pos += doc.child(k).nodeSize;
      return pos;
    };
    const node = doc.child(from);
    const tr = state.tr.delete(start(from), start(from) + node.nodeSize);
    tr.insert(tr.mapping.map(start(to)), node);
    dispatch?.(tr);
    return true;
  },
  deleteSelection: (state, dispatch) => {
    dispatch?.(state.tr.deleteSelection());
    return true;
  },
};

/** One command at a random selection (fractions of the document size). */
export type Edit = readonly [name: string, anchor: number, head: number];

export const editArb: fc.Arbitrary<Edit> = fc.tuple(
  fc.constantFrom(...Object.keys(commands)),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

/** Run one edit on an editor (a state and a dispatch); commands that do not apply do nothing. */
export function runCommand(
  view: { state: EditorState; dispatch(tr: import('prosemirror-state').Transaction): void },
  [name, a, h]: Edit,
): void {
  const size = view.state.doc.content.size;
  const sel = TextSelection.between(
    view.state.doc.resolve(Math.round(a * size)),
    view.state.doc.resolve(Math.round(h * size)),
  );
  view.dispatch(view.state.tr.setSelection(sel));
  (commands[name] as Command)(view.state, (tr) => view.dispatch(tr));
}

/** Run `edits` on `doc` (commands that do not apply are skipped); returns the final document. */
export function runEdits(doc: Node, edits: readonly Edit[]): Node {
  return runEditsTracked(doc, edits).doc;
}

/** As {@link runEdits}, with the range the transactions replaced (a `ChangeTracker`'s hint). */
export function runEditsTracked(
  doc: Node,
  edits: readonly Edit[],
): { doc: Node; hint: { from: number; to: number } | undefined } {
  const tracker = new ChangeTracker();
  tracker.reset(doc);
  let state = EditorState.create({ doc, schema });
  for (const [name, a, h] of edits) {
    const size = state.doc.content.size;
    const sel = TextSelection.between(
      state.doc.resolve(Math.round(a * size)),
      state.doc.resolve(Math.round(h * size)),
    );
    state = state.apply(state.tr.setSelection(sel));
    const command = commands[name] as Command;
    command(state, (tr) => {
      tracker.note(tr, state.doc);
      state = state.apply(tr);
    });
  }
  return { doc: state.doc, hint: tracker.take(state.doc) };
}

/**
 * A random flat delta over blocks of flat length `length`: text and block inserts, deletes that
 * never take the first marker, formats and block changes.
 */
export function deltaArb(blocks: readonly FlatBlock[]): fc.Arbitrary<FlatDeltaOp[]> {
  const markers: number[] = [];
  let length = 0;
  for (const b of blocks) {
    markers.push(length);
    length += 1 + b.content.reduce((n, r) => n + r.insert.length, 0);
  }
  const op = fc.oneof(
    fc.tuple(fc.constant('insert' as const), textArb, attributesArb),
    fc.tuple(fc.constant('block' as const), infoArb),
    fc.tuple(fc.constant('delete' as const), fc.integer({ min: 1, max: 4 })),
    fc.tuple(fc.constant('format' as const), fc.integer({ min: 1, max: 6 }), attributesArb, fc.boolean()),
    fc.tuple(fc.constant('setBlock' as const), infoArb),
  );
  return fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), op), { minLength: 1, maxLength: 4 }).map((ops) => {
    const delta: FlatDeltaOp[] = [];
    let pos = 0; // old position
    for (const [skip, o] of ops) {
      const gap = Math.min(skip + (pos === 0 ? 1 : 0), length - pos);
      if (gap > 0) delta.push({ retain: gap });
      pos += gap;
      if (pos === 0) continue;
      switch (o[0]) {
        case 'insert':
          delta.push(Object.keys(o[2]).length > 0 ? { insert: o[1], attributes: o[2] } : { insert: o[1] });
          break;
        case 'block':
          delta.push({ insert: { block: o[1] } });
          break;
        case 'delete': {
          const n = Math.min(o[1], length - pos);
          if (n > 0) delta.push({ delete: n });
          pos += n;
          break;
        }
        case 'format': {
          const n = Math.min(o[1], length - pos);
          if (n === 0) break;
          const patch = o[3] ? o[2] : Object.fromEntries(Object.keys(o[2]).map((k) => [k, null]));
          delta.push(Object.keys(patch).length > 0 ? { retain: n, attributes: patch } : { retain: n });
          pos += n;
          break;
        }
        case 'setBlock': {
          const m = markers.find((x) => x >= pos);
          if (m === undefined) break;
          if (m > pos) delta.push({ retain: m - pos });
          delta.push({ retain: 1, block: o[1] });
          pos = m + 1;
          break;
        }
      }
    }
    return delta;
  });
}
