/**
 * Session guarantees (Terry et al., 1994; _Database Internals_ ch. 11) checked on every client
 * history of a chaos schedule:
 *
 * - **read-your-writes** and **monotonic reads**: after each failover of a writing client, a
 *   fresh document resumes its session (`session`: its session vector) on the node it moved to.
 *   When that node says `covered`, the fresh document must hold every key the client had
 *   acknowledged (read-your-writes) and every key of other clients it had read (monotonic reads).
 *   A node that says `behind` promised nothing: counted apart, not as a violation.
 * - **monotonic writes**: in every read of any node, each client's visible keys are a prefix of
 *   the keys it wrote, in order.
 * - **writes-follow-reads**: in every read, a client's latest visible key comes with every key of
 *   other clients the client had read before writing it.
 *
 * Keys are `<client>-<n>`, n counting from 1 per client (see `writers.ts`). Pure functions.
 */

/** Violations per session guarantee (chaos JSON `sessionViolations`; contract names). */
export interface SessionViolations {
  readYourWrites: number;
  monotonicReads: number;
  monotonicWrites: number;
  writesFollowReads: number;
}

/** No violations. */
export function noSessionViolations(): SessionViolations {
  return { readYourWrites: 0, monotonicReads: 0, monotonicWrites: 0, writesFollowReads: 0 };
}

/** Add `b`'s counts to `a`'s. */
export function addSessionViolations(a: SessionViolations, b: SessionViolations): SessionViolations {
  return {
    readYourWrites: a.readYourWrites + b.readYourWrites,
    monotonicReads: a.monotonicReads + b.monotonicReads,
    monotonicWrites: a.monotonicWrites + b.monotonicWrites,
    writesFollowReads: a.writesFollowReads + b.writesFollowReads,
  };
}

/** A key split into its client and its number, or null for a key not of that shape. */
export function parseKey(key: string): { client: string; n: number } | null {
  const dash = key.lastIndexOf('-');
  if (dash <= 0) return null;
  const n = Number(key.slice(dash + 1));
  return Number.isSafeInteger(n) && n > 0 ? { client: key.slice(0, dash), n } : null;
}

/** What a session had when it was resumed elsewhere, and what the resumed document held. */
export interface SessionProbe {
  client: string;
  /** The node the session was resumed on. */
  node: number;
  /** The node's answer, or `failed` when it did not sync in time. */
  status: 'covered' | 'behind' | 'failed';
  /** Keys the client had acknowledged when the probe began. */
  acked: ReadonlySet<string>;
  /** Keys of other clients the client's document held when the probe began. */
  read: ReadonlySet<string>;
  /** Keys the resumed document held once synced (empty when `failed`). */
  seen: ReadonlySet<string>;
}

/** Read-your-writes and monotonic-reads violations of the probes (one per probe at most each). */
export function checkProbes(
  probes: readonly SessionProbe[],
): Pick<SessionViolations, 'readYourWrites' | 'monotonicReads'> {
  let readYourWrites = 0;
  let monotonicReads = 0;
  for (const p of probes) {
    if (p.status !== 'covered') continue;
    if ([...p.acked].some((k) => !p.seen.has(k))) readYourWrites++;
    if ([...p.read].some((k) => !p.seen.has(k))) monotonicReads++;
  }
  return { readYourWrites, monotonicReads };
}

/** The highest number of each client's keys in `keys`, and how many of its keys `keys` holds. */
function perClient(keys: ReadonlySet<string>): Map<string, { max: number; count: number }> {
  const out = new Map<string, { max: number; count: number }>();
  for (const k of keys) {
    const p = parseKey(k);
    if (p === null) continue;
    const e = out.get(p.client);
    if (e === undefined) out.set(p.client, { max: p.n, count: 1 });
    else {
      e.max = Math.max(e.max, p.n);
      e.count++;
    }
  }
  return out;
}

/**
 * Monotonic-writes violations: one per read and client whose visible keys are not `1..max`.
 */
export function checkMonotonicWrites(reads: readonly ReadonlySet<string>[]): number {
  let violations = 0;
  for (const keys of reads)
    for (const { max, count } of perClient(keys).values()) if (count !== max) violations++;
  return violations;
}

/**
 * For each client, what it had read when it wrote each key: `deps.get(client)?.get(n)` maps other
 * clients to the highest number of theirs the client's document held when it wrote key `n`.
 */
export type ReadDependencies = ReadonlyMap<string, ReadonlyMap<number, ReadonlyMap<string, number>>>;

/**
 * Writes-follow-reads violations: one per read and client whose latest visible key is there
 * without a key of another client that it had read before writing it.
 */
export function checkWritesFollowReads(
  reads: readonly ReadonlySet<string>[],
  deps: ReadDependencies,
  examples?: (read: number, what: string) => void,
): number {
  let violations = 0;
  reads.forEach((keys, i) => {
    for (const [client, { max }] of perClient(keys)) {
      const before = deps.get(client)?.get(max);
      if (before === undefined) continue;
      for (const [other, n] of before)
        if (!keys.has(`${other}-${n}`)) {
          violations++;
          examples?.(i, `${client}-${max} without ${other}-${n}`);
          break;
        }
    }
  });
  return violations;
}
