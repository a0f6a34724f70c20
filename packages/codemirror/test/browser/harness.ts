/**
 * Browser-test harness of the CodeMirror binding: the page stack of `@accord/test-browser` (the
 * bundled test page on loopback, a real headless Chromium) opening the page as a named user in a
 * room, and helpers that read and drive its editor. Pages of one context on one room sync through
 * a BroadcastChannel. Every wait is on a condition with a deadline.
 */
import { waitFor } from '@accord/sync-server/testing';
import {
  type PageStack as BaseStack,
  type EditorPage,
  startPageStack as startStack,
} from '@accord/test-browser';
import type { BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';

export type { EditorPage };

/** The page server and the browser, opening the test page as a named user in a room. */
export interface PageStack extends BaseStack {
  /**
   * Open the page in `context` on `room` as user `name` with `color`; waits until it is ready.
   * `extra`: more query parameters (`{ clock: 'manual' }`: the binding runs in virtual time).
   */
  open(
    context: BrowserContext,
    room: string,
    name: string,
    color: string,
    extra?: Readonly<Record<string, string>>,
  ): Promise<EditorPage>;
}

/** Serve the bundled page and launch Chromium. */
export async function startPageStack(): Promise<PageStack> {
  const stack = await startStack(inject('codemirrorPage'));
  return {
    ...stack,
    open: (context, room, name, color, extra = {}) =>
      stack.openPage(context, { ...extra, room, name, color }),
  };
}

/** The editor's document (CodeMirror's state). */
export const editorText = (page: Page): Promise<string> => page.evaluate(() => window.harness.editorText());
/** The Accord text behind the editor. */
export const accordText = (page: Page): Promise<string> => page.evaluate(() => window.harness.accordText());
/** The main selection. */
export const selectionOf = (page: Page): Promise<{ anchor: number; head: number }> =>
  page.evaluate(() => window.harness.selection());
/** Focus the editor and select `anchor`..`head`. */
export const select = (page: Page, anchor: number, head = anchor): Promise<void> =>
  page.evaluate(([a, h]) => window.harness.select(a, h), [anchor, head] as const);

/** Wait until every page's editor and Accord text agree; returns the text. */
export async function waitConverged(pages: readonly Page[]): Promise<string> {
  let seen: string[] = [];
  await waitFor('editors to converge', async () => {
    seen = (await Promise.all(pages.flatMap((p) => [editorText(p), accordText(p)]))) as string[];
    return seen.every((t) => t === seen[0]);
  }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${seen.map((t) => JSON.stringify(t)).join('\n')}`);
  });
  return seen[0] ?? '';
}
