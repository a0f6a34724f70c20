/**
 * Quorum arithmetic and write-acknowledgement bookkeeping. A client update is acknowledged once
 * W nodes hold it durably (the origin node counts once its own transaction committed); a joining
 * client reads from R nodes; R + W > N guarantees every read quorum overlaps every write quorum,
 * so a read sees every acknowledged update.
 */
import type { WriteConcern } from '@accord/core/protocol';
import { majorityOf } from '../election/config.js';
import type { NodeId } from '../election/types.js';

/** Write and read quorum sizes for a cluster of `n`. */
export interface QuorumSizes {
  n: number;
  w: number;
  r: number;
}

/**
 * Fill in defaults (W = majority, R = N - W + 1, the smallest read quorum that overlaps) and
 * check `1 <= W <= N`, `1 <= R <= N`, `R + W > N`. Throws `RangeError` otherwise.
 */
export function resolveQuorum(n: number, w?: number, r?: number): QuorumSizes {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`quorum: cluster size ${n} is not >= 1`);
  const W = w ?? majorityOf(n);
  const R = r ?? n - W + 1;
  if (!Number.isSafeInteger(W) || W < 1 || W > n) throw new RangeError(`quorum: W=${W} outside 1..${n}`);
  if (!Number.isSafeInteger(R) || R < 1 || R > n) throw new RangeError(`quorum: R=${R} outside 1..${n}`);
  if (R + W <= n)
    throw new RangeError(
      `quorum: R + W = ${R + W} must exceed N = ${n}, or reads can miss acknowledged writes`,
    );
  return { n, w: W, r: R };
}

/**
 * The number of nodes that must hold a write of concern `w` in a cluster of `sizes.n`: 1, a
 * majority, or all N; without one, the configured W.
 */
export function writeQuorumOf(w: WriteConcern | undefined, sizes: QuorumSizes): number {
  if (w === undefined) return sizes.w;
  if (w === 1) return 1;
  return w === 'majority' ? majorityOf(sizes.n) : sizes.n;
}

/** Options of a {@link WriteQuorumTracker}. */
export interface WriteQuorumOptions {
  /** Nodes that must hold an update before it is acknowledged. */
  w: number;
  /** Most updates tracked at once; {@link WriteQuorumTracker.begin} refuses beyond it. Default 100 000. */
  maxPending?: number;
}

/**
 * Tracks which nodes durably hold each pending update and reports, exactly once per update, when
 * W distinct nodes do. Duplicate and late acknowledgements are ignored. Keys are the origin
 * node's update ids.
 */
export class WriteQuorumTracker<K = number> {
  private readonly w: number;
  private readonly maxPending: number;
  private readonly holders = new Map<K, { readonly nodes: Set<NodeId>; readonly w: number }>();

  constructor(options: WriteQuorumOptions) {
    if (!Number.isSafeInteger(options.w) || options.w < 1) throw new RangeError(`quorum: W=${options.w}`);
    this.w = options.w;
    this.maxPending = options.maxPending ?? 100_000;
  }

  /** Updates waiting for their quorum. */
  get pending(): number {
    return this.holders.size;
  }

  /**
   * Start tracking `key`, reported once `w` nodes hold it (default: the tracker's W). Returns
   * false (and tracks nothing) when the key is already tracked or the tracker is full: the caller
   * should refuse or delay the client's update (backpressure). Throws `RangeError` for a bad `w`.
   */
  begin(key: K, w: number = this.w): boolean {
    if (!Number.isSafeInteger(w) || w < 1) throw new RangeError(`quorum: W=${w}`);
    if (this.holders.has(key) || this.holders.size >= this.maxPending) return false;
    this.holders.set(key, { nodes: new Set(), w });
    return true;
  }

  /**
   * Record that `node` holds `key` durably. Returns true exactly once: when the W-th distinct node
   * is recorded (the update is then forgotten, and later acks for it return false).
   */
  ack(key: K, node: NodeId): boolean {
    const entry = this.holders.get(key);
    if (entry === undefined) return false;
    entry.nodes.add(node);
    if (entry.nodes.size < entry.w) return false;
    this.holders.delete(key);
    return true;
  }

  /** Nodes known to hold a pending `key` (empty when unknown or already acknowledged). */
  holdersOf(key: K): NodeId[] {
    return [...(this.holders.get(key)?.nodes ?? [])];
  }

  /** Stop tracking `key` (for instance when its client timed out). Returns whether it was pending. */
  abandon(key: K): boolean {
    return this.holders.delete(key);
  }
}
