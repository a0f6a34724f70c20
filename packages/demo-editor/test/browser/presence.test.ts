/**
 * Presence in real tabs, each on a different node of a 3-node relay cluster (presence crosses the
 * peer links): everyone is listed with their colour, a rename reaches the others, and each tab
 * draws the others' carets and selections, labelled with their names. With the demo launcher's
 * snapshot settings, the cluster panel's snapshot number advances after the edits, alike in all tabs.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  editorText,
  ensureOutputDir,
  placeCaret,
  type Stack,
  saveSideBySide,
  startStack,
  testIdText,
  waitSynced,
} from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ nodes: 3 });
});

afterAll(async () => {
  await stack?.stop();
});

async function presenceNames(page: Page): Promise<string[]> {
  const users = page.getByTestId('presence-user');
  const names: string[] = [];
  for (let i = 0; i < (await users.count()); i++) {
    const user = users.nth(i);
    names.push(
      (await user.getAttribute('data-self')) === 'true'
        ? await user.getByTestId('name-input').inputValue()
        : ((await user.textContent()) ?? '').trim(),
    );
  }
  return names;
}

/**
 * The remote carets drawn in a tab's editor: the name tag each shows (drawn by CSS above the
 * caret, so it is not editor text) and its colour (the tag's background and the caret bar's).
 */
function caretTags(page: Page): Promise<{ name: string; color: string }[]> {
  return page.locator('collab-editor .cm-accord-caret').evaluateAll((carets) =>
    carets.map((caret) => {
      const tag = getComputedStyle(caret, '::after');
      const bar = getComputedStyle(caret).borderLeftColor;
      const shown = tag.content.startsWith('"') ? (JSON.parse(tag.content) as string) : '';
      return {
        name: shown === (caret as HTMLElement).dataset.name ? shown.trim() : '',
        color: tag.backgroundColor === bar && tag.display !== 'none' ? bar : `${tag.backgroundColor}/${bar}`,
      };
    }),
  );
}

