/**
 * The fault mix of the chaos harness, in virtual time: what else goes wrong around a leader's
 * death. Each scenario picks one follower (the victim) and pauses, cuts off or restarts it at
 * moments drawn relative to the kill, as `pnpm chaos` schedules do (pauses last 1.2 to 2.2
 * election timeouts, partitions heal, killed nodes restart). Used by {@link simulateFailover}.
 */
import type { RandomSource } from '../time/random.js';
import type { SimulatedCluster } from './simulated-cluster.js';
import type { NodeId } from './types.js';

/**
 * - `clean`: only the leader dies.
 * - `peer-paused`: a follower is SIGSTOPped before the kill and resumed up to 600 ms after it.
 * - `peer-resumed`: a follower paused for 720 to 1320 ms was resumed up to 1 s before the kill.
 * - `peer-healed`: a follower cut off from everyone was reconnected up to 1 s before the kill.
 * - `heal-after-kill`: a follower is cut off before the kill and reconnected up to 600 ms after.
 * - `peer-restarted`: a follower killed earlier restarted up to 1 s before the kill, and its
 *   first 0 to 300 ms are a stall (a cold process on a loaded machine).
 * - `loaded`: from the kill on, every message takes 1 to 150 ms (processes on an overloaded
 *   machine answer late), so survivors' rounds overlap and answers miss short deadlines.
 */
export type FailoverScenario =
  | 'clean'
  | 'peer-paused'
  | 'peer-resumed'
  | 'peer-healed'
  | 'heal-after-kill'
  | 'peer-restarted'
  | 'loaded';

/** Every scenario, in a fixed order. */
export const FAILOVER_SCENARIOS: readonly FailoverScenario[] = [
  'clean',
  'peer-paused',
  'peer-resumed',
  'peer-healed',
  'heal-after-kill',
  'peer-restarted',
  'loaded',
];

/** One action on the victim, `at` ms relative to the kill (negative: before). */
interface Action {
  at: number;
  run: (sim: SimulatedCluster, victim: NodeId) => void;
}

/** A scenario's actions and when (relative to the kill) the victim is usable again. */
export interface ScenarioPlan {
  actions: Action[];
  /** ms after the kill at which the victim can take part again (0: it never stops being usable). */
  availableAfterMs: number;
}

const u = (r: RandomSource, lo: number, hi: number) => lo + r() * (hi - lo);

function isolate(sim: SimulatedCluster, victim: NodeId, members: readonly NodeId[], up: boolean): void {
  for (const m of members) {
    if (m === victim) continue;
    sim.setLink(victim, m, up);
    sim.setLink(m, victim, up);
  }
}

/** Draw the actions of `scenario` (every offset is at least -2000 ms and at most +600 ms). */
export function planScenario(
  scenario: FailoverScenario,
  members: readonly NodeId[],
  r: RandomSource,
): ScenarioPlan {
  switch (scenario) {
    case 'clean':
      return { actions: [], availableAfterMs: 0 };
    case 'peer-paused': {
      const resume = u(r, 0, 600);
      return {
        actions: [
          { at: -u(r, 0, 700), run: (s, v) => s.pause(v) },
          { at: resume, run: (s, v) => s.resume(v) },
        ],
        availableAfterMs: resume,
      };
    }
    case 'peer-resumed': {
      const resume = -u(r, 0, 1000);
      const pause = Math.max(-2000, resume - u(r, 720, 1320));
      return {
        actions: [
          { at: pause, run: (s, v) => s.pause(v) },
          { at: resume, run: (s, v) => s.resume(v) },
        ],
        availableAfterMs: 0,
      };
    }
    case 'peer-healed': {
      const heal = -u(r, 0, 1000);
      return {
        actions: [
          { at: heal - u(r, 300, 1000), run: (s, v) => isolate(s, v, members, false) },
          { at: heal, run: (s, v) => isolate(s, v, members, true) },
        ],
        availableAfterMs: 0,
      };
    }
    case 'heal-after-kill': {
      const heal = u(r, 0, 600);
      return {
        actions: [
          { at: -u(r, 0, 700), run: (s, v) => isolate(s, v, members, false) },
          { at: heal, run: (s, v) => isolate(s, v, members, true) },
        ],
        availableAfterMs: heal,
      };
    }
    case 'loaded':
      return {
        actions: [
          {
            at: 0,
            run: (s) => {
              s.network = { ...s.network, minDelayMs: 1, maxDelayMs: 150 };
            },
          },
        ],
        availableAfterMs: 0,
      };
    case 'peer-restarted': {
      const restart = -u(r, 0, 1000);
      const stall = u(r, 0, 300);
      return {
        actions: [
          { at: restart - u(r, 300, 900), run: (s, v) => s.crash(v) },
          {
            at: restart,
            run: (s, v) => {
              s.restart(v);
              s.pause(v);
            },
          },
          { at: restart + stall, run: (s, v) => s.resume(v) },
        ],
        availableAfterMs: Math.max(0, restart + stall),
      };
    }
  }
}
