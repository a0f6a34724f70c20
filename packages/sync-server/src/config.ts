/**
 * The relay's configuration: the flags of `config-flags.ts` (each with its environment variable
 * and default) parsed into a typed {@link RelayConfig}. Parsing is pure (argv and env are passed in)
 * and throws {@link ConfigError} with a message fit for the terminal.
 */
import { parseArgs as parseArgsUtil } from 'node:util';
import { type ClientLimitsConfig, parseClientLimits } from './admission-config.js';
import { FLAGS, type Flag } from './config-flags.js';
import {
  ELECTION_ALGORITHMS,
  type ElectionAlgorithmName,
  isElectionAlgorithm,
} from './election/algorithm.js';
import type { SyncMode } from './storage/sqlite-store.js';

/** A peer from `--peers`: `id@host:port`. */
export interface PeerAddress {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

/** Everything a relay node is started with (the client-facing limits: {@link ClientLimitsConfig}). */
export interface RelayConfig extends ClientLimitsConfig {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly peers: readonly PeerAddress[];
  /** HMAC secret, or `null` with `--auth none`. */
  readonly authSecret: string | null;
  readonly allowedOrigins: readonly string[] | null;
  readonly maxPayload: number;
  readonly maxConnections: number;
  readonly rateLimit: number;
  readonly rateBurst: number;
  readonly rateBytes: number;
  readonly presenceTtlMs: number;
  readonly handshakeTimeoutMs: number;
  readonly keepAliveMs: number;
  /** How long queued frames wait for company before they are sent (ms). */
  readonly writeCoalesceMs: number;
  /** The client write window under full load (ms); see `WriteCoalescer`. */
  readonly writeCoalesceMaxMs: number;
  readonly sync: SyncMode;
  readonly snapshotEvery: number;
  /** Cluster leader: also snapshot a document this long after its last update (0: off). */
  readonly snapshotIdleMs: number;
  /** Numbered snapshots (versions) kept per document; older ones are dropped (0: keep all). */
  readonly keepSnapshots: number;
  readonly logLevel: string;
  /** Cluster settings, passed to the cluster layer as given. */
  readonly writeQuorum: number | null;
  readonly readQuorum: number | null;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: readonly [number, number];
  /**
   * Register read leases (`--lease-ms`): how long a follower promises not to vote or stand (ms);
   * 0: off; null: the election's default (its stickiness window).
   */
  readonly leasePromiseMs: number | null;
  /** Leader election algorithm (`--election`). */
  readonly election: ElectionAlgorithmName;
  /** Nodes that may lead under `--election candidates` (`--candidates`); null: every node. */
  readonly candidates: readonly number[] | null;
  /** Cluster membership secret (`--cluster-secret`); required with `--peers`. */
  readonly clusterSecret: string | null;
  /** Interface of the peer listener (`--peer-host`). */
  readonly peerHost: string;
  /** Port of the peer listener (`--peer-port`); default client port + 1000. */
  readonly peerPort: number;
  /** A client write not held by W nodes within this time gets a retryable error (ms). */
  readonly writeTimeoutMs: number;
  /** PEM files: the certificate and key both listeners present (TLS on when set), and peers' CA. */
  readonly tlsCertFile: string | null;
  readonly tlsKeyFile: string | null;
  readonly peerTlsCaFile: string | null;
  /** Ids of the cluster's witness replicas (`--witness`), this node's own when it is one. */
  readonly witnesses: readonly number[];
  /** Whether this node is a witness replica. */
  readonly witness: boolean;
}

/** Offset from a node's client port to its default peer-link port. */
export const PEER_PORT_OFFSET = 1000;

/** A bad flag or environment value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Whether `host` names this machine's loopback interface only. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/**
 * Parse `--flag value` / `--flag=value` pairs with `node:util`'s `parseArgs` (every flag takes a
 * value; a repeated flag keeps its last value). Unknown flags, missing values and positional
 * arguments are {@link ConfigError}s with one clear line.
 */
export function parseArgs(argv: readonly string[], known: ReadonlySet<string>): Map<string, string> {
  const options: Record<string, { type: 'string' }> = {};
  for (const name of known) options[name] = { type: 'string' };
  // A value may start with one dash (`--ttl -600`), which parseArgs would take for a flag.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (
      a.startsWith('--') &&
      !a.includes('=') &&
      known.has(a.slice(2)) &&
      next?.startsWith('-') &&
      !next.startsWith('--')
    ) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgsUtil({ args, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new ConfigError(argvMessage(e));
  }
  const out = new Map<string, string>();
  for (const [name, v] of Object.entries(values)) if (typeof v === 'string') out.set(name, v);
  return out;
}

/** `parseArgs`'s error as the one line this CLI has always printed. */
function argvMessage(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const msg = e instanceof Error ? e.message : String(e);
  const flag = /'(-[^' ]+)/.exec(msg)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? msg} (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `${flag ?? 'a flag'} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']*)'/.exec(msg)?.[1];
      return `unexpected argument "${arg ?? msg}"`;
    }
    default:
      return msg;
  }
}

function int(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v.trim())) throw new ConfigError(`--${name} must be an integer, got "${v}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`--${name} must be >= ${min}, got ${v}`);
  return n;
}

