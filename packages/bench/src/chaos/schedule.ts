/**
 * Seeded fault schedules. The same seed and options always give the same schedule, so a failing
 * run replays with `pnpm chaos --seed S`. A schedule is a list of timed steps; every schedule ends
 * healed with every node running, so the checkers can demand convergence afterwards.
 */

/** One step of a schedule; `leader` means "whichever node leads when the step runs". */
export type FaultStep =
  | { at: number; action: 'kill'; target: number | 'leader' }
  | { at: number; action: 'restart'; target: number | 'all-down' }
  | { at: number; action: 'stop'; target: number | 'leader'; forMs: number }
  | {
      at: number;
      action: 'partition';
      kind: 'minority' | 'leader-isolated' | 'symmetric';
      groups: number[][];
    }
  | { at: number; action: 'heal' };

/** Options of {@link generateSchedule}. */
export interface ScheduleOptions {
  nodes: number;
  /** Length of the faulty phase in ms (then: heal, restart all, settle). Default 4000. */
  durationMs?: number;
  /** Election timeout upper bound: pauses last longer than this. Default 600. */
  electionTimeoutMaxMs?: number;
}

/** A small seeded PRNG (mulberry32); exported so the harness derives its own streams from a seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/**
 * Generate a schedule: 2 to 4 faults spaced through the faulty phase, each followed by its repair
 * (restart after kill, SIGCONT after a pause longer than the election timeout, heal after a
 * partition), chosen among kill -9 of the leader or of a random node, SIGSTOP/SIGCONT, a minority
 * partition, the leader isolated, and a symmetric split. At most a minority is ever down at once.
 */
export function generateSchedule(seed: number, options: ScheduleOptions): FaultStep[] {
  const r = seeded(seed);
  const n = options.nodes;
  const duration = options.durationMs ?? 4000;
  const eto = options.electionTimeoutMaxMs ?? 600;
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const minority = Math.floor((n - 1) / 2);
  const steps: FaultStep[] = [];
  const faults = 2 + Math.floor(r() * 3);
  const slot = duration / faults;
  for (let i = 0; i < faults; i++) {
    const at = Math.round(i * slot + r() * slot * 0.3);
    const repairAt = Math.round(at + slot * (0.5 + r() * 0.2));
    const kind = Math.floor(r() * 6);
    if (kind <= 1) {
      steps.push({ at, action: 'kill', target: kind === 0 ? 'leader' : ids[Math.floor(r() * n)]! });
      steps.push({ at: repairAt, action: 'restart', target: 'all-down' });
    } else if (kind === 2) {
      const forMs = Math.round(eto * (1.2 + r()));
      steps.push({ at, action: 'stop', target: r() < 0.5 ? 'leader' : ids[Math.floor(r() * n)]!, forMs });
    } else {
      const shuffled = shuffle([...ids], r);
      const partKind = kind === 3 ? 'minority' : kind === 4 ? 'leader-isolated' : 'symmetric';
      const small = partKind === 'symmetric' ? Math.floor(n / 2) : Math.max(1, minority);
      const groups = partKind === 'leader-isolated' ? [] : [shuffled.slice(0, small), shuffled.slice(small)];
      steps.push({ at, action: 'partition', kind: partKind, groups });
      steps.push({ at: repairAt, action: 'heal' });
    }
  }
  steps.push({ at: duration, action: 'heal' }, { at: duration, action: 'restart', target: 'all-down' });
  return steps.sort((a, b) => a.at - b.at);
}
