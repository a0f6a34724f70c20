/**
 * The binding in a real Chromium: real keyboard events into real CodeMirror editors, each on its
 * own Accord document, synced page to page over a BroadcastChannel. Two editors typing at once
 * converge (words stay whole); a selection stays on its characters while remote edits land
 * before, inside and after it; remote carets and selections are drawn with names and colours;
 * undo and redo with the keys revert only the editor's own edits; an IME composition is not
 * disturbed by a remote edit, which shows once it ends. The cursor-publication throttle runs on
 * a `ManualScheduler` in the page (`?clock=manual`), in virtual time.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accordText,
  type EditorPage,
  editorText,
  type PageStack,
  select,
  selectionOf,
  startPageStack,
  waitConverged,
} from './harness.js';

let stack: PageStack;

beforeAll(async () => {
  stack = await startPageStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function openPair(room: string): Promise<[Page, Page, () => void]> {
  const context = await stack.context();
  const a: EditorPage = await stack.open(context, room, 'Ada', '#e8384f');
  const b: EditorPage = await stack.open(context, room, 'Grace', '#2d9d5c');
  const check = (): void => {
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  };
  return [a.page, b.page, check];
}

describe('two CodeMirror editors on one Accord text', () => {
  it('converge under concurrent typing, each word in one piece', async () => {
    const [a, b, check] = await openPair('typing');
    await select(a, 0);
    await a.keyboard.type('alpha beta gamma');
    await waitConverged([a, b]);
    // Different places at once.
    await select(a, 'alpha'.length);
    await select(b, 'alpha beta gamma'.length);
    await Promise.all([a.keyboard.type(' one', { delay: 15 }), b.keyboard.type(' two', { delay: 15 })]);
    expect(await waitConverged([a, b])).toBe('alpha one beta gamma two');
    // The same place at once: both carets after "beta".
    const spot = 'alpha one beta'.length;
    await select(a, spot);
    await select(b, spot);
    await Promise.all([
      a.keyboard.type(' red fox', { delay: 10 }),
      b.keyboard.type(' blue owl', { delay: 10 }),
    ]);
    const final = await waitConverged([a, b]);
    expect([
      'alpha one beta red fox blue owl gamma two',
      'alpha one beta blue owl red fox gamma two',
    ]).toContain(final);
    // Each editor shows the text in its DOM too (B's caret drawn in A adds no text).
    const shown = await a
      .getByTestId('editor')
      .evaluate((el) => Array.from(el.querySelectorAll('.cm-line'), (line) => line.textContent).join('\n'));
    expect(shown).toBe(final);
    check();
  });

  it('keeps the selection on its characters while remote edits land around it', async () => {
    const [a, b, check] = await openPair('selection');
    await select(b, 0);
    await b.keyboard.type('first line\nsecond SELECTED word\n');
    await waitConverged([a, b]);
    const start = 'first line\nsecond '.length;
    const end = start + 'SELECTED'.length;
    await select(a, start, end); // A selects "SELECTED" forwards
    // B types before the selection, deletes before it, and types right after it.
    await select(b, 0);
    await b.keyboard.type('>>> ');
    await select(b, '>>> first'.length);
    await b.keyboard.press('Backspace');
    await b.keyboard.press('Backspace');
    await select(b, '>>> fir line\nsecond SELECTED'.length);
    await b.keyboard.type('!!');
    const text = await waitConverged([a, b]);
    expect(text).toBe('>>> fir line\nsecond SELECTED!! word\n');
    const selected = await selectionOf(a);
    expect(text.slice(selected.anchor, selected.head)).toBe('SELECTED');
    // A bare caret stays after its character while B types before it and right at it.
    const caret = text.indexOf('word') + 2; // "wo|rd"
    await select(a, caret);
    await select(b, 0);
    await b.keyboard.type('x');
    await select(b, caret + 1);
    await b.keyboard.type('YY');
    const after = await waitConverged([a, b]);
    const at = (await selectionOf(a)).head;
    expect(after.slice(at - 2, at)).toBe('wo');
    expect(after.slice(at, at + 4)).toBe('YYrd');
    check();
  });

  it('draws the other editor’s caret and selection with its name and colour', async () => {
    const [a, b, check] = await openPair('carets');
    await select(a, 0);
    await a.keyboard.type('hello shared world');
    await waitConverged([a, b]);
    await select(a, 6, 12); // "shared"
    const tag = b.locator('.cm-accord-caret');
    await waitFor(
      'B to draw A',
      async () => (await tag.count()) === 1 && (await tag.getAttribute('data-name')) === 'Ada',
    );
    // The name is drawn above the caret in A's colour (read again if CodeMirror redrew the caret
    // between finding it and reading it).
    const label = () =>
      tag.evaluate((el) => {
        const after = getComputedStyle(el, '::after');
        const border = getComputedStyle(el).borderLeftColor;
        return el.isConnected ? `${after.content} ${after.backgroundColor} ${border}` : 'detached';
      });
    await waitFor('the label', async () => (await label()) === '"Ada" rgb(232, 56, 79) rgb(232, 56, 79)');
    await waitFor(
      'B to shade A’s selection',
      async () => (await b.locator('.cm-accord-selection').allTextContents()).join('') === 'shared',
    );
    // The caret follows remote typing before it, and moves when A moves.
    await select(b, 0);
    await b.keyboard.type('oh, ');
    await waitFor(
      'A’s selection to stay on "shared" in B',
      async () => (await b.locator('.cm-accord-selection').allTextContents()).join('') === 'shared',
    );
    await select(a, 4);
    await waitFor('A’s caret alone', async () => (await b.locator('.cm-accord-selection').count()) === 0);
    // And A draws B's caret, named Grace, but never its own (once B's presence has reached A: it
    // travels on its own throttled path, so it may still be on its way).
    const tagsInA = () =>
      a.locator('.cm-accord-caret').evaluateAll((els) => els.map((el) => el.dataset.name));
    await waitFor('A to draw B', async () => (await tagsInA()).includes('Grace'));
    expect(await tagsInA()).toEqual(['Grace']);
    check();
  });

  it('undoes and redoes only its own edits with Mod-z, Mod-Shift-z and Mod-y', async () => {
    const [a, b, check] = await openPair('undo');
    await select(a, 0);
    await a.keyboard.type('mine');
    await waitConverged([a, b]);
    await select(b, 4);
    await b.keyboard.type(' theirs');
    await waitFor('A to see B', async () => (await editorText(a)) === 'mine theirs');
    await a.getByTestId('editor').focus();
    await a.keyboard.press('ControlOrMeta+Z');
    expect(await waitConverged([a, b])).toBe(' theirs');
    await a.keyboard.press('ControlOrMeta+Shift+Z');
    expect(await waitConverged([a, b])).toBe('mine theirs');
    expect((await selectionOf(a)).head).toBe(4);
    await a.keyboard.press('ControlOrMeta+Z');
    expect(await waitConverged([a, b])).toBe(' theirs');
    await a.keyboard.press('Control+Y');
    expect(await waitConverged([a, b])).toBe('mine theirs');
    // Undo as often as you like: B's text is never touched.
    for (let i = 0; i < 4; i++) await a.keyboard.press('ControlOrMeta+Z');
    expect(await waitConverged([a, b])).toBe(' theirs');
    // B's undo removes B's own text only.
    await b.getByTestId('editor').focus();
    await b.keyboard.press('ControlOrMeta+Z');
    expect(await waitConverged([a, b])).toBe('');
    check();
  });

  it('holds a remote edit during an IME composition and shows it after', async () => {
    const [a, b, check] = await openPair('ime');
    await select(a, 0);
    await a.keyboard.type('one two');
    await waitConverged([a, b]);
    const cdp = await a.context().newCDPSession(a);
    await select(a, 'one two'.length);
    await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
    await select(b, 0);
    await b.keyboard.type('B: ');
    await waitFor('B’s edit to reach A’s document', async () => (await accordText(a)).startsWith('B: '));
    expect(await editorText(a)).toBe('one twoにほ');
    await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
    await cdp.send('Input.insertText', { text: '日本' });
    const final = await waitConverged([a, b]);
    expect(final).toBe('B: one two日本');
    expect((await selectionOf(a)).head).toBe(final.length);
    check();
  });

  it('shows direct edits of the Accord text, and draws nothing for hostile presence', async () => {
    const [a, b, check] = await openPair('direct');
    await select(a, 0);
    await a.keyboard.type('typed');
    await waitConverged([a, b]);
    await select(a, 2);
    // Another part of the app edits the text: the editor shows it, the caret stays after "ty".
    await a.evaluate(() => window.harness.accordInsert(0, '>> '));
    expect(await editorText(a)).toBe('>> typed');
    expect(await selectionOf(a)).toEqual({ anchor: 5, head: 5 });
    expect(await waitConverged([a, b])).toBe('>> typed');
    // B's page sends malformed presence: A draws no caret for it and keeps working.
    await select(b, 1);
    await waitFor('A to draw B', async () => (await a.evaluate(() => window.harness.caretCount())) === 1);
    for (const state of [
      { name: 'x', color: 'red', cursor: { anchor: new Uint8Array([1, 200, 7]), head: 0 } },
      { name: '<b>x</b>', color: 'url(javascript:1)', cursor: { anchor: -5, head: 'x' } },
      { name: 42, color: null, cursor: [1, 2, 3] },
    ]) {
      await b.evaluate((s) => window.harness.sendRawPresence(s), state);
      await waitFor(
        'A to drop the caret',
        async () => (await a.evaluate(() => window.harness.caretCount())) === 0,
      );
    }
    await select(a, 0);
    await a.keyboard.type('ok ');
    expect(await waitConverged([a, b])).toBe('ok >> typed');
    check();
  });

  it('undoes in the editor an edit the document refuses (frozen), and reports it', async () => {
    const context = await stack.context();
    const a = await stack.open(context, 'frozen', 'Ada', '#e8384f');
    await select(a.page, 0);
    await a.page.keyboard.type('kept');
    await a.page.evaluate(() => window.harness.freeze());
    await a.page.keyboard.type(' refused');
    await waitFor('the editor to show the document again', async () => (await editorText(a.page)) === 'kept');
    expect(await accordText(a.page)).toBe('kept');
    expect(a.errors.length).toBeGreaterThan(0);
    expect(a.errors.every((e) => e.includes('read-only'))).toBe(true);
  });

  it('sends one Accord transaction per CodeMirror transaction, and shows one as one', async () => {
    const [a, b, check] = await openPair('one-to-one');
    await select(a, 0);
    await a.keyboard.type('0123456789');
    await waitConverged([a, b]);
    const before = await Promise.all([a, b].map((p) => p.evaluate(() => window.harness.counts())));
    // A multi-range edit in A: three changes in one CodeMirror transaction.
    await a.evaluate(() =>
      window.harness.dispatchChanges([
        { from: 0, insert: '[' },
        { from: 4, to: 6, insert: '--' },
        { from: 10, insert: ']' },
      ]),
    );
    expect(await waitConverged([a, b])).toBe('[0123--6789]');
    const after = await Promise.all([a, b].map((p) => p.evaluate(() => window.harness.counts())));
    expect(after[0]!.sent - before[0]!.sent).toBe(1);
    expect(after[1]!.remoteTransactions - before[1]!.remoteTransactions).toBe(1);
    expect(after[1]!.remoteChanges - before[1]!.remoteChanges).toBe(3);
    // Nothing was echoed back: B sent nothing, A saw no remote transaction.
    expect(after[1]!.sent - before[1]!.sent).toBe(0);
    expect(after[0]!.remoteTransactions - before[0]!.remoteTransactions).toBe(0);
    check();
  });

  it('publishes the local cursor at most once per cursorThrottleMs, on the injected scheduler', async () => {
    const context = await stack.context();
    const { page, errors } = await stack.open(context, 'throttle', 'Ada', '#e8384f', { clock: 'manual' });
    const published = () => page.evaluate(() => window.harness.published());
    const advance = (ms: number) => page.evaluate((n) => window.harness.advanceClock(n), ms);
    await select(page, 0);
    await page.keyboard.type('hello world');
    // Virtual time has not moved: the first publication waits for the clock, however long typing took.
    expect(await published()).toEqual([]);
    await advance(0);
    expect(await published()).toEqual([{ at: 0, head: 11 }]);
    // The next one is due 50 ms after the last, and carries the latest selection.
    await select(page, 3);
    await advance(49);
    expect(await published()).toHaveLength(1);
    await advance(1);
    expect((await published())[1]).toEqual({ at: 50, head: 3 });
    await select(page, 5);
    await select(page, 7);
    await advance(49);
    expect(await published()).toHaveLength(2);
    await advance(1);
    expect(await published()).toEqual([
      { at: 0, head: 11 },
      { at: 50, head: 3 },
      { at: 100, head: 7 },
    ]);
    expect(errors).toEqual([]);
  });
});
