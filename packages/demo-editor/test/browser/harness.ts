/**
 * The browser-test harness: a real relay cluster (child processes on free loopback ports, data
 * in a temporary directory), the built demo on a static server, and a real headless Chromium
 * (the one `@accord/test-browser` finds) driven by playwright-core. Every wait is on a condition
 * with a deadline, never a fixed sleep.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@accord/sync-server/testing';
import { launchChromium } from '@accord/test-browser';
import type { Browser, Page } from 'playwright-core';
import { inject } from 'vitest';
import { freePorts, type RelayCluster, startCluster } from '../../launch/relay-cluster.mjs';
import { type StaticServer, serveStatic } from '../../launch/static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = resolve(here, '../../../..');
/** Where screenshots go (gitignored). */
export const outputDir = join(repoRoot, 'test-output');
const relayMain = join(repoRoot, 'packages/sync-server/dist/main.js');

/** A running demo: relay cluster, static server, browser. */
export interface Stack {
  readonly cluster: RelayCluster;
  readonly server: StaticServer;
  readonly browser: Browser;
  /** Open a new tab (its own browser context: a separate user) on document `doc`. */
  open(
    doc: string,
    options?: { relays?: readonly string[]; viewport?: { width: number; height: number } },
  ): Promise<Tab>;
  /**
   * Open a tab that only knows node `index % N` (so tabs on different indices are guaranteed to
   * be on different nodes and the test exercises replication between them).
   */
  openOnNode(doc: string, index: number): Promise<Tab>;
  /** Close everything; safe to call twice. */
  stop(): Promise<void>;
}

