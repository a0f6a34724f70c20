/**
 * One-at-a-time execution in call order: `inTurn(fn)` runs `fn` once every earlier call has
 * settled. Two sustainable-rate searches that route their measurements through one `inTurn`
 * alternate (each asks again only after its own turn ended, so the other's request is already
 * queued), so a slow phase of a shared machine falls on both.
 */

/** A fresh turn queue. */
export function takeTurns(): <T>(fn: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = last.then(fn, fn);
    last = run.catch(() => {});
    return run;
  };
}
