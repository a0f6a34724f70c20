/**
 * The one launcher of real relay processes for Accord's tests: the built CLI
 * (`@accord/sync-server`'s `dist/main.js`, made by `pnpm build`) as a child process on loopback,
 * awaited until it listens, stopped with real signals (kill -9, SIGSTOP, SIGTERM), its temporary
 * data directory removed afterwards. Children still running when the test process exits are
 * killed. Runtime launchers (`pnpm start`'s demo cluster, the benchmarks) are separate.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Path of the relay CLI, `packages/sync-server/dist/main.js` (the same from this module's source
 * in `src/testing/` and its build in `dist/testing/`).
 */
export const RELAY_MAIN: string = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/main.js');

/** Whether the relay CLI has been built (process tests need `pnpm build` first). */
export function relayBuilt(): boolean {
  return existsSync(RELAY_MAIN);
}

/** Ports below Linux's default ephemeral range (32768–60999); see {@link freePorts}. */
const PORT_LOW = 10_000;
const PORT_HIGH = 31_000;
/** Peer links listen on the client port + 1000 (the relay's default). */
const PEER_OFFSET = 1000;
/** Ports {@link freePorts} handed out in this process: never handed out twice. */
const handedOut = new Set<number>();

/** Whether `port` can be bound on 127.0.0.1 right now (it is released again). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/**
 * `count` distinct TCP ports free on 127.0.0.1 now, never handed out before in this process.
 * They lie below Linux's default ephemeral range: a free port in that range can become the source
 * port of some outgoing connection (another test's client, a relay dialling its peers) before the
 * relay binds it, which then fails with EADDRINUSE. With `withPeer`, each port + 1000 (the
 * relay's default peer-link port) is free too and no pair overlaps another.
 * @throws Error when fewer were found within 200 candidates per port.
 */
export async function freePorts(
  count: number,
  options: { readonly withPeer?: boolean } = {},
): Promise<number[]> {
  const withPeer = options.withPeer ?? false;
  const out: number[] = [];
  const taken = (p: number) =>
    handedOut.has(p) || (withPeer && (handedOut.has(p + PEER_OFFSET) || handedOut.has(p - PEER_OFFSET)));
  for (let tries = 0; tries < 200 * count && out.length < count; tries++) {
    const p = PORT_LOW + Math.floor(Math.random() * (PORT_HIGH - PEER_OFFSET - PORT_LOW));
    if (taken(p)) continue;
    if (!(await canBind(p)) || (withPeer && !(await canBind(p + PEER_OFFSET)))) continue;
    out.push(p);
    handedOut.add(p);
    if (withPeer) handedOut.add(p + PEER_OFFSET);
  }
  if (out.length < count) throw new Error(`only ${out.length} of ${count} free ports found below 31000`);
  return out;
}

/** One port as {@link freePorts} finds them. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0] as number;
}

/** How to run one relay process. */
export interface RelayProcessOptions {
  /** CLI flags after `--host`, `--port` and `--data` (e.g. `['--auth', 'none', '--id', '2']`). */
  readonly args?: readonly string[];
  /**
   * `--port`: the client port (default 0: the OS picks one, read back from the relay's
   * `relay listening` log line, so the log level must be `info` or lower). A restart reuses the
   * port of the first start.
   */
  readonly port?: number;
  /** `--host` (default `127.0.0.1`: loopback only). */
  readonly host?: string;
  /**
   * `--data`. Default: a fresh temporary directory that {@link RelayProcess.cleanup} removes; a
   * directory given here is left in place.
   */
  readonly dataDir?: string;
  /** Extra environment variables (e.g. `ACCORD_PEER_PORT`), over the test process's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Give up on a start after this many milliseconds (default 10 000); the child is killed. */
  readonly startTimeoutMs?: number;
  /** The CLI to run (default {@link RELAY_MAIN}). */
  readonly main?: string;
  /** Node's own options, before the CLI (e.g. `['--max-old-space-size=256']`). Default none. */
  readonly nodeArgs?: readonly string[];
}

/** How a relay process ended: its exit code, or the signal that ended it. */
export type RelayExit = number | NodeJS.Signals;

/** Every child spawned here: killed when the test process exits, whatever happened. */
const children = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * One relay node process. {@link RelayProcess.start} launches it and resolves once it listens:
 * when it logs `relay listening` (which also gives the port picked for port 0) or, for a known
 * port, when `/healthz` answers 200, whichever comes first. {@link start} again restarts it on
 * the same port and data directory; {@link cleanup} kills it and removes its temporary directory.
 * @example
 * ```ts
 * const relay = await RelayProcess.start({ args: ['--auth', 'none'] });
 * try {
 *   // connect to relay.url
 *   await relay.kill('SIGKILL');
 *   await relay.start(); // same port, same data
 * } finally {
 *   await relay.cleanup();
 * }
 * ```
 */
export class RelayProcess {
  /** The data directory (`--data`). */
  readonly dataDir: string;
  private readonly ownsDataDir: boolean;
  private child: ChildProcess | undefined;
  private exit: Promise<RelayExit> = Promise.resolve(-1);
  private currentPort: number;
  private readonly stdoutLines: string[] = [];
  private text = '';

  /** How this relay runs (as given to {@link RelayProcess.start}). */
  readonly options: RelayProcessOptions;

