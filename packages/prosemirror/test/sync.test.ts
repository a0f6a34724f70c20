/**
 * The binding end to end in Node, with real Accord documents and the plugins on a stand-in view:
 * local edits reach the other replica as one Accord transaction each, remote ones come in as one
 * ProseMirror transaction each, and random concurrent edits of three editors (typing, Enter,
 * Backspace, paste, marks, headings, lists, blockquotes, undo and redo) converge to one document
 * equal to the blocks', with no full reset of any editor.
 */
import {
  applyUpdate,
  Doc,
  type DocOptions,
  decodeAnchor,
  encodeStateAsUpdate,
  resolveAnchor,
} from '@accord/core';
import type { PresenceValue } from '@accord/core/protocol';
import { waitFor } from '@accord/sync-server/testing';
import fc from 'fast-check';
import { EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { accordSyncKey } from '../src/binding.js';
import { accordProsemirror, blocksToDoc } from '../src/collab.js';
import { BlockMapping } from '../src/convert.js';
import { flatToPos } from '../src/positions.js';
import { accordSchema as schema } from '../src/schema.js';
import { accordRedo, accordSync, accordUndo } from '../src/undo.js';
import { editArb, runCommand } from './arbitraries.js';
import { type FakeView, fakeView } from './fake-view.js';

interface Replica {
  readonly doc: Doc;
  readonly view: FakeView;
  /** Updates made here, not delivered yet. */
  readonly outbox: Uint8Array[];
}

/** A replica (an editor bound to a document), holding `seed` if given. */
function replica(seed?: Uint8Array, options: DocOptions = {}): Replica {
  const doc = new Doc(options);
  if (seed) applyUpdate(doc, seed, 'remote');
  const blocks = doc.getBlocks('content');
  const outbox: Uint8Array[] = [];
  doc.on('update', (bytes, origin) => {
    if (origin !== 'remote') outbox.push(bytes);
  });
  const state = EditorState.create({
    schema,
    doc: blocksToDoc(blocks, schema),
    plugins: accordProsemirror(blocks),
  });
  return { doc, view: fakeView(state), outbox };
}

/** Deliver what `from` made so far to every other replica. */
function broadcast(from: Replica, replicas: readonly Replica[]): void {
  for (const bytes of from.outbox.splice(0)) {
    for (const to of replicas) if (to !== from) applyUpdate(to.doc, bytes, 'remote');
  }
}

function expectConverged(replicas: readonly Replica[]): void {
  const first = replicas[0] as Replica;
  const json = first.view.state.doc.toJSON();
  for (const r of replicas) {
    expect(r.view.state.doc.toJSON()).toEqual(json);
    expect(blocksToDoc(r.doc.getBlocks('content'), schema).toJSON()).toEqual(json);
    // Every remote change was translated, none needed the editor recovered from the blocks (a new
    // document's first block and a document left with none are translations too).
    expect(accordSync(r.view as never)?.counts.resyncs).toBe(0);
  }
}

/**
 * Three replicas of "one" | " two" written by the first, its outbox empty and its undo history
 * cleared (the setup is not its to undo: undoing it would empty the document, a full reset).
 */
function twoParagraphs(options?: (i: number) => DocOptions): Replica[] {
  const a = replica(undefined, options?.(0));
  a.view.select(1);
  a.view.dispatch(a.view.state.tr.insertText('one two'));
  a.view.dispatch(a.view.state.tr.split(4));
  const seed = encodeStateAsUpdate(a.doc);
  a.outbox.length = 0;
  accordSync(a.view as never)?.undoManager.clear();
  return [a, replica(seed, options?.(1)), replica(seed, options?.(2))];
}

/** The text of each top-level block of a replica's editor. */
function texts(r: Replica): string[] {
  const out: string[] = [];
  r.view.state.doc.forEach((n) => {
    out.push(n.textContent);
  });
  return out;
}

describe('two editors bound to two replicas', () => {
  it('send typing, Enter and bold across, one transaction each', () => {
    const a = replica();
    const b = replica();
    let remoteTransactions = 0;
    const view = b.view;
    const dispatch = view.dispatch.bind(view);
    view.dispatch = (tr) => {
      if (tr.getMeta(accordSyncKey) === 'remote') remoteTransactions++;
      dispatch(tr);
    };
    a.view.select(1);
    a.view.dispatch(a.view.state.tr.insertText('hello world'));
    broadcast(a, [a, b]);
    expectConverged([a, b]);
    a.view.dispatch(a.view.state.tr.split(6));
    a.view.dispatch(a.view.state.tr.addMark(1, 6, schema.marks.strong.create()));
    broadcast(a, [a, b]);
    expectConverged([a, b]);
    expect(b.view.state.doc.toJSON()).toEqual({
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'hello', marks: [{ type: 'strong' }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: ' world' }] },
      ],
    });
    expect(a.outbox).toHaveLength(0);
    expect(remoteTransactions).toBeGreaterThanOrEqual(3);
    expect(remoteTransactions).toBeLessThanOrEqual(4); // the first may create the block
  });

  it('write nothing to a new document when a transaction sets the empty content again', () => {
    // As Tiptap's setContent does with the blocks' own (empty) document: each tab opening a new
    // document used to write a first paragraph, and two tabs ended with two.
    const a = replica();
    const b = replica();
    for (const r of [a, b]) {
      const { state } = r.view;
      r.view.dispatch(
        state.tr.replaceWith(
          0,
          state.doc.content.size,
          blocksToDoc(r.doc.getBlocks('content'), schema).content,
        ),
      );
      expect(r.outbox).toHaveLength(0);
      expect(r.doc.getBlocks('content').blockCount).toBe(0);
    }
    // Something else is written: a heading with no text is not the empty document.
    a.view.dispatch(a.view.state.tr.setNodeMarkup(0, schema.nodes.heading, { level: 1 }));
    expect(a.outbox).toHaveLength(1);
    broadcast(a, [a, b]);
    expectConverged([a, b]);
    expect(b.view.state.doc.toJSON()).toEqual({
      type: 'doc',
      content: [{ type: 'heading', attrs: { level: 1 } }],
    });
  });

  it('send a dragged block as a move: text typed into it meanwhile moves with it', () => {
    const a = replica();
    a.view.select(1);
    a.view.dispatch(a.view.state.tr.insertText('one'));
    a.view.dispatch(a.view.state.tr.split(4));
    a.view.dispatch(a.view.state.tr.insertText('two'));
    a.view.dispatch(a.view.state.tr.split(9));
    a.view.dispatch(a.view.state.tr.insertText('three'));
    const b = replica(encodeStateAsUpdate(a.doc));
    a.outbox.length = 0;
    expect(texts(b)).toEqual(['one', 'two', 'three']);
    // A drags "one" below "three" (as a drop does: the node deleted, then inserted there).
    const state = a.view.state;
    const one = state.doc.child(0);
    const drag = state.tr.delete(0, one.nodeSize);
    drag.insert(drag.doc.content.size, one);
    a.view.dispatch(drag);
    expect(texts(a)).toEqual(['two', 'three', 'one']);
    // Meanwhile B types at the end of "one".
    b.view.select(4);
    b.view.dispatch(b.view.state.tr.insertText(' and more'));
    broadcast(a, [a, b]);
    broadcast(b, [a, b]);
    expectConverged([a, b]);
    expect(texts(a)).toEqual(['two', 'three', 'one and more']);
  });

  it('send a run of blocks dragged up as moves, and other changes as edits', () => {
    const a = replica();
    a.view.select(1);
    const words = ['a', 'b', 'c', 'd', 'e'];
    for (const [i, w] of words.entries()) {
      if (i > 0) a.view.dispatch(a.view.state.tr.split(a.view.state.selection.from));
      a.view.dispatch(a.view.state.tr.insertText(w));
    }
    const b = replica(encodeStateAsUpdate(a.doc));
    a.outbox.length = 0;
    // A drags "d" and "e" (2 blocks of 3 bytes each, from position 9) above "b".
    const state = a.view.state;
    const slice = state.doc.slice(9, 15);
    const drag = state.tr.delete(9, 15);
    drag.insert(3, slice.content);
    a.view.dispatch(drag);
    // B types into "e" and into "c" meanwhile.
    b.view.dispatch(b.view.state.tr.insertText('E', 14));
    b.view.dispatch(b.view.state.tr.insertText('C', 8));
    broadcast(a, [a, b]);
    broadcast(b, [a, b]);
    expectConverged([a, b]);
    expect(texts(a)).toEqual(['a', 'd', 'eE', 'b', 'cC']);
  });

  it('two editors typing into a new document at once give one paragraph with both texts', () => {
    for (const aFirst of [true, false]) {
      const a = replica();
      const b = replica();
      a.view.select(1);
      a.view.dispatch(a.view.state.tr.insertText('hello'));
      b.view.select(1);
      b.view.dispatch(b.view.state.tr.insertText('world'));
      for (const from of aFirst ? [a, b] : [b, a]) broadcast(from, [a, b]);
      expectConverged([a, b]);
      const doc = a.view.state.doc.toJSON() as { content: { type: string; content: unknown[] }[] };
      expect(doc.content).toHaveLength(1);
      expect(doc.content[0]?.type).toBe('paragraph');
      expect(['helloworld', 'worldhello']).toContain(a.view.state.doc.textContent);
      // Enter in it and typing go on as in any paragraph.
      a.view.dispatch(a.view.state.tr.split(6));
      a.view.dispatch(a.view.state.tr.insertText('!'));
      broadcast(a, [a, b]);
      expectConverged([a, b]);
      expect(b.view.state.doc.childCount).toBe(2);
    }
  });

  it('converge under random concurrent edits', () => {
    fc.assert(
      fc.property(
        // Replica ids (they break ties between concurrent inserts and writes) and each replica's
        // wall clock (map and block writes carry its time) come from the input, never from
        // crypto or Date.now, so a counterexample's seed replays it.
        fc.uniqueArray(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), {
          minLength: 3,
          maxLength: 3,
        }),
        fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: 3, maxLength: 3 }),
        fc.array(
          fc.tuple(
            fc.constantFrom(0, 1, 2),
            fc.constantFrom('edit', 'edit', 'edit', 'sync', 'undo', 'redo'),
            editArb,
            fc.constantFrom(0, 0, 1, 700),
          ),
          {
            minLength: 1,
            maxLength: 16,
          },
        ),
        (ids, skews, script) => {
          let clock = 1_800_000_000_000;
          const options = (i: number): DocOptions => ({
            clientId: ids[i] as number,
            now: () => clock + (skews[i] as number),
          });
          const replicas = twoParagraphs(options);
          for (const [who, kind, edit, elapsed] of script) {
            clock += elapsed;
            const r = replicas[who] as Replica;
            if (kind === 'sync') broadcast(r, replicas);
            else if (kind === 'undo') accordUndo(r.view.state, r.view.dispatch, r.view as never);
            else if (kind === 'redo') accordRedo(r.view.state, r.view.dispatch, r.view as never);
            else {
              runCommand(r.view, edit);
              accordSync(r.view as never)?.undoManager.stopCapturing();
            }
          }
          for (const r of replicas) broadcast(r, replicas);
          expectConverged(replicas);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('show one empty paragraph, without a resync, when a remote change leaves no block at all', () => {
    // Found by the property above (seed -2125701124): A presses Enter at the start and undoes it
    // (the text before the first boundary is the implicit paragraph again) while B deletes
    // everything; together they leave no block, which no flat delta can say to an editor.
    const all = twoParagraphs();
    const [a, b, c] = all as [Replica, Replica, Replica];
    runCommand(a.view, ['split', 0, 0]);
    broadcast(a, all);
    accordUndo(a.view.state, a.view.dispatch, a.view as never);
    runCommand(b.view, ['delete', 0, 1]);
    expect(b.doc.getBlocks('content').blockCount).toBe(1);
    for (const r of all) broadcast(r, all);
    expect(a.doc.getBlocks('content').blockCount).toBe(0);
    expectConverged(all);
    expect(a.view.state.doc.toJSON()).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    // Typing into it goes on as in a new document.
    b.view.select(1);
    b.view.dispatch(b.view.state.tr.insertText('again'));
    broadcast(b, all);
    expect(texts(a)).toEqual(['again']);
    expect(texts(c)).toEqual(['again']);
  });

  it("never shows formatting on the others' screens that a code block kept out of this one", () => {
    // B bolds "one" while A makes its paragraph a code block: Accord keeps the bold, no editor
    // shows it. When A then takes the text out of the code block (its type changed back, or a
    // Backspace joining it into the paragraph before), every replica must show what A sees.
    const takeOut = {
      'type changed back': (r: Replica) =>
        r.view.dispatch(r.view.state.tr.setBlockType(1, 1, schema.nodes.paragraph)),
      'joined into the block before': (r: Replica) => {
        r.view.select(2); // the start of the code block
        runCommand(r.view, ['join', 2 / r.view.state.doc.content.size, 2 / r.view.state.doc.content.size]);
      },
    };
    for (const [name, step] of Object.entries(takeOut)) {
      const a = replica();
      a.view.select(1);
      if (name === 'joined into the block before') {
        a.view.dispatch(a.view.state.tr.insertText('x'));
        a.view.dispatch(a.view.state.tr.split(2));
      }
      a.view.dispatch(a.view.state.tr.insertText('one two'));
      const seed = encodeStateAsUpdate(a.doc);
      a.outbox.length = 0;
      const b = replica(seed);
      const c = replica(seed);
      const all = [a, b, c];
      const code = name === 'type changed back' ? 1 : 4;
      a.view.dispatch(a.view.state.tr.setBlockType(code, code, schema.nodes.code_block));
      b.view.dispatch(b.view.state.tr.addMark(code, code + 3, schema.marks.strong.create()));
      for (const r of all) broadcast(r, all);
      expectConverged(all);
      expect(JSON.stringify(a.doc.getBlocks('content').toJSON())).toContain('"bold":true');
      expect(JSON.stringify(a.view.state.doc.toJSON())).not.toContain('strong');
      step(a);
      for (const r of all) broadcast(r, all);
      expectConverged(all);
      expect(JSON.stringify(c.view.state.doc.toJSON()), name).not.toContain('strong');
      expect(c.view.state.doc.textContent).toContain('one two');
    }
  });

  it('keeps the caret after its character when a remote change rebuilds its block', () => {
    const a = replica();
    a.view.select(1);
    a.view.dispatch(a.view.state.tr.insertText('hello world'));
    a.view.dispatch(a.view.state.tr.split(6)); // "hello" | " world"
    const b = replica(encodeStateAsUpdate(a.doc));
    a.outbox.length = 0;
    a.view.select(11); // " wo|rld"
    // B turns A's paragraph into a heading, then a list item, and splits the block before it.
    b.view.dispatch(b.view.state.tr.setBlockType(8, 8, schema.nodes.heading, { level: 2 }));
    b.view.dispatch(b.view.state.tr.split(3));
    broadcast(b, [a, b]);
    expectConverged([a, b]);
    const { $head } = a.view.state.selection;
    expect($head.parent.type.name).toBe('heading');
    expect($head.parent.textContent.slice(0, $head.parentOffset)).toBe(' wo');
  });

  it('undoes only its own edits, with the caret where the undone change was', () => {
    const a = replica();
    a.view.select(1);
    a.view.dispatch(a.view.state.tr.insertText('shared'));
    const b = replica(encodeStateAsUpdate(a.doc));
    a.outbox.length = 0;
    const undo = accordSync(a.view as never)?.undoManager;
    undo?.stopCapturing();
    a.view.dispatch(a.view.state.tr.insertText(' mine', 7));
    b.view.dispatch(b.view.state.tr.insertText('theirs ', 1));
    broadcast(a, [a, b]);
    broadcast(b, [a, b]);
    expect(a.view.state.doc.textContent).toBe('theirs shared mine');
    accordUndo(a.view.state, a.view.dispatch, a.view as never);
    broadcast(a, [a, b]);
    expectConverged([a, b]);
    expect(b.view.state.doc.textContent).toBe('theirs shared');
    expect(a.view.state.selection.head).toBe(1 + 'theirs shared'.length);
    accordRedo(a.view.state, a.view.dispatch, a.view as never);
    broadcast(a, [a, b]);
    expectConverged([a, b]);
    expect(b.view.state.doc.textContent).toBe('theirs shared mine');
  });

  it('keeps the editor in the shape of the blocks: no node without a block, lists merged', () => {
    const a = replica();
    const b = replica();
    a.view.select(1);
    a.view.dispatch(a.view.state.tr.insertText('text'));
    // A horizontal rule and an image have no block: they go, in the same update.
    a.view.dispatch(
      a.view.state.tr.insert(a.view.state.doc.content.size, schema.nodes.horizontal_rule.create()),
    );
    a.view.dispatch(a.view.state.tr.insert(3, schema.nodes.image.create({ src: 'x.png' })));
    expect(a.view.state.doc.toJSON()).toEqual({
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'text' }] }],
    });
    // A list item with two paragraphs becomes two items.
    const item = schema.nodes.list_item.create(null, [
      schema.nodes.paragraph.create(null, schema.text('one')),
      schema.nodes.paragraph.create(null, schema.text('two')),
    ]);
    a.view.dispatch(
      a.view.state.tr.insert(a.view.state.doc.content.size, schema.nodes.bullet_list.create(null, item)),
    );
    broadcast(a, [a, b]);
    expectConverged([a, b]);
    const list = a.view.state.doc.lastChild?.toJSON() as { type: string; content: unknown[] };
    expect(list.type).toBe('bullet_list');
    expect(list.content).toHaveLength(2);
  });
});

