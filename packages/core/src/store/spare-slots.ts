/**
 * When to copy an array of structs to its exact size. V8 grows an array by half its length plus
 * 16 slots when an insertion finds it full, and never shrinks it; the struct store's chunks and
 * the position index's leaves copy the arrays that editing has left (the oldest of a few recently
 * edited ones) to their exact size. Edits at a few places at a time (typing, jumps, several
 * carets) then leave little unused. Edits scattered all over a long sequence (random insertions, a
 * merge of several authors' scattered work) leave a recently edited array on nearly every
 * insertion, and each copy is grown again by the next insertion into it: a copy and a regrowth
 * per insertion (measured: 6,000 scattered words typed and merged both ways allocated 85 MB; 35 MB
 * with this rule). So each keeps a moving average of how often an insertion made it leave an
 * array, and does not copy while that is three in eight or more: those arrays keep their spare
 * slots, at most half their length plus 16 each. Typing traces stay below it nearly always (heap
 * snapshots of replayed documents: 0.2–0.5% larger; at one in four, up to 2.3%).
 */

/** {@link churnAfter}'s scale: a rate of one (every insertion leaves an array) reads 256. */
const CHURN_FULL = 256;

/**
 * The moving average `churn` after one more insertion, `left` when it made the structure leave a
 * recently edited array (a fixed-point average over about the last 16 insertions; starts at 0).
 */
export function churnAfter(churn: number, left: boolean): number {
  return churn - (churn >> 4) + (left ? CHURN_FULL >> 4 : 0);
}

/** Whether an array that editing left is copied to its exact size at moving average `churn` (under 3 in 8). */
export function trimsAt(churn: number): boolean {
  return churn < (CHURN_FULL * 3) >> 3;
}
