/**
 * Failover: kill -9 the relay node a tab is connected to while it types. The tab reconnects to
 * another node, the cluster panel shows that node, every keystroke ends up in every tab and on
 * every surviving node; then kill -9 the leader and watch the panel report a new leader and a
 * higher term.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  editorText,
  placeCaret,
  type Stack,
  saveSideBySide,
  startStack,
  testIdText,
  waitConverged,
  waitSynced,
} from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ nodes: 3 });
});

afterAll(async () => {
  await stack?.stop();
});

/** The number shown in a cluster-panel field, or undefined while it shows a dash. */
async function panelNumber(page: Page, testId: string): Promise<number | undefined> {
  const text = await testIdText(page, testId);
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Type `text` into `page` at the end, and `during` once `after` characters are in. */
async function typeWhile(
  page: Page,
  text: string,
  after: number,
  during: () => Promise<void>,
): Promise<void> {
  await placeCaret(page, (await editorText(page)).length);
  await page.keyboard.type(text.slice(0, after), { delay: 25 });
  await Promise.all([page.keyboard.type(text.slice(after), { delay: 25 }), during()]);
}

describe('failover', () => {
  it('keeps every keystroke when the node of a typing tab is killed, and reports the new node and leader', async () => {
    const doc = `failover-${Date.now()}`;
    const tabs = await Promise.all([stack.open(doc), stack.open(doc)]);
    const [a, b] = tabs.map((tab) => tab.page) as [Page, Page];
    await Promise.all([waitSynced(a), waitSynced(b)]);
    const first = await waitFor('A to show its node', () => panelNumber(a, 'node-id'), { timeoutMs: 15_000 });

    // 1. Kill A's node while A types.
    const typed1 = 'Typing through a crash: every one of these keystrokes must survive. ';
    await typeWhile(a, typed1, 20, () => stack.cluster.kill(first, 'SIGKILL'));
    const second = await waitFor(
      'A to fail over to another node',
      async () => {
        const node = await panelNumber(a, 'node-id');
        return node !== undefined && node !== first && (await testIdText(a, 'status')) === 'synced'
          ? node
          : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(second).not.toBe(first);
    expect(await waitConverged([a, b], 20_000)).toBe(typed1);
    expect(await panelNumber(b, 'node-id')).not.toBe(first);

    // 2. Bring the node back, then kill the leader while A types again.
    await stack.cluster.restart(first);
    const leader = await waitFor('a known leader', () => panelNumber(a, 'leader-id'), { timeoutMs: 20_000 });
    const term = await waitFor('a known term', () => panelNumber(a, 'term'), { timeoutMs: 15_000 });
    const typed2 = 'And again while the leader dies.';
    await typeWhile(a, typed2, 10, () => stack.cluster.kill(leader, 'SIGKILL'));
    const [newLeader, newTerm] = await waitFor(
      'A to report a new leader in a higher term',
      async () => {
        const l = await panelNumber(a, 'leader-id');
        const t = await panelNumber(a, 'term');
        return l !== undefined && l !== leader && t !== undefined && t > term ? [l, t] : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(newLeader).not.toBe(leader);
    expect(newTerm).toBeGreaterThan(term);
    await waitSynced(a, 20_000);
    expect(await panelNumber(a, 'node-id')).not.toBe(leader);
    const final = await waitConverged([a, b], 20_000);
    expect(final).toBe(typed1 + typed2);
    await saveSideBySide(stack.browser, [a, b], 'failover.png');

    for (const tab of tabs) expect(tab.errors).toEqual([]);
    await Promise.all(tabs.map((tab) => tab.close()));
  });
});
