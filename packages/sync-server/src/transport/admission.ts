/**
 * Admission control for client sockets, apart from the socket library so it is tested directly.
 * Two budgets: **pending** sockets (upgraded, token not yet checked) and **connections** (token
 * checked). A socket enters as pending and moves to the connection budget once the relay verified
 * its token ({@link Admission.authenticate}), so sockets that upgrade and never say `hello` can
 * exhaust only the pending budget, never the connections of honest clients:
 * - at most `maxPendingPerAddress` pending sockets per remote address (an IPv4 address, or the
 *   /64 of an IPv6 address): further upgrades from it are refused (HTTP 429);
 * - at most `maxPending` pending sockets in total: a new one evicts the OLDEST pending socket
 *   instead of being refused, so a flood of idle sockets cannot lock honest clients out (an
 *   honest client stays pending for one round trip and a token check, an idle one until its
 *   hello deadline);
 * - at most `maxConnections` authenticated connections: upgrades are refused (HTTP 503) while
 *   that budget is full, and a pending socket whose token checks out then is closed (4008).
 */

/** Limits of {@link Admission} (CLI flags). */
export interface AdmissionLimits {
  /** Authenticated connections (`--max-connections`). */
  readonly maxConnections: number;
  /** Pending sockets in total (`--max-pending`); at the limit the oldest is evicted. */
  readonly maxPending: number;
  /** Pending sockets per address (`--max-pending-per-address`); 0: no per-address cap. */
  readonly maxPendingPerAddress: number;
}

/** Address keys exempt from per-address limits by default: loopback (a local reverse proxy). */
export const DEFAULT_UNLIMITED_ADDRESSES: readonly string[] = ['127.0.0.1', '::1'];

/** Why a socket was refused or closed by admission control (the `reason` label of its metric). */
export type AdmissionRefusal =
  /** Upgrade refused (403): the Origin is not allowed. */
  | 'origin'
  /** Upgrade refused (503): the node is shutting down. */
  | 'shutting-down'
  /** Upgrade refused (503): the authenticated connection budget is full. */
  | 'connections'
  /** Upgrade refused (429): this address holds its share of pending sockets. */
  | 'pending-address'
  /** Closed (4008): the oldest pending socket, evicted to admit a newer one. */
  | 'pending-evicted'
  /** Closed (4006): no `hello` within the hello deadline. */
  | 'hello-timeout'
  /** Closed (4006): `hello` came, but the join (token check, read quorum) did not finish in time. */
  | 'join-timeout'
  /** Closed (4008): the token checked out, but the connection budget filled meanwhile. */
  | 'connections-after-auth';

/** The HTTP answer to each refusal that happens at the upgrade. */
export const UPGRADE_REFUSALS: Readonly<
  Partial<Record<AdmissionRefusal, { readonly status: number; readonly phrase: string }>>
> = {
  origin: { status: 403, phrase: 'Forbidden' },
  'shutting-down': { status: 503, phrase: 'Service Unavailable' },
  connections: { status: 503, phrase: 'Service Unavailable' },
  'pending-address': { status: 429, phrase: 'Too Many Requests' },
};

/** The outcome of {@link Admission.admit}. */
export type AdmitResult<T> =
  | { readonly ok: true; readonly evicted: T | undefined }
  | { readonly ok: false; readonly reason: 'connections' | 'pending-address' };

/**
 * The key per-address limits count against: an IPv4 address as is (also when IPv4-mapped,
 * `::ffff:1.2.3.4`), an IPv6 address as its /64 prefix (one host usually holds a whole /64).
 * Never throws; an unparsable or missing address is its own key.
 */
export function addressKey(remote: string | undefined): string {
  if (remote === undefined || remote === '') return '?';
  let ip = remote.toLowerCase();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (!ip.includes(':')) return ip;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (mapped) return mapped[1] as string;
  const groups = ipv6Groups(ip);
  return groups === null ? ip : `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address without leading zeros, or `null` if it is not one. */
function ipv6Groups(ip: string): string[] | null {
  const parts = ip.split('::');
  if (parts.length > 2) return null;
  const split = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'));
  const head = split(parts[0]);
  const tail = split(parts[1]);
  const missing = 8 - head.length - tail.length;
  // "::" stands for one or more zero groups; without it there must be exactly eight.
  if (parts.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<string>(parts.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}

/** Pending and authenticated sockets, by address. Single-threaded; every operation is O(1). */
export class Admission<T> {
  /** Pending sockets and their address (`null`: exempt), oldest first (Map keeps insertion order). */
  private readonly pending = new Map<T, string | null>();
  private readonly connections = new Set<T>();
  private readonly pendingByAddress = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** Pending sockets now. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Authenticated connections now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Pending sockets of `address` now. */
  pendingOf(address: string): number {
    return this.pendingByAddress.get(address) ?? 0;
  }

  /** Whether `item` is admitted and not yet authenticated. */
  isPending(item: T): boolean {
    return this.pending.has(item);
  }

  /**
   * Admit a new socket from `address` as pending, or say why not. When the pending budget is
   * full the oldest pending socket is dropped from it and returned as `evicted`: the caller
   * closes it. `address` `null`: exempt from the per-address cap (counted in total only).
   * Admitting an item twice is a caller bug and admits nothing new.
   */
  admit(item: T, address: string | null): AdmitResult<T> {
    if (this.pending.has(item) || this.connections.has(item)) return { ok: true, evicted: undefined };
    if (this.connections.size >= this.limits.maxConnections) return { ok: false, reason: 'connections' };
    const cap = this.limits.maxPendingPerAddress;
    if (address !== null && cap > 0 && this.pendingOf(address) >= cap)
      return { ok: false, reason: 'pending-address' };
    let evicted: T | undefined;
    if (this.pending.size >= this.limits.maxPending) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) {
        evicted = oldest.value;
        this.release(evicted);
      }
    }
    this.pending.set(item, address);
    if (address !== null) this.pendingByAddress.set(address, this.pendingOf(address) + 1);
    return { ok: true, evicted };
  }

  /**
   * The relay verified `item`'s token: move it from the pending budget to the connection budget.
   * `false` when the connection budget is full (it stays pending; the caller closes it) or the
   * item is unknown (released or evicted meanwhile). `true` again for an authenticated item.
   */
  authenticate(item: T): boolean {
    if (this.connections.has(item)) return true;
    if (!this.pending.has(item)) return false;
    const address = this.pending.get(item) ?? null;
    if (this.connections.size >= this.limits.maxConnections) return false;
    this.dropPending(item, address);
    this.connections.add(item);
    return true;
  }

  /** Forget `item` (its socket closed), pending or authenticated. Idempotent. */
  release(item: T): void {
    if (this.pending.has(item)) this.dropPending(item, this.pending.get(item) ?? null);
    else this.connections.delete(item);
  }

  private dropPending(item: T, address: string | null): void {
    this.pending.delete(item);
    if (address === null) return;
    const n = this.pendingOf(address) - 1;
    if (n <= 0) this.pendingByAddress.delete(address);
    else this.pendingByAddress.set(address, n);
  }
}