/**
 * `--lease-ms`: 0 (leases off) or a promise that leaves a positive lease after the default drift
 * and margin (> 10.1 ms, so at least 11) and does not exceed the minimum election timeout (a
 * longer promise would hold back every failover, not only the shortcut taken on a closed link).
 */
function parseLeaseMs(v: string | null, electionTimeoutMinMs: number): number | null {
  if (v === null) return null;
  const n = int('lease-ms', v, 0);
  if (n !== 0 && (n < 11 || n > electionTimeoutMinMs)) {
    throw new ConfigError(
      `--lease-ms must be 0 (off) or between 11 and the minimum election timeout (${electionTimeoutMinMs}), got ${v}`,
    );
  }
  return n;
}

/** Parse `id@host:port,…`. */
export function parsePeers(v: string): PeerAddress[] {
  const peers: PeerAddress[] = [];
  for (const part of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)@(\[[^\]]+\]|[^:@]+):(\d+)$/.exec(part);
    if (!m) throw new ConfigError(`--peers entry "${part}" is not id@host:port`);
    peers.push({
      id: int('peers', m[1] as string, 1),
      host: m[2] as string,
      port: int('peers', m[3] as string, 1),
    });
  }
  return peers;
}

export { helpText } from './config-flags.js';

/**
 * `--election` and `--candidates`: the algorithm must be known; candidates (only with
 * `--election candidates`) must be distinct member ids.
 */
function parseElection(
  name: string,
  list: string | null,
  members: readonly number[],
): { election: ElectionAlgorithmName; candidates: number[] | null } {
  if (!isElectionAlgorithm(name)) {
    throw new ConfigError(`--election must be one of ${ELECTION_ALGORITHMS.join(', ')}, got "${name}"`);
  }
  if (list === null) return { election: name, candidates: null };
  if (name !== 'candidates') throw new ConfigError('--candidates needs --election candidates');
  const ids = list.split(',').map((v) => int('candidates', v, 1));
  if (new Set(ids).size !== ids.length) throw new ConfigError('--candidates has duplicate ids');
  const stranger = ids.find((c) => !members.includes(c));
  if (stranger !== undefined) {
    throw new ConfigError(`--candidates names ${stranger}, which is not a member (this node or --peers)`);
  }
  return { election: name, candidates: ids };
}

