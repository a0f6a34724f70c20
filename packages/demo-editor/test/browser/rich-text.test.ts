/**
 * The rich-text page: three real Chromium tabs, each on its own node of a real 3-node relay
 * cluster, switch to the rich-text editor and type, format (bold and italic with the keyboard, a
 * link from the toolbar) and paste at the same time. They converge to one document: every tab's
 * ProseMirror document equals the one its Accord blocks show as, and what every node serves;
 * every mark sits where Peritext puts it.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SIZE,
  type Stack,
  saveSideBySide,
  startStack,
  type Tab,
  testIdText,
  waitSynced,
} from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ nodes: CLUSTER_SIZE });
});

afterAll(async () => {
  await stack?.stop();
});

/** A ProseMirror node, as far as the helpers read it. */
interface PmNode {
  readonly isText: boolean;
  readonly isTextblock: boolean;
  readonly text?: string;
  forEach(f: (child: PmNode) => void): void;
}

/** What the page's `<rich-editor>` offers (its ProseMirror view and the Accord document). */
interface RichHost extends HTMLElement {
  readonly editorView?: {
    readonly state: {
      readonly doc: {
        toJSON(): unknown;
        descendants(f: (node: PmNode, pos: number) => boolean | undefined): void;
        readonly content: { readonly size: number };
      };
      readonly selection: { readonly constructor: unknown };
      readonly tr: { setSelection(selection: unknown): unknown };
    };
    readonly dom: HTMLElement;
    dispatch(tr: unknown): void;
    focus(): void;
  };
  accordJSON(): unknown;
}

/** Open a tab on node `index`, wait until it is synced, and switch it to the rich-text editor. */
async function openRich(doc: string, index: number): Promise<Tab> {
  const tab = await stack.openOnNode(doc, index);
  await waitSynced(tab.page);
  await tab.page.getByTestId('view-rich').click();
  await tab.page.getByTestId('rich-editor').waitFor();
  return tab;
}

/** The tab's editor document and the document its Accord blocks show as. */
function docs(page: Page): Promise<[unknown, unknown]> {
  return page.getByTestId('rich-editor').evaluate((el) => {
    const host = (el.getRootNode() as ShadowRoot).host as RichHost;
    if (!host.editorView) throw new Error('the rich editor has no view');
    return [host.editorView.state.doc.toJSON(), host.accordJSON()] as [unknown, unknown];
  });
}

