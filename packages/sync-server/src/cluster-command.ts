/**
 * `accord-relay cluster --nodes N`: a local cluster in one command, for people not using
 * `pnpm start`. Starts N relay processes on one host (client ports `--port`, `--port`+1, …; peer
 * ports client + 1000; each node its own SQLite file under `--data`), every other flag passed to
 * every node. The secrets come from `ACCORD_AUTH_SECRET` / `ACCORD_CLUSTER_SECRET`, else from
 * `<data>/secrets.json` (made on the first start, mode 0600, reused after), and reach the nodes
 * through their environment, never argv. Node output is passed through, one line at a time
 * prefixed with the node id. SIGINT/SIGTERM stop every node gracefully; a second signal kills them;
 * no node outlives the launcher.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs as parseArgsUtil } from 'node:util';
import { ConfigError } from './config.js';

/** The cluster command's own flags; every other flag goes to each node. */
export interface ClusterCommandOptions {
  readonly nodes: number;
  readonly port: number;
  readonly host: string;
  readonly data: string;
  /** Flags for every node (the command's own removed). */
  readonly nodeArgs: readonly string[];
}

/** Split the command's own flags (`--nodes`, `--port`, `--host`, `--data`) from the nodes' flags. */
export function parseClusterArgs(argv: readonly string[]): ClusterCommandOptions {
  const { values, tokens } = parseArgsUtil({
    args: [...argv],
    options: {
      nodes: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const own = new Set(['nodes', 'port', 'host', 'data']);
  const nodeArgs: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'option' && own.has(t.name)) continue;
    if (t.kind === 'option') {
      nodeArgs.push(t.rawName);
      if (t.value !== undefined) nodeArgs.push(t.value);
      else if (tokens[i + 1]?.kind === 'positional') {
        nodeArgs.push((tokens[i + 1] as { value: string }).value);
        i++;
      }
    } else if (t.kind === 'positional') throw new ConfigError(`unexpected argument "${t.value}"`);
  }
  for (const f of ['id', 'peers', 'peer-port']) {
    if (nodeArgs.includes(`--${f}`)) throw new ConfigError(`cluster sets --${f} for each node; leave it out`);
  }
  const int = (name: string, v: unknown, def: number, min: number, max: number): number => {
    if (v === undefined) return def;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!(n >= min && n <= max)) throw new ConfigError(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const nodes = int('nodes', values.nodes, 3, 1, 9);
  const port = int('port', values.port, 4001, 1, 64535 - nodes);
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const data = typeof values.data === 'string' ? values.data : './data';
  return { nodes, port, host, data, nodeArgs };
}

/** The secrets from the environment, else from `<data>/secrets.json` (created, 0600, on first use). */
export function clusterSecrets(
  data: string,
  env: NodeJS.ProcessEnv,
): { authSecret: string; clusterSecret: string; file: string | null } {
  const file = join(data, 'secrets.json');
  let stored: { authSecret?: unknown; clusterSecret?: unknown } = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
    } catch {
      throw new ConfigError(`${file} is not valid JSON: delete it to make new secrets`);
    }
  }
  const pick = (fromEnv: string | undefined, kept: unknown): string =>
    fromEnv ?? (typeof kept === 'string' && kept.length >= 16 ? kept : randomBytes(24).toString('hex'));
  const authSecret = pick(env.ACCORD_AUTH_SECRET, stored.authSecret);
  const clusterSecret = pick(env.ACCORD_CLUSTER_SECRET, stored.clusterSecret);
  if (env.ACCORD_AUTH_SECRET !== undefined && env.ACCORD_CLUSTER_SECRET !== undefined)
    return { authSecret, clusterSecret, file: null };
  mkdirSync(data, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ authSecret, clusterSecret }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { authSecret, clusterSecret, file };
}

/** Pass a child's output through, each line prefixed with `[node i]`. */
function prefixLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, prefix: string): void {
  let rest = '';
  from.on('data', (b: Buffer) => {
    const lines = (rest + b.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) to.write(`${prefix}${l}\n`);
  });
  from.on('end', () => {
    if (rest !== '') to.write(`${prefix}${rest}\n`);
  });
}

/** Run the cluster until a signal stops it; resolves with the exit code. */
export async function clusterCommand(argv: readonly string[], mainPath: string): Promise<number> {
  const o = parseClusterArgs(argv);
  const data = resolve(o.data);
  const secrets = clusterSecrets(data, process.env);
  const ids = Array.from({ length: o.nodes }, (_, i) => i + 1);
  const portOf = (id: number) => o.port + id - 1;
  const env = {
    ...process.env,
    ACCORD_AUTH_SECRET: secrets.authSecret,
    ACCORD_CLUSTER_SECRET: secrets.clusterSecret,
  };
  const children = new Map<number, ChildProcess>();
  const exits: Promise<number>[] = [];
  for (const id of ids) {
    const peers = ids
      .filter((p) => p !== id)
      .map((p) => `${p}@${o.host}:${portOf(p)}`)
      .join(',');
    const args = ['--id', String(id), '--port', String(portOf(id)), '--host', o.host, '--data', data];
    if (peers !== '') args.push('--peers', peers);
    const child = spawn(process.execPath, [mainPath, ...args, ...o.nodeArgs], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl+C reaches this launcher only, which forwards it
      // once (a node that got it twice would exit without its graceful shutdown).
      detached: true,
    });
    children.set(id, child);
    prefixLines(child.stdout, process.stdout, `[node ${id}] `);
    prefixLines(child.stderr, process.stderr, `[node ${id}] `);
    exits.push(new Promise((r) => child.on('exit', (code, signal) => r(code ?? (signal ? 1 : 0)))));
  }
  const where = ids.map((id) => `ws://${o.host}:${portOf(id)}/`).join(' ');
  process.stderr.write(
    `accord-relay cluster: ${o.nodes} node(s) at ${where}; data in ${data}` +
      `${secrets.file ? `; secrets in ${secrets.file}` : ''}\n` +
      `  a client token: accord-relay token --doc NAME${secrets.file ? ` --auth-secret "$(node -p "require('${secrets.file}').authSecret")"` : ''}\n`,
  );
  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals++;
    for (const c of children.values()) if (c.exitCode === null) c.kill(signals > 1 ? 'SIGKILL' : signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // However this launcher ends, no node outlives it.
  process.on('exit', () => {
    for (const c of children.values()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  const codes = await Promise.all(exits);
  return codes.every((c) => c === 0) ? 0 : 1;
}
