/**
 * Browser-test harness of the ProseMirror binding: the page stack of `@accord/test-browser` (the
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
   * `extra`: more query parameters (`{ clock: 'manual' }`: the binding runs in virtual time). `file`: the page (`index.html`, or `tiptap.html` for the Tiptap editor).
   */
  open(
    context: BrowserContext,
    room: string,
    name: string,
    color: string,
    extra?: Readonly<Record<string, string>>,
    file?: string,
  ): Promise<EditorPage>;
}

/** Serve the bundled page and launch Chromium. */
export async function startPageStack(): Promise<PageStack> {
  const stack = await startStack(inject('prosemirrorPage'));
  return {
    ...stack,
    open: (context, room, name, color, extra = {}, file) =>
      stack.openPage(context, { ...extra, room, name, color }, file),
  };
}

/** The editor's document (ProseMirror JSON). */
export const editorJSON = (page: Page): Promise<unknown> =>
  page.evaluate(() => window.pmHarness.editorJSON());
/** The document the page's Accord blocks show as (ProseMirror JSON). */
export const accordJSON = (page: Page): Promise<unknown> =>
  page.evaluate(() => window.pmHarness.accordJSON());
/** The editor's text, blocks separated by newlines. */
export const textOf = (page: Page): Promise<string> => page.evaluate(() => window.pmHarness.text());
/** Focus the editor and select `anchor`..`head`. */
export const select = (page: Page, anchor: number, head = anchor): Promise<void> =>
  page.evaluate(([a, h]) => window.pmHarness.select(a, h), [anchor, head] as const);
/** Position of the first occurrence of `text` (its start), or -1. */
export const find = (page: Page, text: string): Promise<number> =>
  page.evaluate((t) => window.pmHarness.find(t), text);
/** Select the first occurrence of `text`, or put the caret at its start or end (atomically). */
export const selectText = (page: Page, text: string, where: 'all' | 'start' | 'end' = 'all'): Promise<void> =>
  page.evaluate(([t, w]) => window.pmHarness.selectText(t, w), [text, where] as const);
/** Put the caret at the end of the document. */
export async function caretAtEnd(page: Page): Promise<void> {
  const end = await page.evaluate(() => window.pmHarness.end());
  await select(page, end);
}

/**
 * Wait until every page's editor document and the document its Accord blocks show as are the
 * same JSON; returns it.
 */
export async function waitConverged(pages: readonly Page[], timeoutMs = 20_000): Promise<unknown> {
  let seen: string[] = [];
  await waitFor(
    'editors to converge',
    async () => {
      const docs = await Promise.all(pages.flatMap((p) => [editorJSON(p), accordJSON(p)]));
      seen = docs.map((d) => JSON.stringify(d));
      return seen.every((t) => t === seen[0]);
    },
    { timeoutMs },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${seen.join('\n')}`);
  });
  return JSON.parse(seen[0] ?? 'null');
}

/** Every text node of a ProseMirror JSON document, with its mark names (and link hrefs). */
export interface TextRun {
  readonly text: string;
  readonly marks: string[];
}
export function runs(doc: unknown): TextRun[] {
  const out: TextRun[] = [];
  const walk = (node: {
    type: string;
    text?: string;
    marks?: { type: string; attrs?: { href?: string } }[];
    content?: unknown[];
  }): void => {
    if (node.text !== undefined) {
      out.push({
        text: node.text,
        marks: (node.marks ?? []).map((m) => (m.type === 'link' ? `link:${m.attrs?.href}` : m.type)),
      });
    }
    for (const child of node.content ?? []) walk(child as never);
  };
  walk(doc as never);
  return out;
}
/** The marks on the characters of `text` (which must lie within one text node). */
export function marksOf(doc: unknown, text: string): string[] {
  const run = runs(doc).find((r) => r.text.includes(text));
  if (!run) throw new Error(`no text node holds ${JSON.stringify(text)}: ${JSON.stringify(runs(doc))}`);
  return [...run.marks].sort();
}
