/**
 * The idle-socket attack of the pen test: `count` sockets that upgrade and never say `hello`,
 * spread over source addresses 127.0.0.2… (`perAddress` each). Each slot reopens its socket when
 * the relay closes it (hello deadline, eviction) or refuses it, after `retryMs`, so the attack
 * keeps as many sockets as the relay lets it hold for as long as it runs.
 */
import { performance } from 'node:perf_hooks';
import { attackerAddress, RawWs } from './raw-ws.js';

/** What the attack did while it ran. */
export interface AttackStats {
  /** Slots (sockets the attacker tries to hold). */
  readonly attackers: number;
  /** Upgrades attempted, answered 101, and refused by HTTP status (`connect-failed`: no answer). */
  readonly upgrades: number;
  readonly upgraded: number;
  readonly refused: Record<string, number>;
  /** Attacker sockets the relay closed, by close code (4006 hello deadline, 4008 evicted). */
  readonly closedByRelay: Record<string, number>;
  /** Sockets held open (upgraded) when the attack was stopped. */
  readonly heldAtEnd: number;
}

/** A running attack. */
export interface Attack {
  /** Sockets upgraded and open now. */
  held(): number;
  /** Close every socket and stop reopening; resolves with the totals. */
  stop(): Promise<AttackStats>;
}

/**
 * Start the attack and resolve once every slot has had its first answer (at most `concurrency`
 * handshakes in flight during that ramp), or after `rampTimeoutMs`.
 */
export async function startAttack(opts: {
  port: number;
  count: number;
  perAddress: number;
  retryMs: number;
  concurrency?: number;
  rampTimeoutMs?: number;
}): Promise<Attack> {
  const sockets = new Set<RawWs>();
  const refused: Record<string, number> = {};
  const closedByRelay: Record<string, number> = {};
  let upgrades = 0;
  let upgraded = 0;
  let stopped = false;

  const slot = async (i: number, firstAnswer: () => void) => {
    let first = true;
    for (let attempt = 0; !stopped && attempt < 1_000_000; attempt++) {
      const ws = new RawWs(opts.port, attackerAddress(i, opts.perAddress));
      sockets.add(ws);
      upgrades++;
      const status = await ws.upgraded;
      if (first) {
        first = false;
        firstAnswer();
      }
      if (status === 101) {
        upgraded++;
        await ws.closed;
        if (!stopped && ws.closeCode !== null) {
          const k = String(ws.closeCode);
          closedByRelay[k] = (closedByRelay[k] ?? 0) + 1;
        }
      } else {
        // 0: no answer at all. With a bound source address that is mostly this side's doing: the
        // port chosen at bind time collides with one of our own TIME_WAIT connections.
        const k = status === 0 ? 'connect-failed' : String(status);
        refused[k] = (refused[k] ?? 0) + 1;
        ws.destroy();
      }
      sockets.delete(ws);
      if (!stopped) await new Promise((r) => setTimeout(r, opts.retryMs));
    }
  };

  // Ramp: start slots as earlier ones get their first answer, `concurrency` at a time.
  const concurrency = opts.concurrency ?? 256;
  const deadline = performance.now() + (opts.rampTimeoutMs ?? 60_000);
  const loops: Promise<void>[] = [];
  let answered = 0;
  let started = 0;
  await new Promise<void>((resolve) => {
    const launch = () => {
      while (started < opts.count && started - answered < concurrency) {
        loops.push(
          slot(started++, () => {
            answered++;
            if (answered === opts.count) resolve();
            else launch();
          }),
        );
      }
    };
    launch();
    const guard = setInterval(() => {
      if (performance.now() > deadline || answered === opts.count) {
        clearInterval(guard);
        resolve();
      }
    }, 100);
  });

  const held = () => {
    let n = 0;
    for (const s of sockets) if (s.status === 101 && s.open) n++;
    return n;
  };
  return {
    held,
    async stop() {
      const heldAtEnd = held();
      stopped = true;
      for (const s of sockets) s.destroy();
      await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 5000))]);
      return { attackers: opts.count, upgrades, upgraded, refused, closedByRelay, heldAtEnd };
    },
  };
}
