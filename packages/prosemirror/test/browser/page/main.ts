/**
 * The browser-test page: one Accord document whose blocks are bound to one ProseMirror editor
 * (basic schema with lists) through `accordProsemirror`. Pages of one browser context on the same
 * `?room=` sync their documents and presence over a `BroadcastChannel` (`channel-sync.ts`), which
 * `window.pmHarness.setOnline` can cut. `window.pmHarness` (`page-api.ts`) lets the test read the
 * editor's document, the Accord blocks and the selection, and run formatting commands.
 */
import { Doc } from '@accord/core';
import { channelSync, pageUser } from '@accord/test-browser/page';
import { baseKeymap, setBlockType, toggleMark } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { type Command, EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import {
  accordProsemirror,
  blocksToDoc,
  remoteCaretsCss,
  accordSchema as schema,
} from '../../../src/index.js';
import { pageHarness, publishHarness } from './page-api.js';

const doc = new Doc();
const blocks = doc.getBlocks('content');
const sync = channelSync(doc, pageUser(location.href), 'accord-pm-test');
const presence = sync.presence;

const nodes = schema.nodes;
const marks = schema.marks;
const commands: Record<string, Command> = {
  bold: toggleMark(marks.strong),
  italic: toggleMark(marks.em),
  code: toggleMark(marks.code),
  link: toggleMark(marks.link, { href: 'https://accord.example/' }),
  heading: setBlockType(nodes.heading, { level: 2 }),
  paragraph: setBlockType(nodes.paragraph),
  bulletList: wrapInList(nodes.bullet_list),
  orderedList: wrapInList(nodes.ordered_list),
};

const style = document.createElement('style');
style.textContent = remoteCaretsCss;
document.head.append(style);

const view = new EditorView(document.getElementById('editor') as HTMLElement, {
  state: EditorState.create({
    doc: blocksToDoc(blocks, schema),
    plugins: [
      ...accordProsemirror(blocks, { presence }),
      keymap({
        'Mod-b': commands.bold as Command,
        'Mod-i': commands.italic as Command,
        'Mod-k': commands.link as Command,
        Enter: splitListItem(nodes.list_item),
        Tab: sinkListItem(nodes.list_item),
        'Shift-Tab': liftListItem(nodes.list_item),
      }),
      keymap(baseKeymap),
    ],
  }),
  attributes: { 'data-testid': 'editor', 'aria-label': 'Shared rich text' },
});

sync.start();
publishHarness(pageHarness({ view, blocks, schema, commands, sync }));