  private constructor(options: RelayProcessOptions) {
    this.options = options;
    this.ownsDataDir = options.dataDir === undefined;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'accord-relay-test-'));
    this.currentPort = options.port ?? 0;
  }

  /**
   * Launch a relay and wait until it listens.
   * @throws Error when it exits first or does not listen within `startTimeoutMs` (its output is in
   *   the message); the child is then killed and an owned temporary directory removed.
   */
  static async start(options: RelayProcessOptions = {}): Promise<RelayProcess> {
    const relay = new RelayProcess(options);
    try {
      await relay.start();
    } catch (error) {
      await relay.cleanup();
      throw error;
    }
    return relay;
  }

  /** The client port (after a start with port 0, the one the relay picked). */
  get port(): number {
    return this.currentPort;
  }

  /** The client WebSocket URL, `ws://host:port`. */
  get url(): string {
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.currentPort}`;
  }

  /** The current child process. */
  get proc(): ChildProcess {
    if (this.child === undefined) throw new Error('the relay process was never started');
    return this.child;
  }

  /** The pid of the current child process. */
  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** Whether the current child process is running (a paused one counts as running). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code, or the signal name, when the current child process ends. */
  get exited(): Promise<RelayExit> {
    return this.exit;
  }

  /** Every stdout line so far, over restarts (the relay's JSON log). */
  get logs(): readonly string[] {
    return this.stdoutLines;
  }

  /** Everything printed so far on stdout and stderr, over restarts (for failure messages). */
  get output(): string {
    return this.text;
  }

  /**
   * (Re)start the process on this relay's port and data directory and wait until it listens.
   * @throws Error when it is running already, exits on start or does not listen in time.
   */
  async start(): Promise<void> {
    if (this.running) throw new Error(`relay on port ${this.currentPort} is running already`);
    const o = this.options;
    const host = o.host ?? '127.0.0.1';
    const args = [
      ...(o.nodeArgs ?? []),
      o.main ?? RELAY_MAIN,
      '--host',
      host,
      '--port',
      String(this.currentPort),
      '--data',
      this.dataDir,
      ...(o.args ?? []),
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(o.env ?? {}) },
    });
    this.child = child;
    track(child);
    this.exit = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal ?? -1)));
    const timeoutMs = o.startTimeoutMs ?? 10_000;
    const listening = new Promise<number>((done, fail) => {
      let partial = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        const s = chunk.toString();
        this.text += s;
        partial += s;
        for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
          const line = partial.slice(0, nl);
          partial = partial.slice(nl + 1);
          this.stdoutLines.push(line);
          const port = listeningPort(line);
          if (port !== undefined) done(port);
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        this.text += chunk.toString();
      });
      void this.exit.then((how) =>
        fail(
          new Error(`relay exited (${how}) before listening on ${host}:${this.currentPort}:\n${this.text}`),
        ),
      );
    });
    const starting = { done: false };
    const healthy =
      this.currentPort === 0 ? new Promise<never>(() => {}) : this.pollHealth(host, child, starting);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(
        () =>
          fail(
            new Error(
              `relay did not listen on ${host}:${this.currentPort} within ${timeoutMs} ms:\n${this.text}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      this.currentPort = await Promise.race([listening, healthy, timeout]);
    } catch (error) {
      await this.kill('SIGKILL');
      throw error;
    } finally {
      starting.done = true;
      clearTimeout(timer);
    }
  }

  /**
   * Resolves with the port once `/healthz` answers 200 (polled every 50 ms while `child` lives and
   * the start is not `done`).
   */
  private async pollHealth(host: string, child: ChildProcess, starting: { done: boolean }): Promise<number> {
    const port = this.currentPort;
    while (!starting.done && child.exitCode === null && child.signalCode === null) {
      try {
        const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(500) });
        await res.arrayBuffer();
        if (res.ok) return port;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return new Promise<never>(() => {}); // start() reports the exit or the timeout
  }

  /** Send `signal` without waiting (e.g. SIGSTOP, SIGCONT); a no-op when not running. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  /**
   * Send `signal` (default SIGKILL: kill -9) and wait until the process exits; resolves with how
   * it ended (`-1` when it was not running).
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<RelayExit> {
    if (!this.running) return this.child === undefined ? -1 : this.exit;
    this.child?.kill(signal);
    return this.exit;
  }

  /**
   * Graceful stop: SIGTERM (the relay drains and exits 0), then SIGKILL if it is still running
   * after `graceMs` (default 5 000). Resolves with how it ended.
   */
  async stop(graceMs = 5_000): Promise<RelayExit> {
    if (!this.running) return this.child === undefined ? -1 : this.exit;
    this.resume();
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.kill('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGSTOP: the process freezes; its TCP connections stay open but nothing answers. */
  pause(): void {
    this.signal('SIGSTOP');
  }

  /** SIGCONT: a paused process resumes. */
  resume(): void {
    this.signal('SIGCONT');
  }

  /** Kill the process if running (kill -9, after SIGCONT) and remove its temporary data directory. */
  async cleanup(): Promise<void> {
    this.resume();
    await this.kill('SIGKILL');
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The port of a `relay listening` JSON log line, or `undefined` for any other line. */
function listeningPort(line: string): number | undefined {
  if (!line.includes('relay listening')) return undefined;
  try {
    const record = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return record.msg === 'relay listening' && typeof record.port === 'number' ? record.port : undefined;
  } catch {
    return undefined;
  }
}
