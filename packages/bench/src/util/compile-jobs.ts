/**
 * Letting V8's background compile jobs finish before a heap reading (both benches that read the
 * heap use it; their child processes run with `--allow-natives-syntax`).
 */

/**
 * Finish V8's background compile jobs and install their code, when node runs with
 * `--allow-natives-syntax` (a no-op otherwise). A job in flight holds the function it optimizes,
 * and everything that function's closure captured, so a heap reading taken while one runs counts
 * whatever data happened to be captured: B3.4's `memUsed` read from 28 kB to 1.4 MB for the same
 * document before this.
 */
export const finishCompileJobs: () => void = (() => {
  try {
    return new Function('%FinalizeOptimization()') as () => void;
  } catch {
    return () => {};
  }
})();
