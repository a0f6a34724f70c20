/**
 * Starting and stopping server processes for the relay bench: spawn, wait until the server is
 * ready (a JSON line on stdout, or an HTTP probe), and stop with SIGTERM (SIGKILL after a grace).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A running server process. */
export interface ChildServer {
  readonly pid: number;
  readonly port: number;
  readonly process: ChildProcess;
  /** Last lines of stderr (for error reports). */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** How the server announces readiness. */
export type Readiness =
  /** It prints a JSON line with `port` on stdout. */
  | { readonly kind: 'stdout-port' }
  /** It listens on a known port; poll `http://127.0.0.1:<port><path>` until it answers 200. */
  | { readonly kind: 'http'; readonly port: number; readonly path: string };

/**
 * Extra Node flags for every server process, from `BENCH_SERVER_NODE_ARGS` (for example
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the servers under load).
 */
function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
}

/**
 * Spawns `node <args…>` and waits until it is ready.
 * @throws Error when it exits or does not become ready within `timeoutMs`.
 */
export async function startChildServer(
  args: readonly string[],
  readiness: Readiness,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, [...serverNodeArgs(), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  if (readiness.kind === 'http') child.stdout?.resume();
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const fail = async (why: string): Promise<never> => {
    await stop(500);
    throw new Error(`${why}: node ${args.join(' ')}\n${tail}`);
  };

  let port: number;
  if (readiness.kind === 'stdout-port') {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const found = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      child.once('exit', () => resolve(null));
      lines.on('line', (line) => {
        try {
          const p = (JSON.parse(line) as { port?: unknown }).port;
          if (typeof p === 'number') {
            clearTimeout(timer);
            resolve(p);
          }
        } catch {
          // not the readiness line
        }
      });
    });
    if (found === null) return fail('server did not report its port');
    port = found;
  } else {
    port = readiness.port;
    const deadline = Date.now() + timeoutMs;
    let ok = false;
    while (!ok && Date.now() < deadline && child.exitCode === null) {
      ok = await fetch(`http://127.0.0.1:${port}${readiness.path}`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ok) await new Promise((r) => setTimeout(r, 100));
    }
    if (!ok) return fail('server did not become healthy');
  }
  child.stdout?.resume();
  return { pid: child.pid as number, port, process: child, stderrTail: () => tail, stop };
}