/** One browser tab running the demo, with the console errors it printed. */
export interface Tab {
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

/** Relay nodes per test cluster: three, as `pnpm start` runs. */
export const CLUSTER_SIZE = 3;

/** Chromium messages that are the network's doing, not the app's (a killed relay). */
const NETWORK_NOISE = /WebSocket connection to .* failed|net::ERR_CONNECTION_REFUSED/;

/**
 * Start `nodes` relay nodes, the static server with their URLs in `/config.json`, and Chromium.
 * Relay flags in `relayArgs` are passed to every node.
 */
export async function startStack(options: { nodes: number; relayArgs?: string[] }): Promise<Stack> {
  const dataRoot = await mkdtemp(join(tmpdir(), 'accord-demo-test-'));
  const ports = await freePorts(options.nodes * 2);
  const cluster = await startCluster({
    relayMain,
    ports: ports.slice(0, options.nodes),
    peerPorts: ports.slice(options.nodes),
    dataRoot,
    ...(options.relayArgs ? { extraArgs: options.relayArgs } : {}),
  }).catch(async (error: unknown) => {
    await rm(dataRoot, { recursive: true, force: true });
    throw error;
  });
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await serveStatic({ root: inject('demoDist'), config: { relays: cluster.urls } });
    browser = await launchChromium({ timeout: 20_000 });
  } catch (error) {
    await server?.close();
    await cluster.stop();
    await rm(dataRoot, { recursive: true, force: true });
    throw error;
  }
  const liveServer = server;
  const liveBrowser = browser;
  const tabs = new Set<Tab>();
  let stopped = false;
  const stack: Stack = {
    cluster,
    server: liveServer,
    browser: liveBrowser,
    openOnNode(doc, index) {
      const url = cluster.urls[index % cluster.urls.length] as string;
      return stack.open(doc, { relays: [url] });
    },
    async open(doc, openOptions = {}) {
      const context = await liveBrowser.newContext({
        viewport: openOptions.viewport ?? { width: 1280, height: 860 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !NETWORK_NOISE.test(message.text())) errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      const query = openOptions.relays ? `?relays=${openOptions.relays.join(',')}` : '';
      await page.goto(`${liveServer.url}${query}#doc=${encodeURIComponent(doc)}`);
      const tab: Tab = {
        page,
        errors,
        close: async () => {
          tabs.delete(tab);
          await context.close();
        },
      };
      tabs.add(tab);
      return tab;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled([...tabs].map((tab) => tab.close()));
      await liveBrowser.close().catch(() => undefined);
      await liveServer.close();
      await cluster.stop(2_000);
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
  return stack;
}

/**
 * The CodeMirror view behind a tab's `editor` element (the content element `<collab-editor>`
 * holds), as the page sees it. Its state is the editor's text and selection.
 */
interface ViewLike {
  readonly state: {
    readonly doc: { toString(): string };
    readonly selection: { readonly main: { readonly from: number; readonly to: number } };
  };
  dispatch(spec: { selection: { anchor: number; head: number }; userEvent: string }): void;
  focus(): void;
}

/** The editor's text in a tab: the CodeMirror view's document. */
export function editorText(page: Page): Promise<string> {
  return page.getByTestId('editor').evaluate((el) => {
    const host = (el.getRootNode() as ShadowRoot).host as HTMLElement & { editorView?: ViewLike };
    const view = host.editorView;
    if (!view) throw new Error('the editor has no view');
    const text = view.state.doc.toString();
    // What the view holds is what the page shows: every line's text, in order.
    const lines = Array.from(el.querySelectorAll('.cm-line'), (line) => line.textContent ?? '');
    // (An empty document shows the placeholder instead; long ones only what is in view.)
    if (text.length > 0 && text.length < 20_000 && lines.join('\n') !== text) {
      throw new Error(
        `the page shows ${JSON.stringify(lines.join('\n'))}, the view holds ${JSON.stringify(text)}`,
      );
    }
    return text;
  });
}

/** The text of the element with `data-testid` `id`. */
export async function testIdText(page: Page, id: string): Promise<string> {
  return ((await page.getByTestId(id).first().textContent()) ?? '').trim();
}

/** Wait until the tab reports `synced` and its editor is enabled. */
export async function waitSynced(page: Page, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    'status synced',
    async () =>
      (await testIdText(page, 'status')) === 'synced' && (await page.getByTestId('editor').isEnabled()),
    { timeoutMs },
  );
}

/** Wait until every tab's editor shows the same text, and return it. */
export async function waitConverged(pages: readonly Page[], timeoutMs = 15_000): Promise<string> {
  let texts: string[] = [];
  await waitFor(
    'editors to converge',
    async () => {
      texts = await Promise.all(pages.map((page) => editorText(page)));
      return texts.every((t) => t === texts[0]);
    },
    { timeoutMs },
  ).catch((error: unknown) => {
    throw new Error(
      `${(error as Error).message}\n${texts.map((t, i) => `tab ${i}: ${JSON.stringify(t)}`).join('\n')}`,
    );
  });
  return texts[0] ?? '';
}

/** Put the caret of a tab's editor at `index` (focusing it first). */
export async function placeCaret(page: Page, index: number): Promise<void> {
  await selectRange(page, index, index);
}

/** Focus a tab's editor and select `anchor`..`head`, as a user's selection. */
export async function selectRange(page: Page, anchor: number, head: number): Promise<void> {
  const editor = page.getByTestId('editor');
  await editor.focus();
  await editor.evaluate(
    (el, [a, h]) => {
      const view = ((el.getRootNode() as ShadowRoot).host as HTMLElement & { editorView?: ViewLike })
        .editorView;
      if (!view) throw new Error('the editor has no view');
      view.dispatch({ selection: { anchor: a as number, head: h as number }, userEvent: 'select' });
    },
    [anchor, head],
  );
}

/** The caret position (the selection's start, like a textarea's selectionStart) of a tab's editor. */
export function caretOf(page: Page): Promise<number> {
  return page.getByTestId('editor').evaluate((el) => {
    const view = ((el.getRootNode() as ShadowRoot).host as HTMLElement & { editorView?: ViewLike })
      .editorView;
    if (!view) throw new Error('the editor has no view');
    return view.state.selection.main.from;
  });
}

/** Create the screenshot directory. */
export async function ensureOutputDir(): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  return outputDir;
}

/** Screenshot each page and save them in a two-column grid, as one PNG under `test-output/`. */
export async function saveSideBySide(
  browser: Browser,
  pages: readonly Page[],
  name: string,
): Promise<string> {
  const shots = await Promise.all(pages.map((page) => page.screenshot({ type: 'png' })));
  const dir = await ensureOutputDir();
  const columns = Math.min(2, pages.length);
  const canvas = await browser.newPage({
    viewport: { width: 1280 * columns + 20 * (columns + 1), height: 900 },
  });
  try {
    await canvas.setContent(
      `<body style="margin:0;padding:20px;display:grid;grid-template-columns:repeat(${columns},1280px);gap:20px;background:#444">${shots
        .map(
          (png) =>
            `<img style="width:1280px;border-radius:6px" src="data:image/png;base64,${png.toString('base64')}">`,
        )
        .join('')}</body>`,
    );
    await canvas.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
    const file = join(dir, name);
    await writeFile(file, await canvas.screenshot({ type: 'png', fullPage: true }));
    return file;
  } finally {
    await canvas.close();
  }
}
