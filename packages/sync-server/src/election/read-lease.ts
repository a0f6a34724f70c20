/**
 * Leader read leases for the register, as two small pure pieces shared by every election
 * algorithm (through `ElectionMachine` and `VoteRounds`, the base of bully's `ElectionNode` and of
 * the others' `VotingCore`):
 *
 * - {@link FollowerPromise}: a follower that acknowledges a heartbeat carrying a lease round
 *   promises, by its own monotonic clock, `promiseUntil = receivedAt + promiseMs`. Until then it
 *   grants no pre-vote and no vote (to anyone) and does not stand itself, even when its link to
 *   the leader closed (`peerDown`): the election it would start is postponed to the promise's end.
 *   A restarted node cannot know whether it promised before it went down, so it behaves as if it
 *   had just promised: it waits `promiseMs` after its start before it votes or stands.
 * - {@link LeaderLease}: the leader stamps lease rounds with its own clock when it sends them
 *   (`sentAt`, before any follower can have received them). Once a majority (itself included)
 *   acknowledged rounds in its current term, the lease lasts until
 *   `sentAt + promiseMs * (1 - maxDrift) - marginMs` for the newest `sentAt` that a majority
 *   acknowledged.
 *
 * Safety (the inequality): `leaseMs = promiseMs * (1 - maxDrift) - marginMs < promiseMs`, where
 * `maxDrift` bounds how much slower one node's monotonic clock may run than another's over the
 * same real interval (`elapsed_a >= (1 - maxDrift) * elapsed_b`). A promise made on receiving a
 * round sent at `sentAt` ends, in real time, no earlier than the instant at which the leader's
 * clock reads `sentAt + promiseMs * (1 - maxDrift)`: the follower received the round after it was
 * sent, and while the follower's clock advances `promiseMs` the leader's advances at least
 * `promiseMs * (1 - maxDrift)`. The lease ends `marginMs` before that. A new leader needs votes
 * from a majority, and every majority contains a node that acknowledged (and so promised), which
 * grants nothing until its promise ended; so no newer leader exists while the old leader's lease
 * is valid. Stepping down, a term change, or a newer term seen end a lease at once.
 *
 * Nothing here reads a clock: every time is passed in by the caller.
 */
import type { HeartbeatAckMessage, HeartbeatMessage, NodeId } from './types.js';

/** Default clock-rate drift bound between two nodes' monotonic clocks (1%). */
export const DEFAULT_LEASE_DRIFT = 0.01;
/** Default safety margin taken off a lease (ms): message handling between a send and its stamp. */
export const DEFAULT_LEASE_MARGIN_MS = 10;
/** Default: a leader asks for promises while a register read happened within this window (ms). */
export const DEFAULT_LEASE_IDLE_MS = 3000;

/** Lease timing, as resolved by the election configuration. */
export interface LeaseTiming {
  /** How long a follower promises (its own clock, ms); 0 turns read leases off. */
  promiseMs: number;
  /** Clock-rate drift bound between two nodes, in [0, 1). */
  drift: number;
  /** Safety margin (ms) taken off every lease. */
  marginMs: number;
  /** How long after the last register read the leader keeps asking for promises (ms). */
  idleMs: number;
}

/**
 * How long a lease lasts past the send of the round a majority acknowledged:
 * `promiseMs * (1 - drift) - marginMs`, strictly less than `promiseMs`. 0 when leases are off.
 */
export function leaseDurationMs(t: LeaseTiming): number {
  return t.promiseMs > 0 ? t.promiseMs * (1 - t.drift) - t.marginMs : 0;
}

/**
 * Check lease timing: `promiseMs >= 0`, `drift` in [0, 1), `marginMs >= 0`, `idleMs > 0`, and
 * (when on) a positive lease. Throws `RangeError` otherwise.
 */
export function checkLeaseTiming(t: LeaseTiming): LeaseTiming {
  if (!Number.isFinite(t.promiseMs) || t.promiseMs < 0)
    throw new RangeError(`election config: leasePromiseMs must be >= 0, got ${t.promiseMs}`);
  if (!Number.isFinite(t.drift) || t.drift < 0 || t.drift >= 1)
    throw new RangeError(`election config: leaseDrift must be in [0, 1), got ${t.drift}`);
  if (!Number.isFinite(t.marginMs) || t.marginMs < 0)
    throw new RangeError(`election config: leaseMarginMs must be >= 0, got ${t.marginMs}`);
  if (!Number.isFinite(t.idleMs) || t.idleMs <= 0)
    throw new RangeError(`election config: leaseIdleMs must be > 0, got ${t.idleMs}`);
  if (t.promiseMs > 0 && leaseDurationMs(t) <= 0)
    throw new RangeError('election config: leasePromiseMs * (1 - leaseDrift) must exceed leaseMarginMs');
  return t;
}

/**
 * A follower's promise not to vote or stand (see the module comment). Every time is this node's
 * own monotonic clock.
 */
export class FollowerPromise {
  private until = Number.NEGATIVE_INFINITY;

  /** `promiseMs`: the promise's length; 0 makes every method a no-op (leases off). */
  constructor(private readonly promiseMs: number) {}

  /** This node acknowledges a lease round received at `receivedAt`: promise until `receivedAt + promiseMs`. */
  give(receivedAt: number): void {
    if (this.promiseMs > 0) this.until = Math.max(this.until, receivedAt + this.promiseMs);
  }

