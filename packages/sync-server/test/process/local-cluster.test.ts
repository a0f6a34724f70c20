/**
 * A local cluster the two ways the README gives: `accord-relay cluster --nodes 3` and the README's
 * "Running a cluster" shell block, run as written (only its ports moved to free ones and its
 * `pnpm build` done by the test setup). Each: three real processes elect one leader, a token
 * minted with the cluster's secret writes through one node and reads through another, and the
 * processes stop on a signal, leaving nothing behind.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canBind, RELAY_MAIN, waitFor } from '../../src/testing/index.js';
import { DocClient } from '../support/doc-client.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const groups: ChildProcess[] = [];
const clients: DocClient[] = [];
beforeAll(() => ensureBuilt(), 60_000);
afterAll(() => {
  for (const c of clients) c.client?.ws.terminate();
  for (const g of groups) if (g.pid !== undefined && g.exitCode === null) killGroup(g.pid, 'SIGKILL');
  removeTempDirs();
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** A base port with base..base+2 and their peer ports (+1000) free. */
async function freeBase(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [0, 1, 2].flatMap((i) => [base + i, base + i + 1000]);
    if ((await Promise.all(ports.map(canBind))).every(Boolean)) return base;
  }
  throw new Error('no free ports');
}

interface Health {
  cluster: { leaderId: number | null; term: number };
}
async function health(port: number): Promise<Health | null> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Health;
  } catch {
    return null;
  }
}

/** Wait (bounded) until every node answers and all agree on one leader. */
async function agreedLeader(ports: number[], ms = 30_000): Promise<number> {
  let hs: (Health | null)[] = [];
  return waitFor(
    'every node to answer and agree on one leader',
    async () => {
      hs = await Promise.all(ports.map(health));
      const leaders = new Set(hs.map((h) => h?.cluster.leaderId ?? null));
      const [only] = leaders;
      return leaders.size === 1 && typeof only === 'number' ? only : undefined;
    },
    { timeoutMs: ms, intervalMs: 100 },
  ).catch((error: unknown) => {
    throw new Error(`no agreed leader: ${JSON.stringify(hs)}\n${String(error)}`);
  });
}

/** Write through the first port, read through the last: both converge. */
async function writesAndReads(ports: number[], token: string): Promise<void> {
  const writer = new DocClient('notes', token);
  const reader = new DocClient('notes', token);
  clients.push(writer, reader);
  await writer.connect(`ws://127.0.0.1:${ports[0]}/`);
  writer.edit((d) => d.getText('t').insert(0, 'hello cluster'));
  await writer.settled();
  await reader.connect(`ws://127.0.0.1:${ports.at(-1)}/`);
  await reader.until(() => reader.doc.getText('t').toString() === 'hello cluster', 10_000);
}

async function gone(ports: number[]): Promise<boolean> {
  return (await Promise.all(ports.map(health))).every((h) => h === null);
}

function exitOf(p: ChildProcess): Promise<number | null> {
  return new Promise((r) => (p.exitCode !== null ? r(p.exitCode) : p.on('exit', (code) => r(code))));
}

describe('a local cluster, as the README starts one', () => {
  it('accord-relay cluster --nodes 3 starts three nodes that elect a leader and serve clients; SIGINT stops all', async () => {
    const base = await freeBase();
    const ports = [base, base + 1, base + 2];
    const data = tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.ACCORD_AUTH_SECRET;
    delete env.ACCORD_CLUSTER_SECRET;
    const launcher = spawn(
      process.execPath,
      [RELAY_MAIN, 'cluster', '--nodes', '3', '--port', String(base), '--data', data, '--log-level', 'warn'],
      { env, stdio: 'ignore', detached: true },
    );
    groups.push(launcher);
    await agreedLeader(ports);
    const secrets = JSON.parse(readFileSync(join(data, 'secrets.json'), 'utf8')) as { authSecret: string };
    const token = execFileSync(process.execPath, [
      RELAY_MAIN,
      'token',
      '--doc',
      'notes',
      '--auth-secret',
      secrets.authSecret,
    ])
      .toString()
      .trim();
    await writesAndReads(ports, token);
    launcher.kill('SIGINT');
    expect(await exitOf(launcher)).toBe(0);
    expect(await gone(ports)).toBe(true);
  }, 90_000);

  it("the README's 'Running a cluster' block runs as written", async () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Running a cluster'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const base = await freeBase();
    let script = block!;
    for (let i = 0; i < 3; i++) script = script.replaceAll(String(4001 + i), String(base + i));
    const cwd = tempDir();
    symlinkSync(join(repo, 'packages'), join(cwd, 'packages'));
    const bash = spawn(
      'bash',
      ['-c', `set -e\npnpm() { echo "pnpm $*: built by the test setup"; }\n${script}\nwait\n`],
      { cwd, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    groups.push(bash);
    let stdout = '';
    bash.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    const ports = [base, base + 1, base + 2];
    await agreedLeader(ports);
    const token = await waitFor(
      'the token the script prints',
      () => stdout.split('\n').find((l) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(l.trim())),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    await writesAndReads(ports, token.trim());
    killGroup(bash.pid!, 'SIGTERM');
    await exitOf(bash);
    await waitFor('every node to stop answering', () => gone(ports), { timeoutMs: 10_000, intervalMs: 100 });
  }, 90_000);
});
