/**
 * The editor behaves like a text box while others edit: paste, IME composition (with a remote
 * edit landing mid-composition), selection replacement, and undo/redo with the keyboard that
 * reverts only this tab's own edits.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SIZE,
  caretOf,
  editorText,
  placeCaret,
  type Stack,
  selectRange,
  startStack,
  waitConverged,
  waitSynced,
} from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ nodes: CLUSTER_SIZE });
});

afterAll(async () => {
  await stack?.stop();
});

async function openPair(doc: string): Promise<[Page, Page, () => void]> {
  const tabs = await Promise.all([stack.openOnNode(doc, 0), stack.openOnNode(doc, 1)]);
  const [a, b] = tabs.map((tab) => tab.page) as [Page, Page];
  await Promise.all([waitSynced(a), waitSynced(b)]);
  const check = () => {
    for (const tab of tabs) expect(tab.errors).toEqual([]);
  };
  return [a, b, check];
}

describe('text input', () => {
  it('pastes, replaces selections and composes with an IME while remote edits land', async () => {
    const [a, b, check] = await openPair(`input-${Date.now()}`);
    await placeCaret(a, 0);
    await a.keyboard.type('one two three');
    await waitConverged([a, b]);

    // Copy "two" and paste it over "three" with the keyboard.
    await selectRange(a, 4, 7);
    await a.keyboard.press('ControlOrMeta+C');
    await selectRange(a, 8, 13);
    await a.keyboard.press('ControlOrMeta+V');
    expect(await editorText(a)).toBe('one two two');
    expect(await waitConverged([a, b])).toBe('one two two');

    // IME composition at the end of A's text; B edits before A's caret mid-composition.
    const cdp = await a.context().newCDPSession(a);
    await placeCaret(a, 'one two two'.length);
    await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
    await placeCaret(b, 0);
    await b.keyboard.type('B: ');
    await b.getByTestId('counter-inc').click();
    // The counter is not deferred: once A shows B's click, B's earlier text edit is in A's
    // document too, while A's editor still shows the open composition untouched.
    await waitFor(
      "B's edits to reach A mid-composition",
      async () => (await a.getByTestId('counter-value').textContent())?.trim() === '1',
      { timeoutMs: 15_000 },
    );
    expect(await editorText(a)).toBe('one two twoにほ');
    await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
    await cdp.send('Input.insertText', { text: '日本' });
    const final = await waitConverged([a, b]);
    expect(final).toBe('B: one two two日本');
    expect(await caretOf(a)).toBe(final.length);
    check();
  });

  it('undoes and redoes only its own edits with Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z', async () => {
    const [a, b, check] = await openPair(`undo-${Date.now()}`);
    await placeCaret(a, 0);
    await a.keyboard.type('mine');
    await waitConverged([a, b]);
    await placeCaret(b, 4);
    await b.keyboard.type(' theirs');
    await waitFor('A to see B', async () => (await editorText(a)) === 'mine theirs', { timeoutMs: 15_000 });

    await a.getByTestId('editor').focus();
    await a.keyboard.press('ControlOrMeta+Z');
    await waitFor('A to undo its own text', async () => (await editorText(a)) === ' theirs', {
      timeoutMs: 15_000,
    });
    expect(await waitConverged([a, b])).toBe(' theirs');
    await a.keyboard.press('ControlOrMeta+Shift+Z');
    await waitFor('A to redo', async () => (await editorText(a)) === 'mine theirs', { timeoutMs: 15_000 });
    expect(await caretOf(a)).toBe(4);
    expect(await waitConverged([a, b])).toBe('mine theirs');
    // Nothing of B's is ever undone by A.
    await a.keyboard.press('ControlOrMeta+Z');
    await a.keyboard.press('ControlOrMeta+Z');
    await a.keyboard.press('ControlOrMeta+Z');
    expect(await waitConverged([a, b])).toBe(' theirs');
    // The toolbar buttons do the same (phones have no Ctrl+Z) and say when there is nothing to do.
    expect(await a.getByTestId('undo').isDisabled()).toBe(true);
    await a.getByTestId('redo').click();
    await waitFor('A to redo from the button', async () => (await editorText(a)) === 'mine theirs', {
      timeoutMs: 15_000,
    });
    expect(await a.getByTestId('redo').isDisabled()).toBe(true);
    await a.getByTestId('undo').click();
    expect(await waitConverged([a, b])).toBe(' theirs');
    // B's undo reverts B's own text, " theirs", and nothing of A's.
    await b.getByTestId('undo').click();
    expect(await waitConverged([a, b])).toBe('');
    check();
  });
});

describe('documents', () => {
  it('edits the document named in #doc= and switches when the fragment changes', async () => {
    const first = `first-${Date.now()}`;
    const second = `second-${Date.now()}`;
    const tab = await stack.open(first);
    const page = tab.page;
    await waitSynced(page);
    await placeCaret(page, 0);
    await page.keyboard.type('in the first document');
    await page.getByTestId('counter-inc').click();

    // The header's form changes the fragment; the tab opens the other document.
    const docInput = page.getByLabel('Document name');
    await docInput.fill(second);
    await docInput.press('Enter');
    await waitFor(
      'the second document',
      async () => (await page.getByTestId('doc-name').textContent()) === second,
      { timeoutMs: 15_000 },
    );
    expect(new URL(page.url()).hash).toBe(`#doc=${second}`);
    await waitSynced(page);
    expect(await editorText(page)).toBe('');
    expect((await page.getByTestId('counter-value').textContent())?.trim()).toBe('0');
    await placeCaret(page, 0);
    await page.keyboard.type('in the second one');

    // Back: the first document is as it was left, and a fresh tab on it agrees.
    await page.goBack();
    await waitFor(
      'the first document again',
      async () => (await editorText(page)) === 'in the first document',
      { timeoutMs: 15_000 },
    );
    const other = await stack.open(first);
    await waitSynced(other.page);
    expect(await waitConverged([page, other.page])).toBe('in the first document');
    expect(tab.errors).toEqual([]);
    expect(other.errors).toEqual([]);
    await Promise.all([tab.close(), other.close()]);
  });
});
