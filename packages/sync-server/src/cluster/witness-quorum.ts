/**
 * Quorum arithmetic of a cluster with witness replicas (`--witness`), as pure functions.
 *
 * A witness votes and counts toward the write quorum W (its durable hold of an update is one
 * acknowledgement), but it keeps no documents: it holds an update only until enough full replicas
 * hold it, then drops it. So a read can count only full replicas, and the overlap rule R + W > N
 * becomes: every write quorum holds an update on at least `max(1, W - X)` full replicas (X
 * witnesses; the origin of a client write is always a full replica), and a read of R full
 * replicas out of F must meet one of them: `R + max(1, W - X) > F`.
 *
 * The witness drops an update once `pruneAt = min(F, N - majority(N) + 1)` full replicas hold it
 * durably: then every majority of the N nodes contains a full replica that holds it (a majority
 * leaves out at most N - majority nodes), so the loss of any one node, or a new leader elected by
 * any majority, still finds it on a full replica. With 2 full + 1 witness: W = 2, R = 2 (both
 * full replicas), pruneAt = 2 (both full replicas).
 */
import { majorityOf } from '../election/config.js';
import type { QuorumSizes } from './quorum.js';

/** Quorum sizes of a cluster with witnesses. `r` counts full replicas only. */
export interface WitnessQuorum extends QuorumSizes {
  /** Full replicas (F = N - X). */
  readonly full: number;
  /** Witness replicas (X). */
  readonly witnesses: number;
  /** Full replicas that must hold an update before a witness drops it. */
  readonly pruneAt: number;
}

/**
 * Fill in defaults (W = majority of N; R = the smallest number of full replicas that meets every
 * write quorum) and check `1 <= W <= N`, `1 <= R <= F`, `R + max(1, W - X) > F`. Throws
 * `RangeError` otherwise, or when there is no full replica (`witnesses >= n`).
 */
export function resolveWitnessQuorum(n: number, witnesses: number, w?: number, r?: number): WitnessQuorum {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`quorum: cluster size ${n} is not >= 1`);
  if (!Number.isSafeInteger(witnesses) || witnesses < 0 || witnesses >= n)
    throw new RangeError(`quorum: ${witnesses} witnesses in a cluster of ${n} leave no full replica`);
  const full = n - witnesses;
  const W = w ?? majorityOf(n);
  if (!Number.isSafeInteger(W) || W < 1 || W > n) throw new RangeError(`quorum: W=${W} outside 1..${n}`);
  const fullInWrite = fullReplicasInWrite(W, witnesses);
  const R = r ?? full - fullInWrite + 1;
  if (!Number.isSafeInteger(R) || R < 1 || R > full)
    throw new RangeError(`quorum: R=${R} outside 1..${full} (R counts full replicas only)`);
  if (R + fullInWrite <= full)
    throw new RangeError(
      `quorum: R + max(1, W - witnesses) = ${R + fullInWrite} must exceed the ${full} full replicas, or reads can miss acknowledged writes`,
    );
  return { n, w: W, r: R, full, witnesses, pruneAt: Math.min(full, n - majorityOf(n) + 1) };
}

/** The fewest full replicas a write quorum of `w` nodes holds an update on (the origin is full). */
export function fullReplicasInWrite(w: number, witnesses: number): number {
  return Math.max(1, w - witnesses);
}

/**
 * The highest log position a witness may drop, given, for each full replica, the highest position
 * it is known to hold durably (`confirmed`; a replica not yet heard from is absent or 0): the
 * `pruneAt`-th highest confirmation, or 0 (nothing) when fewer replicas confirmed anything.
 */
export function prunableUpTo(confirmed: readonly number[], pruneAt: number): number {
  if (!Number.isSafeInteger(pruneAt) || pruneAt < 1) throw new RangeError(`witness: pruneAt=${pruneAt}`);
  const sorted = confirmed.filter((c) => c > 0).sort((a, b) => b - a);
  return sorted[pruneAt - 1] ?? 0;
}

/**
 * How a join reads when the witnesses may answer too: a witness answers with the updates it
 * still holds. It drops an update only once `pruneAt` full replicas hold it, so while
 * `pruneAt >= W` every update acknowledged by W nodes stays on at least W nodes, witnesses
 * counted, and any `N - W + 1` nodes meet them. Then a read needs `N - W + 1` answers from any
 * nodes (`nodes`), and a cluster with a full replica down still reads its quorum through the
 * witness (which also hands over what only it and the dead node held). Otherwise (`null`) reads
 * count full replicas only (`r`).
 */
export function readAcrossWitnesses(q: WitnessQuorum): { nodes: number } | null {
  if (q.witnesses === 0 || q.pruneAt < q.w) return null;
  return { nodes: q.n - q.w + 1 };
}

/**
 * How many full replicas (counting the one asking) a full replica must hold the state of before
 * it takes a witness's entry in without a dependency that only a node that is down could have
 * (see `CausalForwarding.assess`): an acknowledged write missing from this witness's offer is on
 * at least `k = min(pruneAt, max(1, W - X + 1))` full replicas (this witness dropped it once
 * `pruneAt` held it, or never held it, and the other X - 1 witnesses hold at most X - 1 of its W
 * copies), and any `F - k + 1` full replicas include one of them.
 */
export function handoverQuorum(q: WitnessQuorum): number {
  const k = Math.min(q.pruneAt, Math.max(1, q.w - q.witnesses + 1));
  return q.full - k + 1;
}
