/**
 * The client-facing limits of `accord-relay`: admission control (unauthenticated sockets per
 * address and in total, the join deadline), rate budgets shared per address and per token, and
 * presence bounds and pacing. Kept apart from `config.ts` (which includes these flags in its table
 * and its parsed {@link ClientLimitsConfig}); what each limit protects is in `docs/relay.md`.
 */

/** A flag of this block: name, environment variable, argument name, default and help text. */
export interface ClientLimitFlag {
  readonly name: string;
  readonly env: string;
  readonly arg: string;
  readonly def: string;
  readonly help: string;
}

import { isIP } from 'node:net';

/** The parsed client-facing limits (part of `RelayConfig`). */
export interface ClientLimitsConfig {
  /** Upgraded sockets whose token is not yet checked, in total; at the limit the oldest is evicted. */
  readonly maxPending: number;
  /** Such sockets per address (IPv4, or IPv6 /64); beyond, upgrades get 429. 0: no cap. */
  readonly maxPendingPerAddress: number;
  /** Addresses exempt from every per-address limit (default the loopback addresses). */
  readonly unlimitedAddresses: readonly string[];
  /** From `hello` to joined (token check, read quorum), ms. */
  readonly joinTimeoutMs: number;
  /** Frames per second shared by every connection of one address (0: off); burst 4x. */
  readonly rateLimitAddress: number;
  /** Bytes per second shared by every connection of one address (0: off); burst 4x. */
  readonly rateBytesAddress: number;
  /** Frames per second shared by every session of one token (0: off); burst 4x. */
  readonly rateLimitToken: number;
  /** Bytes per second shared by every session of one token (0: off); burst 4x. */
  readonly rateBytesToken: number;
  /** Largest presence entry, encoded bytes. */
  readonly presenceMaxBytes: number;
  /** Most presence bytes per document, this node's and other nodes' entries together. */
  readonly presenceRoomBytes: number;
  /** Presence changes are merged per document and relayed at most once per this many ms (0: at once). */
  readonly presenceIntervalMs: number;
}

/** The flags of this block, in `--help` order. */
export const CLIENT_LIMIT_FLAGS: readonly ClientLimitFlag[] = [
  {
    name: 'join-timeout',
    env: 'ACCORD_JOIN_TIMEOUT',
    arg: 'MS',
    def: '10000',
    help: 'time from hello to joined (token check, read quorum); then closed with 4006',
  },
  {
    name: 'max-pending',
    env: 'ACCORD_MAX_PENDING',
    arg: 'N',
    def: '10000',
    help: 'upgraded sockets whose token is not yet checked, apart from --max-connections; at the limit the oldest is closed (4008) to admit a new one',
  },
  {
    name: 'max-pending-per-address',
    env: 'ACCORD_MAX_PENDING_PER_ADDRESS',
    arg: 'N',
    def: '64',
    help: 'such sockets per client address (IPv4, or IPv6 /64); more get HTTP 429; 0: no cap (behind a proxy)',
  },
  {
    name: 'unlimited-addresses',
    env: 'ACCORD_UNLIMITED_ADDRESSES',
    arg: 'LIST',
    def: '127.0.0.1,::1',
    help: 'client addresses exempt from the per-address limits (a reverse proxy on this host), comma-separated; "" for none',
  },
  {
    name: 'rate-limit-address',
    env: 'ACCORD_RATE_LIMIT_ADDRESS',
    arg: 'N',
    def: '5000',
    help: 'frames per second shared by all connections of one address (0: unlimited); burst is 4x',
  },
  {
    name: 'rate-bytes-address',
    env: 'ACCORD_RATE_BYTES_ADDRESS',
    arg: 'BYTES',
    def: '33554432',
    help: 'bytes per second shared by all connections of one address (0: unlimited); burst is 4x',
  },
  {
    name: 'rate-limit-token',
    env: 'ACCORD_RATE_LIMIT_TOKEN',
    arg: 'N',
    def: '2000',
    help: 'frames per second shared by all sessions of one token (0: unlimited); burst is 4x',
  },
  {
    name: 'rate-bytes-token',
    env: 'ACCORD_RATE_BYTES_TOKEN',
    arg: 'BYTES',
    def: '16777216',
    help: 'bytes per second shared by all sessions of one token (0: unlimited); burst is 4x',
  },
  {
    name: 'presence-max-bytes',
    env: 'ACCORD_PRESENCE_MAX_BYTES',
    arg: 'BYTES',
    def: '8192',
    help: 'largest presence entry (encoded), from a client or a peer node; larger gets error too-large',
  },
  {
    name: 'presence-room-bytes',
    env: 'ACCORD_PRESENCE_ROOM_BYTES',
    arg: 'BYTES',
    def: '1048576',
    help: "most presence bytes per document (all nodes' entries); a set beyond gets error too-large",
  },
  {
    name: 'presence-interval',
    env: 'ACCORD_PRESENCE_INTERVAL',
    arg: 'MS',
    def: '50',
    help: 'presence changes are merged per document (latest per session wins) and relayed at most once per MS; 0: every change at once',
  },
];

/** Integer parsing as `config.ts` does it: `int(flag, value, min)` throws a `ConfigError`. */
type IntParser = (name: string, value: string, min: number) => number;

/**
 * Parse this block. `need(name)` is the flag's value (argv, else environment, else default);
 * `int` parses and range-checks it. Throws what `int` throws, and `fail(message)` for values
 * that contradict each other.
 */
export function parseClientLimits(
  need: (name: string) => string,
  int: IntParser,
  fail: (message: string) => Error,
): ClientLimitsConfig {
  const n = (name: string, min: number) => int(name, need(name), min);
  const out: ClientLimitsConfig = {
    maxPending: n('max-pending', 1),
    maxPendingPerAddress: n('max-pending-per-address', 0),
    unlimitedAddresses: need('unlimited-addresses')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    joinTimeoutMs: n('join-timeout', 100),
    rateLimitAddress: n('rate-limit-address', 0),
    rateBytesAddress: n('rate-bytes-address', 0),
    rateLimitToken: n('rate-limit-token', 0),
    rateBytesToken: n('rate-bytes-token', 0),
    presenceMaxBytes: n('presence-max-bytes', 64),
    presenceRoomBytes: n('presence-room-bytes', 64),
    presenceIntervalMs: n('presence-interval', 0),
  };
  for (const a of out.unlimitedAddresses)
    if (isIP(a) === 0) throw fail(`--unlimited-addresses: "${a}" is not an IP address`);
  if (out.presenceRoomBytes < out.presenceMaxBytes)
    throw fail('--presence-room-bytes must be at least --presence-max-bytes');
  return out;
}