/** Build the configuration from argv (without the node and script names) and the environment. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): RelayConfig {
  // `--witness` alone (no value follows) marks this node as a witness.
  const args = parseArgs(
    argv.map((a, i) => (a === '--witness' && !/^[\d,\s]+$/.test(argv[i + 1] ?? '') ? '--witness=self' : a)),
    new Set(FLAGS.map((f) => f.name)),
  );
  const get = (name: string): string | null => {
    const f = FLAGS.find((x) => x.name === name) as Flag;
    return args.get(name) ?? env[f.env] ?? f.def;
  };
  const need = (name: string) => get(name) as string;
  const auth = get('auth');
  const secret = get('auth-secret');
  if (auth !== null && auth !== 'none') throw new ConfigError(`--auth accepts only "none", got "${auth}"`);
  if (auth === 'none' && secret !== null)
    throw new ConfigError('give either --auth-secret or --auth none, not both');
  if (auth === null && secret === null) {
    throw new ConfigError('no auth configured: pass --auth-secret SECRET (or --auth none for development)');
  }
  if (secret !== null && secret.length < 16)
    throw new ConfigError('--auth-secret must be at least 16 characters');
  const sync = need('sync');
  if (sync !== 'full' && sync !== 'normal')
    throw new ConfigError(`--sync must be full or normal, got "${sync}"`);
  const origins = get('allowed-origins');
  const et = /^(\d+)-(\d+)$/.exec(need('election-timeout'));
  if (!et) throw new ConfigError('--election-timeout must be MIN-MAX in ms, e.g. 300-600');
  const etMin = int('election-timeout', et[1] as string, 1);
  const etMax = int('election-timeout', et[2] as string, 1);
  if (etMax <= etMin) throw new ConfigError('--election-timeout MAX must exceed MIN');
  const leaseMs = get('lease-ms');
  const wq = get('write-quorum');
  const rq = get('read-quorum');
  const id = int('id', need('id'), 1);
  const peers = parsePeers(need('peers'));
  if (peers.some((p) => p.id === id)) throw new ConfigError(`--peers lists this node's own id ${id}`);
  if (new Set(peers.map((p) => p.id)).size !== peers.length)
    throw new ConfigError('--peers has duplicate ids');
  const clusterSecret = get('cluster-secret');
  if (peers.length > 0 && clusterSecret === null) {
    throw new ConfigError(
      '--peers needs --cluster-secret SECRET (or ACCORD_CLUSTER_SECRET): peers must prove they belong to the cluster',
    );
  }
  if (clusterSecret !== null && clusterSecret.length < 16)
    throw new ConfigError('--cluster-secret must be at least 16 characters');
  const { election, candidates } = parseElection(get('election') ?? 'bully', get('candidates'), [
    id,
    ...peers.map((p) => p.id),
  ]);
  const peerHost = need('peer-host');
  const remote = peers.find((p) => !isLoopback(p.host));
  if (remote !== undefined && isLoopback(peerHost)) {
    throw new ConfigError(
      `peer ${remote.id} is at ${remote.host}, but this node's peer listener is on ${peerHost}: set --peer-host to the interface peers reach (and firewall its port to them)`,
    );
  }
  const port = int('port', need('port'), 0);
  const peerPortArg = get('peer-port');
  const peerPort =
    peerPortArg !== null ? int('peer-port', peerPortArg, 0) : port === 0 ? 0 : port + PEER_PORT_OFFSET;
  if (peerPort > 65535) throw new ConfigError(`--peer-port ${peerPort} is above 65535 (set --peer-port)`);
  const tlsCertFile = get('tls-cert');
  const tlsKeyFile = get('tls-key');
  if ((tlsCertFile === null) !== (tlsKeyFile === null))
    throw new ConfigError('--tls-cert and --tls-key go together');
  const peerTlsCaFile = get('peer-tls-ca');
  if (peerTlsCaFile !== null && tlsCertFile === null)
    throw new ConfigError('--peer-tls-ca needs --tls-cert and --tls-key (peer links use TLS only with both)');
  const witnesses = parseWitnesses(get('witness'), id, peers);
  const leaders = witnessSafeCandidates(election, candidates, witnesses, [id, ...peers.map((p) => p.id)]);
  return {
    id,
    host: need('host'),
    port,
    dataDir: need('data'),
    peers,
    authSecret: auth === 'none' ? null : secret,
    allowedOrigins:
      origins === null
        ? null
        : origins
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    maxPayload: int('max-payload', need('max-payload'), 1024),
    maxConnections: int('max-connections', need('max-connections'), 1),
    rateLimit: int('rate-limit', need('rate-limit'), 0),
    rateBurst: int('rate-burst', need('rate-burst'), 1),
    rateBytes: int('rate-bytes', need('rate-bytes'), 0),
    presenceTtlMs: int('presence-ttl', need('presence-ttl'), 100),
    handshakeTimeoutMs: int('handshake-timeout', need('handshake-timeout'), 100),
    ...parseClientLimits(need, int, (message) => new ConfigError(message)),
    keepAliveMs: int('keepalive', need('keepalive'), 100),
    writeCoalesceMs: int('write-coalesce', need('write-coalesce'), 0),
    writeCoalesceMaxMs: int('write-coalesce-max', need('write-coalesce-max'), 0),
    sync,
    snapshotEvery: int('snapshot-every', need('snapshot-every'), 0),
    snapshotIdleMs: int('snapshot-idle', need('snapshot-idle'), 0),
    keepSnapshots: int('keep-snapshots', need('keep-snapshots'), 0),
    logLevel: need('log-level'),
    writeQuorum: wq === null ? null : int('write-quorum', wq, 1),
    readQuorum: rq === null ? null : int('read-quorum', rq, 1),
    heartbeatMs: int('heartbeat', need('heartbeat'), 1),
    electionTimeoutMs: [etMin, etMax],
    leasePromiseMs: parseLeaseMs(leaseMs, etMin),
    election,
    candidates: leaders,
    clusterSecret,
    peerHost,
    peerPort,
    writeTimeoutMs: int('write-timeout', need('write-timeout'), 1),
    tlsCertFile,
    tlsKeyFile,
    peerTlsCaFile,
    witnesses,
    witness: witnesses.includes(id),
  };
}

/**
 * `--witness`: alone (or `self`, `true`) this node is a witness; else a list of node ids.
 * Every id must be a member; at least one member must stay a full replica, and a witness needs
 * peers (it serves nobody alone).
 */
