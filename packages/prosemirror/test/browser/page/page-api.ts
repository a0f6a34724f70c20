/**
 * `window.pmHarness`: what the browser tests call on a test page, the same for every page (the
 * plain ProseMirror one and the Tiptap one), over that page's editor view and Accord blocks.
 */
import type { Blocks } from '@accord/core';
import type { ChannelSync } from '@accord/test-browser/page';
import type { Schema } from 'prosemirror-model';
import { type Command, TextSelection } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { accordSync, blocksToDoc, type SchemaNames } from '../../../src/index.js';

/** What a page hands to {@link pageHarness}. */
export interface PageParts {
  readonly view: EditorView;
  readonly blocks: Blocks;
  readonly schema: Schema;
  /** The schema's names (the basic schema's when absent). */
  readonly names?: SchemaNames;
  /** Named commands the tests run (`bold`, `heading`, ...). */
  readonly commands: Readonly<Record<string, Command>>;
  readonly sync: ChannelSync;
}

/** The test API over one page's editor. */
export function pageHarness(parts: PageParts) {
  const { blocks, schema, names, commands, sync } = parts;
  const view = (): EditorView => parts.view;
  const harness = {
    /** The editor's document as JSON. */
    editorJSON: (): unknown => view().state.doc.toJSON(),
    /** The document the Accord blocks show as, as JSON. */
    accordJSON: (): unknown => blocksToDoc(blocks, schema, names).toJSON(),
    /** The Accord blocks. */
    blocksJSON: (): unknown => blocks.toJSON(),
    /** The editor's text (blocks separated by newlines). */
    text: (): string => view().state.doc.textBetween(0, view().state.doc.content.size, '\n'),
    /** The selection. */
    selection: (): { anchor: number; head: number } => {
      const { anchor, head } = view().state.selection;
      return { anchor, head };
    },
    /** Focus the editor and select `anchor`..`head` (a caret when equal). */
    select: (anchor: number, head = anchor): void => {
      const v = view();
      v.focus();
      v.dispatch(v.state.tr.setSelection(TextSelection.create(v.state.doc, anchor, head)));
    },
    /** Position of the first occurrence of `text` within one textblock (or -1). */
    find: (text: string): number => {
      let found = -1;
      view().state.doc.descendants((node, pos) => {
        if (found >= 0) return false;
        if (!node.isTextblock) return true;
        let content = '';
        node.forEach((child) => {
          content += child.isText ? (child.text ?? '') : '\ufffc';
        });
        const i = content.indexOf(text);
        if (i >= 0) found = pos + 1 + i;
        return false;
      });
      return found;
    },
    /**
     * Focus the editor and select the first occurrence of `text` (`'all'`), or put the caret at its
     * start or end: found and selected at once, so no remote change lands in between.
     */
    selectText: (text: string, where: 'all' | 'start' | 'end'): void => {
      const from = harness.find(text);
      if (from < 0) throw new Error(`no ${JSON.stringify(text)} in the document`);
      const to = from + text.length;
      if (where === 'all') harness.select(from, to);
      else harness.select(where === 'start' ? from : to);
    },
    /** End of the document's last textblock. */
    end: (): number => TextSelection.atEnd(view().state.doc).head,
    /** Run a named command on the current selection. */
    command: (command: string): boolean => {
      const v = view();
      v.focus();
      const run = commands[command];
      if (!run) throw new Error(`no command ${command}`);
      return run(v.state, v.dispatch, v);
    },
    /** Paste `html` as the browser would (a paste event with the clipboard data). */
    paste: (html: string, plain: string): void => {
      const v = view();
      v.focus();
      const data = new DataTransfer();
      data.setData('text/html', html);
      data.setData('text/plain', plain);
      v.dom.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    },
    /** Cut or restore the channel; what was sent meanwhile goes out on restore. */
    setOnline: (value: boolean): void => sync.setOnline(value),
    /** How many remote carets this editor draws, and their names. */
    carets: (): string[] =>
      Array.from(view().dom.querySelectorAll<HTMLElement>('.accord-caret'), (el) => el.dataset.name ?? ''),
    /** Where each remote caret is drawn: its name and document position. */
    caretPositions: (): { name: string; pos: number }[] =>
      Array.from(view().dom.querySelectorAll<HTMLElement>('.accord-caret'), (el) => ({
        name: el.dataset.name ?? '',
        pos: view().posAtDOM(el, 0),
      })),
    /** The other peers' presence as this page knows it. */
    peers: (): unknown => [...sync.presence.peers.values()],
    /** The binding's counters (local Accord transactions, remote ProseMirror ones, full resyncs). */
    counts: () => ({ ...(accordSync(view())?.counts ?? { local: 0, remote: 0, resyncs: 0 }) }),
  };
  return harness;
}

/** The test API's type. */
export type PageHarness = ReturnType<typeof pageHarness>;

declare global {
  interface Window {
    pmHarness: PageHarness;
  }
}

/** Publish the test API and mark the page ready. */
export function publishHarness(harness: PageHarness): void {
  window.pmHarness = harness;
  document.body.dataset.ready = 'true';
}
