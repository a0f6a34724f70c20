/**
 * Finding and launching the headless Chromium that every browser test in the repository drives.
 * Sources are tried in order: `CHROMIUM_PATH`, Debian's `/usr/bin/chromium`, then the browser
 * shipped inside the `@sparticuz/chromium` devDependency, so `pnpm install && pnpm test` works on
 * a machine where nothing was installed by hand.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';
import { NPM_CHROMIUM_PACKAGE, npmChromiumPath } from './npm-chromium.js';

/** The flags every test browser runs with (headless, no sandbox since CI runs as root, no GPU). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

/** Debian's package (`apt-get install chromium`). */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** One place a Chromium may come from. */
export interface ChromiumSource {
  /** How messages name it: `CHROMIUM_PATH`, `/usr/bin/chromium`, `@sparticuz/chromium`. */
  readonly name: string;
  /** What messages say when it is not there: `not set`, `not found`. */
  readonly absent: string;
  /**
   * The executable's path; `undefined` when this source is simply not there (`CHROMIUM_PATH`
   * unset, no Debian package), and a rejection with a short reason when it is there but unusable.
   */
  executablePath(): Promise<string | undefined>;
}

/**
 * The sources {@link launchChromium} tries, in order.
 *
 * @param env where `CHROMIUM_PATH` is read (default `process.env`).
 */
export function chromiumSources(env: NodeJS.ProcessEnv = process.env): ChromiumSource[] {
  return [
    {
      name: 'CHROMIUM_PATH',
      absent: 'not set',
      executablePath: async () => {
        const path = env.CHROMIUM_PATH;
        if (!path) return undefined;
        if (!(await isExecutable(path))) throw new Error(`${path} is not an executable file`);
        return path;
      },
    },
    {
      name: DEBIAN_CHROMIUM,
      absent: 'not found',
      executablePath: async () => ((await isExecutable(DEBIAN_CHROMIUM)) ? DEBIAN_CHROMIUM : undefined),
    },
    { name: NPM_CHROMIUM_PACKAGE, absent: 'not installed', executablePath: () => npmChromiumPath() },
  ];
}

/** Thrown by {@link launchChromium} when no source yields a Chromium that starts. */
export class NoChromiumError extends Error {
  /** Machine-readable reason. */
  readonly code = 'no-chromium';
  /** Per source, in order, why it was not used (`"/usr/bin/chromium: not found"`). */
  readonly attempts: readonly string[];

  constructor(attempts: readonly string[]) {
    super(
      `No Chromium for the browser tests (${attempts.join('; ')}). ` +
        'Set CHROMIUM_PATH to a Chromium executable, or run `apt-get install -y chromium`.',
    );
    this.name = 'NoChromiumError';
    this.attempts = attempts;
  }
}

/** Options of {@link launchChromium}. */
export interface LaunchChromiumOptions {
  /** Launch timeout per source in ms (playwright's default when absent). */
  readonly timeout?: number;
  /** Where to look (default {@link chromiumSources}); for tests of the search itself. */
  readonly sources?: readonly ChromiumSource[];
  /** Starts a browser (default playwright-core's `chromium.launch`); for tests of the search. */
  readonly launch?: (options: LaunchOptions) => Promise<Browser>;
}

/**
 * Launch headless Chromium with {@link CHROMIUM_ARGS} from the first source that has one and
 * where it starts. A source that is there but unusable (a `CHROMIUM_PATH` naming no executable,
 * a binary that does not start) is reported with one `console.warn` line before the next source
 * is tried, so a broken setting is never silently replaced.
 *
 * @throws NoChromiumError (one line: what each source lacked, and how to get a browser).
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const sources = options.sources ?? chromiumSources();
  const launch = options.launch ?? ((launchOptions: LaunchOptions) => chromium.launch(launchOptions));
  const attempts: string[] = [];
  for (const source of sources) {
    let executablePath: string | undefined;
    try {
      executablePath = await source.executablePath();
    } catch (error) {
      const attempt = `${source.name}: ${firstLine(error)}`;
      console.warn(`[test-browser] ${attempt}`);
      attempts.push(attempt);
      continue;
    }
    if (executablePath === undefined) {
      attempts.push(`${source.name}: ${source.absent}`);
      continue;
    }
    try {
      return await launch({
        executablePath,
        args: [...CHROMIUM_ARGS],
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      });
    } catch (error) {
      const attempt = `${source.name}: ${executablePath} did not start: ${firstLine(error)}`;
      console.warn(`[test-browser] ${attempt}`);
      attempts.push(attempt);
    }
  }
  throw new NoChromiumError(attempts);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first line of an error's message, at most 200 characters (playwright's are long logs). */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
