/**
 * Run `accord-relay` as a real child process (the built `dist/main.js`), find its port from its
 * JSON log, and stop it with real signals. Builds the package first if `dist` is missing or older
 * than the sources (CI builds before testing, so this is for local runs).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repo = join(pkg, '..', '..');
/** Path of the built CLI. */
export const RELAY_MAIN = join(pkg, 'dist', 'main.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Build `dist/main.js` if it is missing or stale. */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(join(pkg, 'src')), newestMtime(join(repo, 'packages', 'core', 'src')));
  if (existsSync(RELAY_MAIN) && statSync(RELAY_MAIN).mtimeMs >= sources) return;
  try {
    execFileSync(join(repo, 'node_modules', '.bin', 'tsc'), ['-b', 'packages/sync-server'], {
      cwd: repo,
      stdio: 'pipe',
    });
  } catch (e) {
    // tsc -b still emits files without errors; fail only if the CLI is missing.
    if (!existsSync(RELAY_MAIN)) throw e;
  }
}

/** A running relay process. */
export interface RelayProcess {
  readonly proc: ChildProcess;
  readonly port: number;
  /** Every stdout line (pino JSON). */
  readonly logs: string[];
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

/** Start `accord-relay` with `args` (add `--port 0` for a free port). Rejects if it does not listen in time. */
export async function spawnRelay(args: readonly string[], timeoutMs = 10_000): Promise<RelayProcess> {
  const proc = spawn(process.execPath, [RELAY_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let stderr = '';
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a relay behind that the caller has no handle on.
      proc.kill('SIGKILL');
      reject(new Error(`relay did not start: ${stderr}`));
    }, timeoutMs);
    let buf = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        logs.push(line);
        try {
          const rec = JSON.parse(line) as { msg?: string; port?: number };
          if (rec.msg === 'relay listening' && typeof rec.port === 'number') {
            clearTimeout(timer);
            resolve(rec.port);
          }
        } catch {
          // not JSON: ignore
        }
        nl = buf.indexOf('\n');
      }
    });
    proc.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited (${code}) before listening: ${stderr}`));
    });
  });
  return { proc, port, logs, exited };
}
