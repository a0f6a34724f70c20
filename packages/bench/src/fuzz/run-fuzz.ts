/**
 * The fuzz loop: frames from {@link mutate} into a {@link FuzzTarget}, counting outcomes, with
 * the event-loop delay watched throughout (a hostile frame must not stall the process).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createRng } from '../util/prng.js';
import { type MutationKind, mutate } from './mutators.js';
import type { FrameOutcome, FuzzTarget } from './targets/types.js';

/** One line of `pnpm fuzz --json` (one per target). */
export interface FuzzResult {
  target: string;
  seed: number;
  frames: number;
  accepted: number;
  rejected: number;
  crashes: number;
  corruptions: number;
  /** Slowest single frame (ms). */
  maxFrameMs: number;
  /** Largest event-loop delay of the fuzzing process during the run (ms). */
  maxEventLoopDelayMs: number;
  /** Largest event-loop delay of the target process (the relay, from its /metrics), when known (ms). */
  targetEventLoopDelayMaxMs: number | null;
  /** Up to 10 failures: frame index, mutation kind, outcome, reason. */
  failures: string[];
}

/** Runs `frames` hostile frames into `target` from `seed`. */
export async function runFuzz(target: FuzzTarget, frames: number, seed: number): Promise<FuzzResult> {
  const corpus = await target.setup(seed);
  if (corpus.length === 0) throw new Error(`${target.name}: empty corpus`);
  const rng = createRng(seed ^ 0x5bd1e995);
  const counts: Record<FrameOutcome, number> = { accepted: 0, rejected: 0, crash: 0, corruption: 0 };
  const failures: string[] = [];
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let maxFrameMs = 0;
  for (let i = 0; i < frames; i++) {
    const frame = mutate(rng, corpus);
    const t0 = performance.now();
    let outcome: FrameOutcome;
    let detail: string | undefined;
    try {
      const r = await target.feed(frame.bytes);
      outcome = r.outcome;
      detail = r.detail;
    } catch (err) {
      outcome = 'crash';
      detail = err instanceof Error ? err.message : String(err);
    }
    maxFrameMs = Math.max(maxFrameMs, performance.now() - t0);
    counts[outcome]++;
    if ((outcome === 'crash' || outcome === 'corruption') && failures.length < 10) {
      failures.push(
        `frame ${i} (${frame.kind as MutationKind}, ${frame.bytes.length} B): ${outcome}: ${detail ?? ''}`,
      );
    }
    // Yield after every frame, so the event-loop delay measures single frames, not the loop.
    await new Promise((r) => setImmediate(r));
  }
  const end = await target.finish();
  lag.disable();
  failures.push(...end.details.slice(0, Math.max(0, 10 - failures.length)));
  return {
    target: target.name,
    seed,
    frames,
    accepted: counts.accepted,
    rejected: counts.rejected,
    crashes: counts.crash + end.crashes,
    corruptions: counts.corruption + end.corruptions,
    maxFrameMs,
    maxEventLoopDelayMs: lag.max / 1e6,
    targetEventLoopDelayMaxMs: end.targetEventLoopDelayMaxMs ?? null,
    failures,
  };
}
