/**
 * Defaults and validation of the election configuration.
 */
import {
  checkLeaseTiming,
  DEFAULT_LEASE_DRIFT,
  DEFAULT_LEASE_IDLE_MS,
  DEFAULT_LEASE_MARGIN_MS,
  type LeaseTiming,
} from './read-lease.js';
import type { ElectionConfig, NodeId } from './types.js';

/** Heartbeat interval default, in ms. */
export const DEFAULT_HEARTBEAT_MS = 50;
/** Election timeout lower bound default (inclusive), in ms. */
export const DEFAULT_ELECTION_TIMEOUT_MIN_MS = 300;
/** Election timeout upper bound default (exclusive), in ms. */
export const DEFAULT_ELECTION_TIMEOUT_MAX_MS = 600;

/** The configuration with every default filled in, plus derived values. */
export interface ResolvedElection {
  id: NodeId;
  members: NodeId[];
  peers: NodeId[];
  /** Votes needed to win: floor(N / 2) + 1. */
  majority: number;
  heartbeatMs: number;
  electionTimeoutMinMs: number;
  electionTimeoutMaxMs: number;
  leaseMs: number;
  /** A follower that heard its leader within this window refuses pre-votes and votes. */
  stickinessMs: number;
  aliveWaitMs: number;
  preVoteRetryMs: number;
  succession: boolean;
  timeoutTickMs: number;
  /** Whether this node may lead (false for a witness). */
  canLead: boolean;
  /** Members that never lead (witnesses). */
  nonLeaders: ReadonlySet<NodeId>;
  /** Register read leases (see `read-lease.ts`); `lease.promiseMs` 0: off. */
  lease: LeaseTiming;
}

/** The smallest number of nodes that is more than half of `n`. */
export function majorityOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`election config: ${name} must be > 0, got ${v}`);
  return v;
}

/**
 * Fill in defaults and check the configuration. Throws `RangeError` when the id is not a member,
 * ids are not distinct positive safe integers, or durations are not positive and ordered
 * (`heartbeatMs < electionTimeoutMinMs < electionTimeoutMaxMs`), or the lease timing is invalid
 * (see `checkLeaseTiming`).
 */
export function resolveElectionConfig(config: ElectionConfig): ResolvedElection {
  const members = [...new Set(config.members)].sort((a, b) => a - b);
  if (members.length !== config.members.length) throw new RangeError('election config: duplicate member ids');
  for (const m of members) {
    if (!Number.isSafeInteger(m) || m <= 0) throw new RangeError(`election config: bad node id ${m}`);
  }
  if (!members.includes(config.id)) throw new RangeError(`election config: ${config.id} is not a member`);
  const heartbeatMs = positive('heartbeatMs', config.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  const min = positive(
    'electionTimeoutMinMs',
    config.electionTimeoutMinMs ?? DEFAULT_ELECTION_TIMEOUT_MIN_MS,
  );
  const max = positive(
    'electionTimeoutMaxMs',
    config.electionTimeoutMaxMs ?? DEFAULT_ELECTION_TIMEOUT_MAX_MS,
  );
  if (!(heartbeatMs < min && min < max)) {
    throw new RangeError('election config: need heartbeatMs < electionTimeoutMinMs < electionTimeoutMaxMs');
  }
  const stickinessMs = Math.max(2 * heartbeatMs, Math.floor(min / 2));
  const lease = checkLeaseTiming({
    promiseMs: config.leasePromiseMs ?? stickinessMs,
    drift: config.leaseDrift ?? DEFAULT_LEASE_DRIFT,
    marginMs: config.leaseMarginMs ?? DEFAULT_LEASE_MARGIN_MS,
    idleMs: config.leaseIdleMs ?? DEFAULT_LEASE_IDLE_MS,
  });
  return {
    id: config.id,
    members,
    peers: members.filter((m) => m !== config.id),
    majority: majorityOf(members.length),
    heartbeatMs,
    electionTimeoutMinMs: min,
    electionTimeoutMaxMs: max,
    leaseMs: positive('leaseMs', config.leaseMs ?? min),
    stickinessMs,
    aliveWaitMs: positive('aliveWaitMs', config.aliveWaitMs ?? 2 * heartbeatMs),
    preVoteRetryMs: positive('preVoteRetryMs', config.preVoteRetryMs ?? 2 * heartbeatMs),
    succession: config.succession ?? true,
    timeoutTickMs: positive('timeoutTickMs', config.timeoutTickMs ?? 1),
    canLead: config.canLead ?? !(config.nonLeaders ?? []).includes(config.id),
    nonLeaders: new Set([...(config.nonLeaders ?? []), ...(config.canLead === false ? [config.id] : [])]),
    lease,
  };
}

/** A part of the election timeout range: draws fall in [`lo`, `hi`) ms. */
export interface TimeoutBand {
  lo: number;
  hi: number;
}

/**
 * A randomized election timeout in [min, max) (or in `band`, a part of it), in steps of
 * `timeoutTickMs`, shifted by this node's share of a tick: the i-th of N members (by id) adds i/N
 * of a tick. With coarse ticks (as etcd draws them) two nodes often draw the same step; unshifted,
 * they would time out together, both stand in the same term and split the vote, round after round
 * (a 3-node cluster with a 150 ms tick has two steps, so half of all rounds). Shifted, the earlier
 * one's vote request reaches the other before its own timer fires whenever a message is faster
 * than a 1/N tick. The result is always below the range's max.
 */
export function drawElectionTimeout(
  config: ResolvedElection,
  random: () => number,
  band: TimeoutBand = { lo: config.electionTimeoutMinMs, hi: config.electionTimeoutMaxMs },
): number {
  const { electionTimeoutMaxMs: max, timeoutTickMs: tick } = config;
  const r = Math.min(Math.max(random(), 0), 0.999999);
  const slots = Math.max(1, Math.floor((band.hi - band.lo) / tick));
  const shift = tick > 1 ? Math.floor((config.members.indexOf(config.id) * tick) / config.members.length) : 0;
  return Math.min(max - 1, band.lo + Math.floor(r * slots) * tick + shift);
}

/**
 * The band of the election timeout range a follower draws from while it follows a leader that
 * published a successor list (next-in-line failover). The node at `position` in the list (0 =
 * next in line) draws from the position-th band of width w = min(heartbeat, (max − min) / N)
 * above the minimum; a node off the list (`position` −1) from the rest of the range, above every
 * band. So when the leader dies, the next in line is the first to notice, within one heartbeat of
 * the shortest timeout, and stands at once (nobody is ahead of it), instead of waiting for
 * whichever node drew the shortest timeout to notice and hand over. Defaults, three nodes:
 * [300, 350) for the next in line, [350, 400) for the second, [400, 600) off the list.
 */
export function successorBand(config: ResolvedElection, position: number, listLength: number): TimeoutBand {
  const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max, heartbeatMs } = config;
  const w = Math.max(1, Math.floor(Math.min(heartbeatMs, (max - min) / config.members.length)));
  const slot = position >= 0 ? Math.min(position, config.members.length - 1) : null;
  if (slot === null)
    return { lo: Math.min(max - 1, min + Math.min(listLength, config.members.length - 1) * w), hi: max };
  return { lo: min + slot * w, hi: Math.min(max, min + (slot + 1) * w) };
}

/** A retry interval (pre-vote and vote requests) in [preVoteRetryMs, 2 * preVoteRetryMs). */
export function drawRetryDelay(config: ResolvedElection, random: () => number): number {
  return config.preVoteRetryMs * (1 + Math.min(Math.max(random(), 0), 0.999999));
}
