/**
 * The Chromium that ships inside the `@sparticuz/chromium` npm package: a brotli-compressed
 * headless shell for Linux x64 whose only shared libraries (NSS, NSPR, expat) are part of a
 * Debian base image. It is unpacked once per package version into the temporary directory and
 * reused by every later test run and every checkout.
 *
 * We unpack it ourselves instead of calling the package's `executablePath()`: that one writes an
 * unversioned `/tmp/chromium` and treats a file as ready as soon as it exists, so two test
 * processes starting at once (vitest runs the client and demo projects in parallel) could launch
 * a half-written binary, and a run killed mid-way would leave a truncated one behind for good.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

/** The npm package that carries the browser. */
export const NPM_CHROMIUM_PACKAGE = '@sparticuz/chromium';

/**
 * The path of the unpacked npm Chromium, unpacking it first if no complete copy exists yet.
 * Safe to call from several processes at once: each unpacks into a file of its own and renames
 * it into place, so the path returned always names a complete binary.
 *
 * @param cacheRoot the directory that holds the unpacked copies (default: the OS temporary dir).
 * @throws Error when the package is not installed, has no build for this platform, or the
 *   cache directory is not this user's own.
 */
export async function npmChromiumPath(cacheRoot: string = tmpdir()): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`ships a Linux x64 build only, this is ${process.platform} ${process.arch}`);
  }
  const packageRoot = resolvePackageRoot();
  const { version } = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = join(cacheRoot, `accord-chromium-${version}`);
  const binary = join(dir, 'chromium');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await assertOwnDirectory(dir);
  if (await isFile(binary)) return binary;
  const partial = `${binary}.${randomUUID()}.partial`;
  try {
    await pipeline(
      createReadStream(join(packageRoot, 'bin', 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(partial, { mode: 0o700 }),
    );
    await rename(partial, binary);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return binary;
}

function resolvePackageRoot(): string {
  let entry: string;
  try {
    // The package exports only its entry point (build/index.js); its root is one level up.
    entry = createRequire(import.meta.url).resolve(NPM_CHROMIUM_PACKAGE);
  } catch {
    throw new Error('not installed (run `pnpm install`)');
  }
  return dirname(dirname(entry));
}

/** Refuse a cache directory that another user made (they could have planted the binary). */
async function assertOwnDirectory(dir: string): Promise<void> {
  const stats = await lstat(dir);
  const uid = process.getuid?.();
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) {
    throw new Error(`${dir} is not a directory that only this user can write to`);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}
