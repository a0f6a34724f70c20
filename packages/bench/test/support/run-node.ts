/**
 * Test helpers shared by the bench's process tests: run a built command and collect its output,
 * and poll a condition with a deadline.
 */
import { spawn } from 'node:child_process';

/** What a finished command printed, and its exit code. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node <main> ...args` to its end. */
export function runNode(main: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Poll `check` every 50 ms until it holds or `ms` pass (then throw, naming `what`). */
export async function until<T>(
  what: string,
  ms: number,
  check: () => T | null | Promise<T | null>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
