/**
 * The Tiptap test page: the README's Tiptap example as written (a Tiptap 3 editor with the
 * starter kit, its own undo left out, and the binding added as an extension with Tiptap's names),
 * synced with the other Tiptap pages of its room like the plain page. `window.pmHarness` is the
 * same API as on the plain page; its commands are Tiptap's.
 */
import { Doc } from '@accord/core';
import { channelSync, pageUser } from '@accord/test-browser/page';
import { Editor, Extension, getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import type { Command } from 'prosemirror-state';
import { accordProsemirror, blocksToDoc, remoteCaretsCss, tiptapNames } from '../../../src/index.js';
import { pageHarness, publishHarness } from './page-api.js';

// --- The README's example (only `presence` is filled in) ---
const doc = new Doc();
const blocks = doc.getBlocks('notes');
const sync = channelSync(doc, pageUser(location.href), 'accord-tiptap-test');

const AccordCollab = Extension.create({
  name: 'accordCollab',
  addProseMirrorPlugins() {
    return accordProsemirror(blocks, { names: tiptapNames, presence: sync.presence });
  },
});

const extensions = [StarterKit.configure({ undoRedo: false }), AccordCollab];
const editor = new Editor({
  element: document.querySelector<HTMLElement>('#editor'),
  extensions,
  // Start from the shared blocks (the binding also resets a differing document on its own).
  content: blocksToDoc(blocks, getSchema(extensions), tiptapNames).toJSON(),
});
// --- end of the example ---

const style = document.createElement('style');
style.textContent = remoteCaretsCss;
document.head.append(style);

/** Tiptap's own commands, run on the focused editor. */
const tiptap = (run: () => boolean): Command => run;
const commands: Record<string, Command> = {
  bold: tiptap(() => editor.chain().focus().toggleBold().run()),
  italic: tiptap(() => editor.chain().focus().toggleItalic().run()),
  code: tiptap(() => editor.chain().focus().toggleCode().run()),
  link: tiptap(() => editor.chain().focus().toggleLink({ href: 'https://accord.example/' }).run()),
  heading: tiptap(() => editor.chain().focus().setHeading({ level: 2 }).run()),
  paragraph: tiptap(() => editor.chain().focus().setParagraph().run()),
  bulletList: tiptap(() => editor.chain().focus().toggleBulletList().run()),
  orderedList: tiptap(() => editor.chain().focus().toggleOrderedList().run()),
};

sync.start();
publishHarness(
  pageHarness({ view: editor.view, blocks, schema: editor.schema, names: tiptapNames, commands, sync }),
);