function parseWitnesses(v: string | null, id: number, peers: readonly PeerAddress[]): number[] {
  if (v === null || v.trim() === '' || v === 'false') return [];
  const ids =
    v === 'self' || v === 'true'
      ? [id]
      : v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => int('witness', s, 1));
  const members = new Set([id, ...peers.map((p) => p.id)]);
  for (const w of ids)
    if (!members.has(w))
      throw new ConfigError(`--witness ${w} is not a cluster member (this node or --peers)`);
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  if (unique.length >= members.size) throw new ConfigError('--witness leaves no full replica');
  return unique;
}

/**
 * A witness must never lead. The bully machine keeps witnesses out of every round (`canLead`,
 * `nonLeaders`); the candidates machine lets only candidates stand, so witnesses must not be
 * among them (by default the candidates are then the full replicas). The ring and invitation
 * machines pick the highest rank they find and do not know witnesses: refused.
 */
function witnessSafeCandidates(
  election: ElectionAlgorithmName,
  candidates: number[] | null,
  witnesses: readonly number[],
  members: readonly number[],
): number[] | null {
  if (witnesses.length === 0) return candidates;
  if (election === 'ring' || election === 'invitation')
    throw new ConfigError(
      `--witness works with --election bully or candidates: a ${election} election could choose a witness to lead`,
    );
  if (election !== 'candidates') return candidates;
  if (candidates === null) return members.filter((m) => !witnesses.includes(m));
  const witness = candidates.find((c) => witnesses.includes(c));
  if (witness !== undefined)
    throw new ConfigError(`--candidates names ${witness}, a witness: a witness never leads`);
  return candidates;
}
