/**
 * The search order and the failure message of launchChromium, with scripted sources and a fake
 * launcher (no browser starts here; the browser suites of client and demo-editor start real ones).
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, LaunchOptions } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  CHROMIUM_ARGS,
  type ChromiumSource,
  chromiumSources,
  launchChromium,
  NoChromiumError,
} from '../src/index.js';

const fakeBrowser = { fake: true } as unknown as Browser;

function source(name: string, path: string | Error | undefined): ChromiumSource {
  return {
    name,
    absent: 'not there',
    executablePath: async () => {
      if (path instanceof Error) throw path;
      return path;
    },
  };
}

describe('launchChromium', () => {
  let warn: MockInstance<typeof console.warn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
  });

  it('launches the first source that has an executable, with the shared flags and timeout', async () => {
    const launched: LaunchOptions[] = [];
    const browser = await launchChromium({
      timeout: 1234,
      sources: [source('A', undefined), source('B', '/b/chrome'), source('C', '/c/chrome')],
      launch: async (options) => {
        launched.push(options);
        return fakeBrowser;
      },
    });
    expect(browser).toBe(fakeBrowser);
    expect(launched).toEqual([{ executablePath: '/b/chrome', args: [...CHROMIUM_ARGS], timeout: 1234 }]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('falls through a source whose browser does not start, and says so in one warning', async () => {
    const tried: string[] = [];
    const browser = await launchChromium({
      sources: [source('A', '/a/chrome'), source('B', '/b/chrome')],
      launch: async (options) => {
        tried.push(options.executablePath ?? '');
        if (options.executablePath === '/a/chrome') throw new Error('exited with 127\nlong log');
        return fakeBrowser;
      },
    });
    expect(browser).toBe(fakeBrowser);
    expect(tried).toEqual(['/a/chrome', '/b/chrome']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toBe(
      '[test-browser] A: /a/chrome did not start: exited with 127',
    );
  });

  it('warns about a source that is there but unusable, and tries the next', async () => {
    const browser = await launchChromium({
      sources: [source('A', new Error('/x is not an executable file')), source('B', '/b/chrome')],
      launch: async () => fakeBrowser,
    });
    expect(browser).toBe(fakeBrowser);
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      '[test-browser] A: /x is not an executable file',
    ]);
  });

  it('throws one line naming every source and how to get a browser when nothing starts', async () => {
    const error = await launchChromium({
      sources: [source('A', undefined), source('B', new Error('broken')), source('C', '/c')],
      launch: async () => {
        throw new Error('crashed\nwith a long log');
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoChromiumError);
    const message = (error as NoChromiumError).message;
    expect(message).not.toContain('\n');
    expect(message).toBe(
      'No Chromium for the browser tests (A: not there; B: broken; C: /c did not start: crashed). ' +
        'Set CHROMIUM_PATH to a Chromium executable, or run `apt-get install -y chromium`.',
    );
    expect((error as NoChromiumError).code).toBe('no-chromium');
  });
});

describe('chromiumSources', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-test-browser-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tries CHROMIUM_PATH, then /usr/bin/chromium, then the npm package', () => {
    expect(chromiumSources({}).map((s) => s.name)).toEqual([
      'CHROMIUM_PATH',
      '/usr/bin/chromium',
      '@sparticuz/chromium',
    ]);
  });

  it('takes CHROMIUM_PATH only when it names an executable file', async () => {
    const [unset] = chromiumSources({});
    await expect(unset!.executablePath()).resolves.toBeUndefined();
    const file = join(dir, 'chrome');
    await writeFile(file, '#!/bin/sh\n');
    const [notExecutable] = chromiumSources({ CHROMIUM_PATH: file });
    await expect(notExecutable!.executablePath()).rejects.toThrow(`${file} is not an executable file`);
    await chmod(file, 0o755);
    const [set] = chromiumSources({ CHROMIUM_PATH: file });
    await expect(set!.executablePath()).resolves.toBe(file);
  });
});
