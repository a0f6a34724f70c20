/**
 * The offline switch: a tab that goes offline keeps its edits locally while the other tab goes
 * on editing; when it comes back both converge and nothing is lost.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SIZE,
  editorText,
  placeCaret,
  type Stack,
  startStack,
  testIdText,
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

describe('offline switch', () => {
  it('keeps edits made offline and merges them on reconnect', async () => {
    const doc = `offline-${Date.now()}`;
    const tabs = await Promise.all([stack.openOnNode(doc, 0), stack.openOnNode(doc, 1)]);
    const [a, b] = tabs.map((tab) => tab.page) as [Page, Page];
    await Promise.all([waitSynced(a), waitSynced(b)]);
    await placeCaret(a, 0);
    await a.keyboard.type('shared start.', { delay: 5 });
    await waitConverged([a, b]);

    await a.getByTestId('offline-toggle').click();
    await waitFor('A offline', async () => (await testIdText(a, 'status')) === 'offline', {
      timeoutMs: 15_000,
    });
    expect(await a.getByTestId('offline-toggle').getAttribute('aria-checked')).toBe('false');

    await Promise.all([
      (async () => {
        await placeCaret(a, 'shared start.'.length);
        await a.keyboard.type(' written offline by A.', { delay: 10 });
        await a.getByTestId('counter-inc').click();
        await a.getByTestId('todo-input').fill('todo from offline A');
        await a.getByTestId('todo-input').press('Enter');
      })(),
      (async () => {
        await placeCaret(b, 0);
        await b.keyboard.type('B online: ', { delay: 10 });
        await b.getByTestId('counter-dec').click();
        await b.getByTestId('counter-dec').click();
      })(),
    ]);
    // B's edits are in B; A, offline, still has only its own.
    await waitFor('B to show its own edit', async () => (await editorText(b)).startsWith('B online: '), {
      timeoutMs: 15_000,
    });
    expect(await editorText(a)).toBe('shared start. written offline by A.');
    expect(await testIdText(a, 'counter-value')).toBe('1');

    await a.getByTestId('offline-toggle').click();
    await waitSynced(a);
    const final = await waitConverged([a, b]);
    expect(final).toBe('B online: shared start. written offline by A.');
    await waitFor(
      'counters to merge to -1',
      async () => {
        const values = await Promise.all([testIdText(a, 'counter-value'), testIdText(b, 'counter-value')]);
        return values.every((v) => v === '-1');
      },
      { timeoutMs: 15_000 },
    );
    await waitFor(
      'B to see the todo written offline',
      async () => (await b.getByTestId('todo-item').count()) === 1,
      { timeoutMs: 15_000 },
    );
    expect(await b.getByTestId('todo-text').inputValue()).toBe('todo from offline A');

    for (const tab of tabs) expect(tab.errors).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.close()));
  });
});
