/**
 * Three real Chromium tabs edit one text through a real 3-node relay cluster with real keyboard
 * events: they converge, equal the copy every node serves, keep words typed concurrently at one
 * spot contiguous, and keep a caret on its character while remote edits land before it.
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
  saveSideBySide,
  startStack,
  type Tab,
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

async function openSynced(doc: string, count: number): Promise<Tab[]> {
  // Tab i on node i: every edit crosses the cluster to reach the other tabs.
  const tabs = await Promise.all(Array.from({ length: count }, (_, i) => stack.openOnNode(doc, i)));
  await Promise.all(tabs.map((tab) => waitSynced(tab.page)));
  return tabs;
}

/** The text each node serves: a fresh tab pinned to that node alone. */
async function serverCopies(doc: string): Promise<string[]> {
  return Promise.all(
    stack.cluster.urls.map(async (url) => {
      const tab = await stack.open(doc, { relays: [url] });
      try {
        await waitSynced(tab.page);
        return await editorText(tab.page);
      } finally {
        await tab.close();
      }
    }),
  );
}

async function type(page: Page, at: number, text: string, delay: number): Promise<void> {
  await placeCaret(page, at);
  await page.keyboard.type(text, { delay });
}

describe('three tabs editing one text', () => {
  it('converge when typing concurrently at different places and at one place, without interleaving', async () => {
    const doc = `typing-${Date.now()}`;
    const tabs = await openSynced(doc, 3);
    const [a, b, c] = tabs.map((tab) => tab.page) as [Page, Page, Page];

    await type(a, 0, 'alpha beta gamma', 5);
    await waitConverged([a, b, c]);

    // Different places: after "alpha", after "beta", at the end, all at once.
    await placeCaret(a, 'alpha'.length);
    await placeCaret(b, 'alpha beta'.length);
    await placeCaret(c, 'alpha beta gamma'.length);
    await Promise.all([
      a.keyboard.type(' one', { delay: 25 }),
      b.keyboard.type(' two', { delay: 25 }),
      c.keyboard.type(' three', { delay: 25 }),
    ]);
    const afterSpread = await waitConverged([a, b, c]);
    expect(afterSpread).toBe('alpha one beta two gamma three');

    // One place: all three carets right after "gamma", typing words at the same time.
    const spot = afterSpread.indexOf('gamma') + 'gamma'.length;
    const words = [' red fox jumps', ' blue owl sleeps', ' green cat naps'];
    for (const page of [a, b, c]) await placeCaret(page, spot);
    await Promise.all([a, b, c].map((page, i) => page.keyboard.type(words[i]!, { delay: 20 })));
    const final = await waitConverged([a, b, c]);
    // Each word stays in one piece: the inserted run is the three words in some order.
    const head = 'alpha one beta two gamma';
    expect(final.startsWith(head) && final.endsWith(' three')).toBe(true);
    const inserted = final.slice(head.length, final.length - ' three'.length);
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ].map((order) => order.map((i) => words[i]).join(''));
    expect(orders).toContain(inserted);

    // Every node serves exactly this text.
    expect(await serverCopies(doc)).toEqual(stack.cluster.urls.map(() => final));

    // A screenshot of the three tabs, side by side, for a human to look at.
    await saveSideBySide(
      stack.browser,
      tabs.map((tab) => tab.page),
      'three-tabs-converged.png',
    );

    for (const tab of tabs) expect(tab.errors).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.close()));
  });

  it('keeps the caret on its character while remote edits land before it', async () => {
    const doc = `caret-${Date.now()}`;
    const [tabA, tabB] = await openSynced(doc, 2);
    const a = tabA!.page;
    const b = tabB!.page;
    const seed = 'first line\nsecond line MIDDLE end\n';
    await type(b, 0, seed, 2);
    await waitConverged([a, b]);

    const mark = seed.indexOf('MIDDLE') + 'MIDDLE'.length;
    const typedByA = '-abcdefghijklmnop';
    const typedByB = 'REMOTE EDITS BEFORE THE CARET ';
    await placeCaret(a, mark);
    await placeCaret(b, 0);
    await Promise.all([a.keyboard.type(typedByA, { delay: 45 }), b.keyboard.type(typedByB, { delay: 15 })]);
    const final = await waitConverged([a, b]);

    expect(final).toBe(`${typedByB}first line\nsecond line MIDDLE${typedByA} end\n`);
    // A's caret is still right after what A typed, though B's text landed before it.
    expect(await caretOf(a)).toBe(final.indexOf(typedByA) + typedByA.length);

    // A remote deletion before the caret, while A is not typing, moves it back by as much.
    const before = await caretOf(a);
    await placeCaret(b, typedByB.length);
    for (let i = 0; i < typedByB.length; i++) await b.keyboard.press('Backspace');
    // Wait for all of it: A gets B's backspaces as they come, and 'REMOTE' is gone from A's text
    // once 25 of the 30 have arrived.
    const afterDeletion = `first line\nsecond line MIDDLE${typedByA} end\n`;
    await waitFor('A to see the whole deletion', async () => (await editorText(a)) === afterDeletion, {
      timeoutMs: 15_000,
    });
    expect(await caretOf(a)).toBe(before - typedByB.length);
    expect(await editorText(a)).toBe(afterDeletion);

    expect(tabA!.errors).toEqual([]);
    expect(tabB!.errors).toEqual([]);
    await Promise.all([tabA!.close(), tabB!.close()]);
  });
});
