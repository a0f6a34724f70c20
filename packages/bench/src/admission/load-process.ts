/**
 * The hostile load (idle-socket attack or presence flood) in a process of its own, so its
 * sockets, reconnect churn and received frames cost the honest clients' process nothing and the
 * measured latency is the relay's. Driven over the IPC channel of `child_process.fork`:
 * `{ cmd: 'start', kind, options }` → `{ type: 'started', poll }`; `{ cmd: 'poll' }` →
 * `{ type: 'poll', poll }`; `{ cmd: 'stop' }` → `{ type: 'stopped', stats }`, then it exits.
 */
import { fork } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Attack, type AttackStats, startAttack } from './attack.js';
import { type PresenceFlood, startPresenceFlood } from './presence-flood.js';

/** Options of the attack (see `startAttack`). */
export interface AttackOptions {
  readonly port: number;
  readonly count: number;
  readonly perAddress: number;
  readonly retryMs: number;
}

/** Options of the presence flood (see `startPresenceFlood`). */
export interface FloodOptions {
  readonly port: number;
  readonly docId: string;
  readonly readers: number;
  readonly rate: number;
  readonly bytes: number;
  readonly token: string;
}

/** What a load reports while it runs: sockets held (attack), frames sent and received (flood). */
export interface LoadPoll {
  readonly held: number;
  readonly sent: number;
  readonly received: number;
}

type Start = { kind: 'attack'; options: AttackOptions } | { kind: 'flood'; options: FloodOptions };
type Reply =
  | { type: 'started'; poll: LoadPoll }
  | { type: 'poll'; poll: LoadPoll }
  | { type: 'stopped'; stats: AttackStats | null }
  | { type: 'failed'; message: string };

/** A running load process. */
export interface RemoteLoad {
  /** The load's state once it was up (attack: its ramp ended; flood: every reader joined). */
  readonly atStart: LoadPoll;
  poll(): Promise<LoadPoll>;
  /** Stop, close every socket, resolve with the attack's totals (`null` for a flood) once the process exited. */
  stop(): Promise<AttackStats | null>;
}

/**
 * How much lower the load process's scheduling priority is than the bench's (nice levels). On a
 * small machine the attacker's own CPU use (thousands of handshakes a second in the churn mode)
 * would otherwise compete with the relay it attacks, which a real attacker's machines do not.
 */
export const LOAD_NICE = 10;

/** Fork the load process and start `start`; resolves once it is up, rejects if it failed. */
export async function forkLoad(start: Start): Promise<RemoteLoad> {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    if (child.pid !== undefined) setPriority(child.pid, Math.min(19, getPriority() + LOAD_NICE));
  } catch {
    // Not permitted here: the load runs at the bench's priority.
  }
  const waiting: ((r: Reply) => void)[] = [];
  child.on('message', (m: Reply) => waiting.shift()?.(m));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ask = (msg: object): Promise<Reply> =>
    new Promise((resolve, reject) => {
      waiting.push(resolve);
      child.send(msg, (e) => e && reject(e));
    });
  const started = await ask({ cmd: 'start', ...start });
  if (started.type !== 'started') {
    child.kill();
    throw new Error(`load process: ${started.type === 'failed' ? started.message : started.type}`);
  }
  return {
    atStart: started.poll,
    poll: async () => {
      const r = await ask({ cmd: 'poll' });
      return r.type === 'poll' ? r.poll : { held: 0, sent: 0, received: 0 };
    },
    async stop() {
      const r = await ask({ cmd: 'stop' });
      await exited;
      return r.type === 'stopped' ? r.stats : null;
    },
  };
}

// ---- the child's side ----
if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  let attack: Attack | null = null;
  let flood: PresenceFlood | null = null;
  const poll = (): LoadPoll => ({
    held: attack?.held() ?? 0,
    sent: flood?.sent() ?? 0,
    received: flood?.received() ?? 0,
  });
  const reply = (r: Reply, then: () => void = () => {}) => process.send?.(r, undefined, {}, then);
  process.on('message', (m: { cmd: string } & Partial<Start>) => {
    if (m.cmd === 'start') {
      const up =
        m.kind === 'attack'
          ? startAttack(m.options as AttackOptions).then((a) => {
              attack = a;
            })
          : startPresenceFlood(m.options as FloodOptions).then((f) => {
              flood = f;
            });
      up.then(
        () => reply({ type: 'started', poll: poll() }),
        (e: unknown) => reply({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
      );
    } else if (m.cmd === 'poll') reply({ type: 'poll', poll: poll() });
    else if (m.cmd === 'stop') {
      flood?.stop();
      void (attack?.stop() ?? Promise.resolve(null)).then((stats) =>
        reply({ type: 'stopped', stats }, () => process.exit(0)),
      );
    }
  });
}
