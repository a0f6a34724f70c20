/**
 * The version history in real Chromium tabs against a real 3-node cluster with the demo's relay
 * settings (a version numbered 2 s after editing pauses): versions appear newest last, a selected
 * version shows its text read-only, and restoring it brings that text back in every tab while
 * the history keeps growing.
 */

import { waitFor } from '@accord/sync-server/testing';
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

describe('version history panel', () => {
  it('lists versions newest last, previews one, and restores it in every tab', async () => {
    const doc = `history-${Date.now()}`;
    const [a, b] = await Promise.all([stack.openOnNode(doc, 0), stack.openOnNode(doc, 1)]);
    const [pa, pb] = [a.page, b.page];
    await Promise.all([waitSynced(pa), waitSynced(pb)]);
    await expect(pa.getByTestId('history-panel').count()).resolves.toBe(1);

    await placeCaret(pa, 0);
    await pa.keyboard.type('first draft', { delay: 10 });
    await waitConverged([pa, pb]);
    // The editing pauses: the leader numbers a version within a few seconds.
    await waitFor('a first version', async () => (await pa.getByTestId('version-item').count()) >= 1, {
      timeoutMs: 20_000,
    });

    await placeCaret(pa, 'first draft'.length);
    await pa.keyboard.type(' and a second thought', { delay: 10 });
    await waitConverged([pa, pb]);
    await waitFor('a second version', async () => (await pa.getByTestId('version-item').count()) >= 2, {
      timeoutMs: 20_000,
    });

    // Newest last: numbers strictly increase along the list.
    const numbers = await pa
      .getByTestId('version-item')
      .evaluateAll((els) =>
        els.map((el) => [Number(el.getAttribute('data-term')), Number(el.getAttribute('data-seq'))]),
      );
    for (let i = 1; i < numbers.length; i++) {
      const [t0, s0] = numbers[i - 1] as [number, number];
      const [t1, s1] = numbers[i] as [number, number];
      expect(t1 > t0 || (t1 === t0 && s1 > s0)).toBe(true);
    }

    // The first version shows the first draft, read-only (a <pre>, not an editor).
    await pa.getByTestId('version-item').first().click();
    await waitFor(
      'the first version in the preview',
      async () => (await testIdText(pa, 'version-preview')) === 'first draft',
      { timeoutMs: 15_000 },
    );
    const newest = await pa.getByTestId('version-item').last().textContent();
    await pa.getByTestId('version-item').last().click();
    await waitFor(
      'the newest version in the preview',
      async () => (await testIdText(pa, 'version-preview')) === 'first draft and a second thought',
      { timeoutMs: 15_000 },
    );
    expect(newest?.trim()).toBe(String(numbers.at(-1)?.[1]));

    // Restore the first version: every tab shows it again, and it becomes a new version later.
    await pa.getByTestId('version-item').first().click();
    await waitFor(
      'the first version selected',
      async () => (await testIdText(pa, 'version-preview')) === 'first draft',
      { timeoutMs: 15_000 },
    );
    const before = await pa.getByTestId('version-item').count();
    await pa.getByTestId('version-restore').click();
    await waitFor(
      'the restore in both tabs',
      async () => (await editorText(pa)) === 'first draft' && (await editorText(pb)) === 'first draft',
      { timeoutMs: 15_000 },
    );
    await waitFor(
      'a version of the restore',
      async () => (await pb.getByTestId('version-item').count()) > before,
      { timeoutMs: 20_000 },
    );
    await pb.getByTestId('version-item').last().click();
    await waitFor(
      'the restored text as the newest version',
      async () => (await testIdText(pb, 'version-preview')) === 'first draft',
      { timeoutMs: 15_000 },
    );
  }, 120_000);
});