describe('presence', () => {
  it('lists everyone, spreads renames, and draws remote carets and selections in their colours', async () => {
    const doc = `presence-${Date.now()}`;
    const tabs = await Promise.all([0, 1, 2].map((node) => stack.openOnNode(doc, node)));
    const [a, b, c] = tabs.map((tab) => tab.page) as [Page, Page, Page];
    await Promise.all([a, b, c].map((page) => waitSynced(page)));
    expect(await Promise.all([a, b, c].map((page) => testIdText(page, 'node-id')))).toEqual(['1', '2', '3']);
    await Promise.all(
      [a, b, c].map((page) =>
        waitFor('three people listed', async () => (await page.getByTestId('presence-user').count()) === 3, {
          timeoutMs: 15_000,
        }),
      ),
    );

    const name = a.getByTestId('name-input');
    await name.fill('Ada Tester');
    await name.press('Enter');
    await waitFor(
      'B and C to see the new name',
      async () =>
        (await Promise.all([presenceNames(b), presenceNames(c)])).every((names) =>
          names.includes('Ada Tester'),
        ),
      { timeoutMs: 15_000 },
    );

    await placeCaret(a, 0);
    await a.keyboard.type('hello shared world');
    await a.keyboard.down('Shift');
    for (let i = 0; i < 'world'.length; i++) await a.keyboard.press('ArrowLeft');
    await a.keyboard.up('Shift');
    await placeCaret(c, 'hello'.length);
    await c.keyboard.type(',');

    const aColor = await a
      .locator('presence-list [data-self="true"] .dot')
      .evaluate((dot) => getComputedStyle(dot).backgroundColor);
    const cName = await c.getByTestId('name-input').inputValue();
    await waitFor(
      'B to draw A and C',
      async () => {
        const tags = await caretTags(b);
        return (
          tags.some((t) => t.name === 'Ada Tester' && t.color === aColor) &&
          tags.some((t) => t.name === cName)
        );
      },
      { timeoutMs: 15_000 },
    );
    // A's selection ("world") is shaded in B, and B draws no caret of its own.
    await waitFor(
      "B to shade A's selection",
      async () =>
        (await b.locator('collab-editor .cm-accord-selection').allTextContents()).join('') === 'world',
      { timeoutMs: 15_000 },
    );
    expect((await caretTags(b)).map((t) => t.name).sort()).toEqual(['Ada Tester', cName].sort());
    expect(await testIdText(b, 'status')).toBe('synced');
    // The leader numbered a snapshot of these edits (2 s after the last one at the latest), and
    // every tab, whichever node it is on, shows the same number.
    await waitFor(
      'the same snapshot number, above 0, in every tab',
      async () => {
        const seqs = await Promise.all([a, b, c].map((page) => testIdText(page, 'snapshot-seq')));
        return Number(seqs[0]) >= 1 && seqs.every((seq) => seq === seqs[0]);
      },
      { timeoutMs: 15_000 },
    );

    await saveSideBySide(stack.browser, [a, b, c], 'three-tabs-presence.png');
    for (const tab of tabs) expect(tab.errors).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.close()));
  });

  it('fits a phone screen: no sideways scrolling, every control reachable and labelled', async () => {
    const tab = await stack.open(`phone-${Date.now()}`, { viewport: { width: 390, height: 844 } });
    const page = tab.page;
    await waitSynced(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ['editor', 'todo-input', 'counter-inc', 'counter-dec', 'offline-toggle']) {
      const control = page.getByTestId(id);
      await control.scrollIntoViewIfNeeded();
      expect(await control.isVisible()).toBe(true);
      const box = await control.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    // Every control has an accessible name.
    expect(await page.getByRole('textbox', { name: 'Shared text' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'New todo' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Increment' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Decrement' }).count()).toBe(1);
    expect(await page.getByRole('switch').count()).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await writeFile(join(await ensureOutputDir(), 'phone.png'), await page.screenshot({ fullPage: true }));
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it('works from the keyboard alone: Tab reaches every control, Enter and Space operate them', async () => {
    const tab = await stack.open(`keyboard-${Date.now()}`);
    const page = tab.page;
    await waitSynced(page);
    /** Press Tab until the focused element has `testId` (bounded), and return how many presses. */
    const tabTo = async (testId: string): Promise<number> => {
      for (let presses = 1; presses <= 40; presses++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          let el: Element | null = document.activeElement;
          while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
          return el?.getAttribute('data-testid') ?? null;
        });
        if (focused === testId) return presses;
      }
      throw new Error(`Tab never reached ${testId}`);
    };
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo('editor');
    await page.keyboard.type('typed without a mouse');
    await tabTo('counter-inc');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    await waitFor('the counter at 2', async () => (await testIdText(page, 'counter-value')) === '2', {
      timeoutMs: 15_000,
    });
    await tabTo('todo-input');
    await page.keyboard.type('first');
    await page.keyboard.press('Enter');
    await page.keyboard.type('second');
    await page.keyboard.press('Enter');
    await waitFor('two todos', async () => (await page.getByTestId('todo-item').count()) === 2, {
      timeoutMs: 15_000,
    });
    // Move "second" up with its button, reached by Tab.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.getByTestId('todo-input').focus();
    for (let presses = 0; presses < 20; presses++) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.getAttribute('aria-label') ?? null;
      });
      if (label === 'Move up: second') break;
    }
    await page.keyboard.press('Enter');
    await waitFor(
      '"second" first',
      async () => (await page.getByTestId('todo-text').first().inputValue()) === 'second',
      { timeoutMs: 15_000 },
    );
    // The offline switch toggles with Space.
    await page.getByTestId('editor').focus();
    await tabTo('offline-toggle');
    await page.keyboard.press('Space');
    await waitFor('offline', async () => (await testIdText(page, 'status')) === 'offline', {
      timeoutMs: 15_000,
    });
    expect(await page.getByTestId('offline-toggle').getAttribute('aria-checked')).toBe('false');
    await page.keyboard.press('Space');
    await waitSynced(page);
    expect(await editorText(page)).toBe('typed without a mouse');
    expect(tab.errors).toEqual([]);
    await tab.close();
  });
});