/** Wait until every tab shows one document, equal to its Accord blocks'; returns it. */
async function waitConverged(pages: readonly Page[], timeoutMs = 20_000): Promise<unknown> {
  let seen: string[] = [];
  await waitFor(
    'rich editors to converge',
    async () => {
      seen = (await Promise.all(pages.map(docs))).flat().map((d) => JSON.stringify(d));
      return seen.every((d) => d === seen[0]);
    },
    { timeoutMs },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${seen.join('\n')}`);
  });
  return JSON.parse(seen[0] ?? 'null');
}

/**
 * Focus the editor and select the first occurrence of `text` within one textblock (`'all'`), or
 * put the caret at its start or end. Found and selected in one go in the page, so no remote change
 * lands in between.
 */
async function selectText(page: Page, text: string, where: 'all' | 'start' | 'end' = 'all'): Promise<void> {
  await page.getByTestId('rich-editor').evaluate(
    (el, [t, w]) => {
      const view = ((el.getRootNode() as ShadowRoot).host as RichHost).editorView;
      if (!view) throw new Error('the rich editor has no view');
      let found = -1;
      view.state.doc.descendants((node, pos) => {
        if (found >= 0) return false;
        if (!node.isTextblock) return true;
        let content = '';
        node.forEach((child) => {
          content += child.isText ? (child.text ?? '') : '\ufffc';
        });
        const i = content.indexOf(t as string);
        if (i >= 0) found = pos + 1 + i;
        return false;
      });
      if (found < 0) throw new Error(`no ${JSON.stringify(t)} in the document`);
      const end = found + (t as string).length;
      const [anchor, head] = w === 'all' ? [found, end] : w === 'start' ? [found, found] : [end, end];
      view.focus();
      const Selection = view.state.selection.constructor as unknown as {
        create(doc: unknown, anchor: number, head: number): unknown;
      };
      view.dispatch(view.state.tr.setSelection(Selection.create(view.state.doc, anchor, head)));
    },
    [text, where],
  );
}

/** Put the caret at the start of the (empty) document. */
async function caretAtStart(page: Page): Promise<void> {
  await page.getByTestId('rich-editor').evaluate((el) => {
    const view = ((el.getRootNode() as ShadowRoot).host as RichHost).editorView;
    if (!view) throw new Error('the rich editor has no view');
    view.focus();
    const Selection = view.state.selection.constructor as unknown as {
      create(doc: unknown, anchor: number, head: number): unknown;
    };
    view.dispatch(view.state.tr.setSelection(Selection.create(view.state.doc, 1, 1)));
  });
}

/** Paste `html` into the tab's editor, as the browser delivers a paste. */
function paste(page: Page, html: string, plain: string): Promise<void> {
  return page.getByTestId('rich-editor').evaluate(
    (el, [h, p]) => {
      const data = new DataTransfer();
      data.setData('text/html', h as string);
      data.setData('text/plain', p as string);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    [html, plain],
  );
}

interface JsonNode {
  type: string;
  text?: string;
  marks?: { type: string; attrs?: { href?: string } }[];
  content?: JsonNode[];
}

/** The marks of the text node holding `text` (sorted; links with their href). */
function marksOf(doc: unknown, text: string): string[] {
  const nodes: JsonNode[] = [];
  const walk = (n: JsonNode): void => {
    if (n.text !== undefined) nodes.push(n);
    for (const c of n.content ?? []) walk(c);
  };
  walk(doc as JsonNode);
  const node = nodes.find((n) => n.text?.includes(text));
  if (!node) throw new Error(`no text node holds ${JSON.stringify(text)}`);
  return (node.marks ?? []).map((m) => (m.type === 'link' ? `link:${m.attrs?.href}` : m.type)).sort();
}

/** The text of each textblock. */
function lines(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (n: JsonNode): void => {
    if (n.type === 'paragraph' || n.type === 'heading' || n.type === 'code_block') {
      out.push((n.content ?? []).map((c) => c.text ?? '\n').join(''));
      return;
    }
    for (const c of n.content ?? []) walk(c);
  };
  walk(doc as JsonNode);
  return out;
}

describe('the rich-text page in three tabs', () => {
  it('converges while the tabs type, format and paste at once, with every mark where Peritext puts it', async () => {
    const doc = `rich-${Date.now()}`;
    const tabs = [await openRich(doc, 0), await openRich(doc, 1), await openRich(doc, 2)];
    const [a, b, c] = tabs.map((t) => t.page) as [Page, Page, Page];
    b.on('dialog', (dialog) => void dialog.accept('https://accord.example/'));

    await caretAtStart(a);
    await a.keyboard.type('Accord rich text', { delay: 5 });
    await a.keyboard.press('Enter');
    await a.keyboard.type('a linked word here', { delay: 5 });
    await a.keyboard.press('Enter');
    await a.keyboard.type('the end', { delay: 5 });
    await waitConverged([a, b, c]);

    // Every place is found when it is used (remote text may have landed before it meanwhile).
    await Promise.all([
      (async () => {
        // A: bold "rich" with Ctrl+B, then type in italics at the end of the line.
        await selectText(a, 'rich');
        await a.keyboard.press('Control+b');
        await selectText(a, 'rich text', 'end');
        await a.keyboard.press('Control+i');
        await a.keyboard.type(' in italics', { delay: 25 });
      })(),
      (async () => {
        // B: link "linked" from the toolbar, and type after "here".
        await selectText(b, 'linked');
        await b.getByTestId('rich-link').click();
        await selectText(b, 'here', 'end');
        await b.keyboard.type(' and there', { delay: 25 });
      })(),
      (async () => {
        // C: a new paragraph at the end, formatted text and a list pasted into it.
        await selectText(c, 'the end', 'end');
        await c.keyboard.press('Enter');
        await paste(
          c,
          '<p>pasted <strong>strong</strong> and <em>emphasis</em></p><ul><li><p>one</p></li><li><p>two</p></li></ul>',
          'pasted strong and emphasis\none\ntwo',
        );
        await c.keyboard.type(' three', { delay: 25 });
      })(),
    ]);
    const final = await waitConverged([a, b, c]);
    expect(lines(final)).toEqual([
      'Accord rich text in italics',
      'a linked word here and there',
      'the end',
      'pasted strong and emphasis',
      'one',
      'two three',
    ]);
    expect(marksOf(final, 'rich')).toEqual(['strong']);
    expect(marksOf(final, ' in italics')).toEqual(['em']);
    expect(marksOf(final, 'linked')).toEqual(['link:https://accord.example/']);
    expect(marksOf(final, 'here and there')).toEqual([]);
    expect(marksOf(final, 'strong')).toEqual(['strong']);
    expect(marksOf(final, 'emphasis')).toEqual(['em']);
    expect((final as JsonNode).content?.map((n) => n.type)).toEqual([
      'paragraph',
      'paragraph',
      'paragraph',
      'paragraph',
      'bullet_list',
    ]);

    // Each tab draws the other two carets, named.
    for (const page of [a, b, c]) {
      await waitFor('two remote carets', async () => {
        const names = await page
          .getByTestId('rich-editor')
          .evaluate((el) =>
            Array.from(el.querySelectorAll<HTMLElement>('.accord-caret'), (c) => c.dataset.name ?? ''),
          );
        return names.length === 2 && names.every((n) => n.length > 0);
      });
    }

    // Every node serves this document: a fresh tab pinned to each shows it.
    for (let i = 0; i < CLUSTER_SIZE; i++) {
      const fresh = await stack.open(doc, { relays: [stack.cluster.urls[i] as string] });
      try {
        await waitSynced(fresh.page);
        await fresh.page.getByTestId('view-rich').click();
        await fresh.page.getByTestId('rich-editor').waitFor();
        expect(await waitConverged([fresh.page])).toEqual(final);
        expect(fresh.errors).toEqual([]);
      } finally {
        await fresh.close();
      }
    }

    await saveSideBySide(stack.browser, [a, b, c], 'rich-text-three-tabs.png');
    for (const tab of tabs) expect(tab.errors).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.close()));
  });

  it('grows bold at its end but not a link, as Peritext does, when they meet concurrent typing', async () => {
    const doc = `rich-peritext-${Date.now()}`;
    const tabs = [await openRich(doc, 0), await openRich(doc, 1)];
    const [a, b] = tabs.map((t) => t.page) as [Page, Page];
    a.on('dialog', (dialog) => void dialog.accept('https://accord.example/'));
    await caretAtStart(a);
    await a.keyboard.type('hello world', { delay: 5 });
    await a.keyboard.press('Enter');
    await a.keyboard.type('click here now', { delay: 5 });
    await waitConverged([a, b]);
    // Both tabs offline (the demo's switch), edits on both, back online.
    for (const p of [a, b]) {
      await p.getByTestId('offline-toggle').click();
      await waitFor('the tab offline', async () => (await testIdText(p, 'status')) === 'offline');
    }
    await selectText(a, 'world');
    await a.keyboard.press('Control+b');
    await selectText(a, 'here');
    await a.getByTestId('rich-link').click();
    await selectText(b, 'here', 'end');
    await b.keyboard.type('in');
    await selectText(b, 'world', 'end');
    await b.keyboard.type('wide');
    for (const p of [a, b]) await p.getByTestId('offline-toggle').click();
    const final = await waitConverged([a, b]);
    expect(lines(final)).toEqual(['hello worldwide', 'click herein now']);
    expect(marksOf(final, 'worldwide')).toEqual(['strong']);
    expect(marksOf(final, 'here')).toEqual(['link:https://accord.example/']);
    expect(marksOf(final, 'in now')).toEqual([]);
    for (const tab of tabs) expect(tab.errors).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.close()));
  });
});
