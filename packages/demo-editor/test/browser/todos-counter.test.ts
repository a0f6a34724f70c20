/**
 * The todo list and the counter, edited at the same time from two real tabs through the relay
 * cluster: both tabs end with the same list, and the counter equals the sum of every click.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_SIZE, type Stack, startStack, testIdText, waitSynced } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ nodes: CLUSTER_SIZE });
});

afterAll(async () => {
  await stack?.stop();
});

interface Row {
  text: string;
  done: boolean;
}

/** The todo rows of a tab, read in one go (the list may change while it is read). */
function todoRows(page: Page): Promise<Row[]> {
  return page.getByTestId('todo-item').evaluateAll((items) =>
    items.map((item) => ({
      text: (item.querySelector('[data-testid="todo-text"]') as HTMLInputElement).value,
      done: (item.querySelector('[data-testid="todo-check"]') as HTMLInputElement).checked,
    })),
  );
}

async function addTodos(page: Page, texts: readonly string[]): Promise<void> {
  const input = page.getByTestId('todo-input');
  for (const text of texts) {
    await input.fill(text);
    await input.press('Enter');
  }
}

async function click(page: Page, testId: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await page.getByTestId(testId).click();
}

function item(page: Page, text: string) {
  return page.locator(`[data-testid="todo-item"][data-text="${text}"]`);
}

async function waitSameRows(pages: readonly Page[], expected: number): Promise<Row[]> {
  let rows: Row[][] = [];
  await waitFor(
    `both tabs to show the same ${expected} todos`,
    async () => {
      rows = await Promise.all(pages.map((p) => todoRows(p)));
      return rows[0]?.length === expected && rows.every((r) => JSON.stringify(r) === JSON.stringify(rows[0]));
    },
    { timeoutMs: 15_000 },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${JSON.stringify(rows)}`);
  });
  return rows[0] ?? [];
}

describe('todo list and counter from two tabs', () => {
  it('converge under concurrent clicks, additions, edits, checks, deletions and moves', async () => {
    const doc = `todos-${Date.now()}`;
    const tabs = await Promise.all([stack.openOnNode(doc, 0), stack.openOnNode(doc, 1)]);
    const [a, b] = tabs.map((tab) => tab.page) as [Page, Page];
    await Promise.all([waitSynced(a), waitSynced(b)]);

    // Both tabs at once: counter clicks and todo additions (each tab does its own in sequence,
    // since one page has one focus).
    await Promise.all([
      (async () => {
        await click(a, 'counter-inc', 7);
        await addTodos(a, ['A one', 'A two', 'A three']);
        await click(a, 'counter-dec', 2);
      })(),
      (async () => {
        await click(b, 'counter-inc', 4);
        await addTodos(b, ['B one', 'B two']);
        await click(b, 'counter-dec', 5);
      })(),
    ]);
    let values: string[] = [];
    await waitFor(
      'counters to agree on 4',
      async () => {
        values = await Promise.all([testIdText(a, 'counter-value'), testIdText(b, 'counter-value')]);
        return values.every((v) => v === '4');
      },
      { timeoutMs: 15_000 },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: ${values.join(', ')}`);
    });
    const added = await waitSameRows([a, b], 5);
    expect(added.map((r) => r.text).sort()).toEqual(['A one', 'A three', 'A two', 'B one', 'B two']);
    // Each tab's own additions keep their order.
    const order = added.map((r) => r.text);
    expect(order.indexOf('A one')).toBeLessThan(order.indexOf('A two'));
    expect(order.indexOf('A two')).toBeLessThan(order.indexOf('A three'));
    expect(order.indexOf('B one')).toBeLessThan(order.indexOf('B two'));

    // Concurrent check, edit, delete and move.
    await Promise.all([
      (async () => {
        await item(a, 'A one').getByTestId('todo-check').check();
        await item(a, 'B one').getByTestId('todo-delete').click();
      })(),
      (async () => {
        const text = item(b, 'A two').getByTestId('todo-text');
        await text.fill('A two, edited');
        await text.press('Enter');
        // Move "B two" to the top, one step at a time with the keyboard-accessible buttons.
        // A's concurrent deletion may move it up under the pointer, so re-check before each step.
        for (let guard = 0; guard < 8; guard++) {
          if ((await todoRows(b))[0]?.text === 'B two') break;
          await item(b, 'B two')
            .getByTestId('todo-up')
            .click({ timeout: 2_000 })
            .catch(() => undefined);
        }
      })(),
    ]);
    const rows = await waitSameRows([a, b], 4);
    expect(rows[0]).toEqual({ text: 'B two', done: false });
    expect(rows).toContainEqual({ text: 'A one', done: true });
    expect(rows).toContainEqual({ text: 'A two, edited', done: false });
    expect(rows).toContainEqual({ text: 'A three', done: false });
    expect(rows.map((r) => r.text)).not.toContain('B one');
    expect(await testIdText(a, 'counter-value')).toBe('4');

    for (const tab of tabs) expect(tab.errors).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.close()));
  });
});