describe('presence', () => {
  it('publishes anchors that every replica resolves to the same characters', async () => {
    const published: PresenceValue[] = [];
    const presence = {
      peers: new Map(),
      on: () => () => undefined,
      updatePresence: ({ cursor }: { cursor: PresenceValue }) => {
        published.push(cursor);
      },
    };
    const a = new Doc();
    const blocks = a.getBlocks('content');
    blocks.insertBlock(0, 'paragraph', {}, [{ insert: 'hello' }]);
    blocks.insertBlock(1, 'paragraph', {}, [{ insert: 'world' }]);
    const view = fakeView(
      EditorState.create({
        schema,
        doc: blocksToDoc(blocks, schema),
        plugins: accordProsemirror(blocks, { presence, cursorThrottleMs: 0 }),
      }),
    );
    view.select(10); // "wo|rld"
    await waitFor('the cursor to be published', () => published.length > 0);
    const cursor = published[published.length - 1] as { textHead: Uint8Array; flatHead: number };
    expect(cursor.flatHead).toBe(9); // markers at 0 and 6: "wo" ends at 9
    // Another replica, with text typed before the caret and a block split off before it.
    const b = new Doc();
    applyUpdate(b, encodeStateAsUpdate(a));
    const other = b.getBlocks('content');
    other.insertText(1, 'oh ');
    other.split(4);
    const mapping = new BlockMapping(schema);
    const doc = blocksToDoc(other, schema);
    const pos = doc.resolve(
      flatToPos(
        mapping.layout(doc),
        other.flatIndexOf(resolveAnchor(other.text, decodeAnchor(cursor.textHead)) ?? 0),
      ),
    );
    expect(pos.parent.textContent.slice(0, pos.parentOffset)).toBe('wo');
    view.destroy();
  });
});