  /**
   * This node (re)started at `now` and may have promised before it went down (the promise is
   * not persisted): it keeps the longest promise it could have given, `promiseMs` from now.
   */
  restarted(now: number): void {
    this.give(now);
  }

  /** Whether the promise still binds at `now`: no pre-vote, vote or candidacy. */
  binds(now: number): boolean {
    return now < this.until;
  }

  /** Milliseconds until the promise ends (0 when it does not bind). */
  remaining(now: number): number {
    return Math.max(0, this.until - now);
  }
}

/** Most lease rounds remembered (a bound against a flood of heartbeats; ~3 are live at a time). */
const MAX_ROUNDS = 256;

/**
 * A leader's read lease (see the module comment). Rounds are numbered from 1 and stamped with
 * the leader's clock when sent; acknowledgements name the round. Every time is the leader's own
 * monotonic clock.
 */
export class LeaderLease {
  private nextRound = 1;
  private readonly sent = new Map<number, number>();
  private readonly acked = new Map<NodeId, number>();
  private wantedUntil = Number.NEGATIVE_INFINITY;
  private readonly durationMs: number;

  /** `peers`: the other members; `majority`: votes needed to lead (this node counted). */
  constructor(
    private readonly timing: LeaseTiming,
    private readonly peers: readonly NodeId[],
    private readonly majority: number,
  ) {
    this.durationMs = leaseDurationMs(timing);
  }

  /** Whether read leases are configured at all (`promiseMs > 0`). */
  get enabled(): boolean {
    return this.timing.promiseMs > 0;
  }

  /** A register read happened at `now`: ask for promises for the next `idleMs`. */
  want(now: number): void {
    if (this.enabled) this.wantedUntil = now + this.timing.idleMs;
  }

  /**
   * The lease round a heartbeat sent at `now` carries, or undefined when leases are off or no
   * register read happened within `idleMs` (then followers promise nothing: failover pays nothing).
   */
  round(now: number): number | undefined {
    if (!this.enabled || now >= this.wantedUntil) return undefined;
    for (const [r, at] of this.sent) {
      if (at + this.durationMs > now && this.sent.size < MAX_ROUNDS) break;
      this.sent.delete(r); // its lease would have ended already (or too many are pending)
    }
    const r = this.nextRound++;
    this.sent.set(r, now);
    return r;
  }

  /** Peer `from` acknowledged lease round `round` in the current term. Unknown rounds are ignored. */
  ack(from: NodeId, round: number): void {
    const at = this.sent.get(round);
    if (at === undefined || !this.peers.includes(from)) return;
    this.acked.set(from, Math.max(this.acked.get(from) ?? Number.NEGATIVE_INFINITY, at));
  }

  /**
   * The leader's clock time until which its lease is valid: the `(majority − 1)`-th newest
   * round send time acknowledged by distinct peers, plus the lease duration. −∞ when no majority
   * acknowledged (or leases are off); +∞ for a cluster of one (nobody else can lead).
   */
  validUntil(): number {
    if (!this.enabled) return Number.NEGATIVE_INFINITY;
    const need = this.majority - 1;
    if (need <= 0) return Number.POSITIVE_INFINITY;
    const times = [...this.acked.values()].sort((a, b) => b - a);
    const at = times[need - 1];
    return at === undefined ? Number.NEGATIVE_INFINITY : at + this.durationMs;
  }

  /** Whether the lease is valid at `now` (the caller checks that it still leads). */
  holds(now: number): boolean {
    return now < this.validUntil();
  }

  /** End the lease at once (stepped down, became leader of a new term, saw a newer term). */
  reset(): void {
    this.sent.clear();
    this.acked.clear();
  }
}

/** The read-lease state of one election machine: its promise as a follower, its lease as leader. */
export interface ReadLeases {
  readonly promise: FollowerPromise;
  readonly lease: LeaderLease;
}

/**
 * The read-lease state of a machine that was just created from persisted state with term
 * `term`. A node with peers and a term above 0 may have promised before it went down, so the
 * caller applies {@link FollowerPromise.restarted} when it starts (term 0: it never followed a
 * leader, since a term is persisted before any ack, so it never promised).
 */
export function createReadLeases(config: {
  lease: LeaseTiming;
  peers: readonly NodeId[];
  majority: number;
}): ReadLeases {
  return {
    promise: new FollowerPromise(config.lease.promiseMs),
    lease: new LeaderLease(config.lease, config.peers, config.majority),
  };
}

/**
 * The heartbeat a leader of `term` broadcasts at `now`, stamped with a lease round while reads
 * want one (the stamp is taken before the send, so before any follower can receive it).
 */
export function leaseHeartbeat(
  leases: ReadLeases,
  term: number,
  successors: NodeId[],
  now: number,
): HeartbeatMessage {
  const lease = leases.lease.round(now);
  return lease === undefined
    ? { type: 'heartbeat', term, successors }
    : { type: 'heartbeat', term, successors, lease };
}

/**
 * The ack of a follower (now in `term`) that accepted a heartbeat at `now`: when the heartbeat
 * carried lease round `lease`, the follower promises and echoes the round.
 */
export function leaseAck(
  leases: ReadLeases,
  term: number,
  lease: number | undefined,
  now: number,
): HeartbeatAckMessage {
  if (lease === undefined) return { type: 'heartbeat-ack', term };
  leases.promise.give(now);
  return { type: 'heartbeat-ack', term, lease };
}
