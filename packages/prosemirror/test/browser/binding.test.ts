/**
 * The binding in a real Chromium: real keyboard events, commands and paste events into real
 * ProseMirror editors, each on its own Accord document, synced page to page over a
 * BroadcastChannel. Three editors typing, formatting and pasting at once converge to one
 * document (every editor's equal to the one its Accord blocks show as), with every mark where
 * Peritext puts it; remote carets are drawn with names; undo reverts only the editor's own edits.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caretAtEnd,
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

async function openThree(room: string): Promise<[Page, Page, Page, () => void]> {
  const context = await stack.context();
  const tabs: EditorPage[] = [];
  for (const [name, color] of [
    ['Ada', '#e8384f'],
    ['Grace', '#2d9d5c'],
    ['Edsger', '#2f7ae5'],
  ] as const) {
    tabs.push(await stack.open(context, room, name, color));
  }
  const check = (): void => {
    for (const tab of tabs) expect(tab.errors).toEqual([]);
  };
  const [a, b, c] = tabs.map((t) => t.page) as [Page, Page, Page];
  return [a, b, c, check];
}

describe('three ProseMirror editors on one Accord document', () => {
  it('converge while they type, format and paste at once, with every mark where it belongs', async () => {
    const [a, b, c, check] = await openThree('concurrent');
    await select(a, 1);
    await a.keyboard.type('Accord rich text', { delay: 5 });
    await a.keyboard.press('Enter');
    await a.keyboard.type('second line', { delay: 5 });
    await a.keyboard.press('Enter');
    await a.keyboard.type('end', { delay: 5 });
    await waitConverged([a, b, c]);

    // Every place is found when it is used (remote text may have landed before it meanwhile).
    await Promise.all([
      (async () => {
        // A: bold "rich" with the keyboard, then italic text typed at the end of line one.
        await selectText(a, 'rich');
        await a.keyboard.press('Control+b');
        await selectText(a, 'rich text', 'end');
        await a.keyboard.press('Control+i');
        await a.keyboard.type(' in italics', { delay: 20 });
      })(),
      (async () => {
        // B: link "second" with the keyboard, and type after the line.
        await selectText(b, 'second');
        await b.keyboard.press('Control+k');
        await selectText(b, 'second line', 'end');
        await b.keyboard.type(' typed by B', { delay: 20 });
      })(),
      (async () => {
        // C: paste formatted text and a list at the end of the document.
        await selectText(c, 'end', 'end');
        await c.keyboard.press('Enter');
        await c.evaluate(() =>
          window.pmHarness.paste(
            '<p>pasted <strong>strong</strong> and <em>emphasis</em></p><ul><li><p>one</p></li><li><p>two</p></li></ul>',
            'pasted strong and emphasis\none\ntwo',
          ),
        );
        await c.keyboard.type(' more', { delay: 20 });
      })(),
    ]);
    const doc = await waitConverged([a, b, c]);
    const text = await textOf(a);
    expect(text.split('\n')).toEqual([
      'Accord rich text in italics',
      'second line typed by B',
      'end',
      'pasted strong and emphasis',
      'one',
      'two more',
    ]);
    expect(marksOf(doc, 'rich')).toEqual(['strong']);
    expect(marksOf(doc, ' in italics')).toEqual(['em']);
    expect(marksOf(doc, 'second')).toEqual(['link:https://accord.example/']);
    expect(marksOf(doc, ' line typed by B')).toEqual([]);
    expect(marksOf(doc, 'strong')).toEqual(['strong']);
    expect(marksOf(doc, 'emphasis')).toEqual(['em']);
    const json = doc as { content: { type: string }[] };
    expect(json.content.map((n) => n.type)).toEqual([
      'paragraph',
      'paragraph',
      'paragraph',
      'paragraph',
      'bullet_list',
    ]);
    check();
  });

  it('puts marks where Peritext puts them when formatting and typing meet', async () => {
    const [a, b, c, check] = await openThree('peritext');
    await select(a, 1);
    await a.keyboard.type('hello world', { delay: 5 });
    await a.keyboard.press('Enter');
    await a.keyboard.type('click here now', { delay: 5 });
    await waitConverged([a, b, c]);
    // Cut every tab off, edit concurrently, reconnect.
    for (const p of [a, b, c]) await p.evaluate(() => window.pmHarness.setOnline(false));
    // A bolds "world" and links "here"; B types right after "world" and right after "here";
    // C italicises "hello" while B types right before it.
    await selectText(a, 'world');
    await a.keyboard.press('Control+b');
    await selectText(a, 'here');
    await a.keyboard.press('Control+k');
    await selectText(b, 'here', 'end');
    await b.keyboard.type('in');
    await selectText(b, 'world', 'end');
    await b.keyboard.type('wide');
    await selectText(c, 'hello');
    await c.keyboard.press('Control+i');
    await selectText(b, 'hello', 'start');
    await b.keyboard.type('oh ');
    for (const p of [a, b, c]) await p.evaluate(() => window.pmHarness.setOnline(true));
    const doc = await waitConverged([a, b, c]);
    expect((await textOf(a)).split('\n')).toEqual(['oh hello worldwide', 'click herein now']);
    expect(marksOf(doc, 'worldwide')).toEqual(['strong']); // bold grows at its end
    expect(marksOf(doc, 'here')).toEqual(['link:https://accord.example/']);
    expect(marksOf(doc, 'in now')).toEqual([]); // a link does not
    expect(marksOf(doc, 'hello')).toEqual(['em']);
    expect(marksOf(doc, 'oh ')).toEqual([]); // nothing grows at its start
    check();
  });

  it('draws the other editors’ carets with their names and undoes only its own edits', async () => {
    const [a, b, c, check] = await openThree('carets-undo');
    await select(a, 1);
    await a.keyboard.type('shared words', { delay: 5 });
    await waitConverged([a, b, c]);
    await selectText(a, 'shared', 'end');
    await selectText(b, 'words', 'start');
    await waitFor('C to draw A and B', async () => {
      const names = await c.evaluate(() => window.pmHarness.carets());
      return names.includes('Ada') && names.includes('Grace');
    });
    // C types before A's caret: it moves with the text (A publishes nothing meanwhile).
    const adaAt = async (): Promise<number | undefined> =>
      (await c.evaluate(() => window.pmHarness.caretPositions())).find((p) => p.name === 'Ada')?.pos;
    await waitFor('C to draw A after "shared"', async () => (await adaAt()) === 1 + 'shared'.length);
    await selectText(c, 'shared', 'start');
    await c.keyboard.type('>> ');
    await waitConverged([a, b, c]);
    await waitFor(
      'A’s caret to follow its text in C',
      async () => (await adaAt()) === 1 + '>> shared'.length,
    );
    await selectText(c, '>> ', 'all');
    await c.keyboard.press('Backspace');
    await waitConverged([a, b, c]);
    // A types, B types; A undoes: only A's words go.
    await caretAtEnd(a);
    await a.keyboard.type(' mine');
    await waitConverged([a, b, c]);
    await select(b, 1);
    await b.keyboard.type('theirs ');
    await waitConverged([a, b, c]);
    await a.keyboard.press('Control+z');
    await waitFor('A’s undo to reach C', async () => (await textOf(c)) === 'theirs shared words');
    await waitConverged([a, b, c]);
    await a.keyboard.press('Control+Shift+z');
    await waitFor('A’s redo to reach B', async () => (await textOf(b)) === 'theirs shared words mine');
    await waitConverged([a, b, c]);
    check();
  });

  it('keeps an IME composition while remote edits land in the same paragraph', async () => {
    const [a, b, c, check] = await openThree('ime');
    await select(a, 1);
    await a.keyboard.type('shared words', { delay: 5 });
    await waitConverged([a, b, c]);
    const cdp = await a.context().newCDPSession(a);
    await selectText(a, 'shared words', 'end');
    await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
    await selectText(b, 'shared', 'start');
    await b.keyboard.type('B: ');
    // A shows B's text with the open composition untouched.
    await waitFor(
      'B’s text to reach A mid-composition',
      async () => (await textOf(a)) === 'B: shared wordsにほ',
    );
    await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
    await cdp.send('Input.insertText', { text: '日本' });
    await waitConverged([a, b, c]);
    expect(await textOf(c)).toBe('B: shared words日本');
    check();
  });
});
