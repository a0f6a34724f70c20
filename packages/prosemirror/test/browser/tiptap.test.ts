/**
 * The README's Tiptap example in a real Chromium: Tiptap 3 editors (starter kit, the binding as
 * an extension with Tiptap's names) in three tabs type, format with Tiptap's shortcuts and
 * commands, and split blocks at once, and converge to one document whose Accord blocks carry the
 * same text, block types and marks.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EditorPage,
  marksOf,
  type PageStack,
  select,
  selectText,
  startPageStack,
  textOf,
  waitConverged,
} from './harness.js';

let stack: PageStack;

beforeAll(async () => {
  stack = await startPageStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function openTiptap(
  room: string,
  names: readonly string[],
): Promise<{ pages: Page[]; tabs: EditorPage[] }> {
  const context = await stack.context();
  const tabs: EditorPage[] = [];
  for (const name of names) tabs.push(await stack.open(context, room, name, '#e8384f', {}, 'tiptap.html'));
  return { pages: tabs.map((t) => t.page), tabs };
}

/** The Accord blocks of a page: type and text of each. */
async function blockSummary(page: Page): Promise<{ type: string; text: string }[]> {
  const json = (await page.evaluate(() => window.pmHarness.blocksJSON())) as {
    type: string;
    content: { insert: string }[];
  }[];
  return json.map((b) => ({ type: b.type, text: b.content.map((d) => d.insert).join('') }));
}

describe('the Tiptap example', () => {
  it('three Tiptap editors type, format and split at once and converge, marks and blocks in Accord', async () => {
    const { pages, tabs } = await openTiptap('tiptap-concurrent', ['Ada', 'Grace', 'Edsger']);
    const [a, b, c] = pages as [Page, Page, Page];
    await select(a, 1);
    await a.keyboard.type('Tiptap over Accord', { delay: 5 });
    await a.keyboard.press('Enter');
    await a.keyboard.type('a second paragraph', { delay: 5 });
    await waitConverged(pages);

    await Promise.all([
      (async () => {
        // A: bold "over" with Tiptap's shortcut, then type after the first line.
        await selectText(a, 'over');
        await a.keyboard.press('Control+b');
        await selectText(a, 'Tiptap over Accord', 'end');
        await a.keyboard.type(' and more', { delay: 20 });
      })(),
      (async () => {
        // B: italic "second" through Tiptap's command, then a new block after the second line.
        await selectText(b, 'second');
        await b.evaluate(() => window.pmHarness.command('italic'));
        await selectText(b, 'a second paragraph', 'end');
        await b.keyboard.press('Enter');
        await b.keyboard.type('third by Grace', { delay: 20 });
      })(),
      (async () => {
        // C: the first line becomes a heading (Tiptap's command); type at the second's start.
        await selectText(c, 'Tiptap', 'start');
        await c.evaluate(() => window.pmHarness.command('heading'));
        await selectText(c, 'a second', 'start');
        await c.keyboard.type('so: ', { delay: 20 });
      })(),
    ]);
    const doc = await waitConverged(pages);
    expect((await textOf(a)).split('\n')).toEqual([
      'Tiptap over Accord and more',
      'so: a second paragraph',
      'third by Grace',
    ]);
    expect((doc as { content: { type: string }[] }).content.map((n) => n.type)).toEqual([
      'heading',
      'paragraph',
      'paragraph',
    ]);
    expect(marksOf(doc, 'over')).toEqual(['bold']);
    expect(marksOf(doc, ' Accord and more')).toEqual([]);
    expect(marksOf(doc, 'second')).toEqual(['italic']);
    // The Accord side holds the same blocks, with Tiptap's marks under their Accord names.
    for (const page of pages) {
      expect(await blockSummary(page)).toEqual([
        { type: 'heading', text: 'Tiptap over Accord and more' },
        { type: 'paragraph', text: 'so: a second paragraph' },
        { type: 'paragraph', text: 'third by Grace' },
      ]);
    }
    const json = (await a.evaluate(() => window.pmHarness.blocksJSON())) as {
      content: { insert: string; attributes?: Record<string, unknown> }[];
    }[];
    const bolds = json.flatMap((block) => block.content.filter((op) => op.attributes?.bold === true));
    expect(bolds.map((op) => op.insert)).toEqual(['over']);
    for (const tab of tabs) expect(tab.errors).toEqual([]);
  });

  it('a Tiptap editor that was offline catches up and the others see its edits', async () => {
    const { pages, tabs } = await openTiptap('tiptap-offline', ['Ada', 'Grace']);
    const [a, b] = pages as [Page, Page];
    await select(a, 1);
    await a.keyboard.type('shared line', { delay: 5 });
    await waitConverged(pages);
    await b.evaluate(() => window.pmHarness.setOnline(false));
    await selectText(b, 'shared line', 'end');
    await b.keyboard.type(' offline edit', { delay: 5 });
    await selectText(a, 'shared', 'start');
    await a.keyboard.type('online ', { delay: 5 });
    await b.evaluate(() => window.pmHarness.setOnline(true));
    await waitConverged(pages);
    expect(await textOf(a)).toBe('online shared line offline edit');
    for (const tab of tabs) expect(tab.errors).toEqual([]);
  });

  it("Ctrl+Z in a Tiptap editor undoes only that editor's own typing", async () => {
    const { pages, tabs } = await openTiptap('tiptap-undo', ['Ada', 'Grace']);
    const [a, b] = pages as [Page, Page];
    await select(a, 1);
    await a.keyboard.type('base', { delay: 5 });
    await waitConverged(pages);
    await selectText(b, 'base', 'start');
    await b.keyboard.type('B: ', { delay: 5 });
    await waitConverged(pages);
    await selectText(a, 'base', 'end');
    await a.keyboard.type(' from A', { delay: 5 });
    await waitConverged(pages);
    expect(await textOf(b)).toBe('B: base from A');
    await selectText(a, 'from A', 'end');
    await a.keyboard.press('Control+z');
    await waitConverged(pages);
    // Ada's typing (one undo step: it came within the capture window) is gone everywhere; Grace's
    // typing, made in between, stays.
    expect(await textOf(b)).toBe('B: ');
    expect(await textOf(a)).toBe('B: ');
    await a.keyboard.press('Control+Shift+z');
    await waitConverged(pages);
    expect(await textOf(b)).toBe('B: base from A');
    for (const tab of tabs) expect(tab.errors).toEqual([]);
  });
});
