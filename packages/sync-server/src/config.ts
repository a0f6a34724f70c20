/**
 * The relay's configuration: every CLI flag, its environment variable, default and help text in
 * one table, parsed into a typed {@link RelayConfig}. Parsing is pure (argv and env are passed in)
 * and throws {@link ConfigError} with a message fit for the terminal.
 */
import { parseArgs as parseArgsUtil } from 'node:util';
import { CLIENT_LIMIT_FLAGS, type ClientLimitsConfig, parseClientLimits } from './admission-config.js';
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

interface Flag {
  readonly name: string;
  readonly env: string;
  readonly arg: string;
  readonly def: string | null;
  readonly help: string;
}

const FLAGS: readonly Flag[] = [
  {
    name: 'id',
    env: 'ACCORD_ID',
    arg: 'N',
    def: '1',
    help: 'node id (rank in the cluster), a positive integer',
  },
  {
    name: 'port',
    env: 'ACCORD_PORT',
    arg: 'PORT',
    def: '4001',
    help: 'client port (WebSocket, /healthz, /metrics); 0 picks a free one',
  },
  { name: 'host', env: 'ACCORD_HOST', arg: 'HOST', def: '127.0.0.1', help: 'interface to listen on' },
  {
    name: 'data',
    env: 'ACCORD_DATA',
    arg: 'DIR',
    def: './data',
    help: 'directory of the node SQLite file (node-<id>.sqlite)',
  },
  {
    name: 'peers',
    env: 'ACCORD_PEERS',
    arg: 'LIST',
    def: '',
    help: 'other cluster nodes: id@host:port,id@host:port',
  },
  {
    name: 'auth-secret',
    env: 'ACCORD_AUTH_SECRET',
    arg: 'SECRET',
    def: null,
    help: 'HMAC secret for tokens (>= 16 chars)',
  },
  {
    name: 'auth',
    env: 'ACCORD_AUTH',
    arg: 'none',
    def: null,
    help: '"none" lets anyone read and write every document (development only)',
  },
  {
    name: 'allowed-origins',
    env: 'ACCORD_ALLOWED_ORIGINS',
    arg: 'LIST',
    def: null,
    help: 'browser origins allowed, comma-separated; "*" for any; "http://host:*" for any port (default: loopback origins)',
  },
  {
    name: 'max-payload',
    env: 'ACCORD_MAX_PAYLOAD',
    arg: 'BYTES',
    def: '1048576',
    help: 'largest frame accepted; larger closes with 1009',
  },
  {
    name: 'max-connections',
    env: 'ACCORD_MAX_CONNECTIONS',
    arg: 'N',
    def: '10000',
    help: 'open connections before upgrades get 503',
  },
  {
    name: 'rate-limit',
    env: 'ACCORD_RATE_LIMIT',
    arg: 'N',
    def: '500',
    help: 'frames per second per connection (0: unlimited)',
  },
  {
    name: 'rate-burst',
    env: 'ACCORD_RATE_BURST',
    arg: 'N',
    def: '2000',
    help: 'frames a connection may send in a burst',
  },
  {
    name: 'rate-bytes',
    env: 'ACCORD_RATE_BYTES',
    arg: 'BYTES',
    def: '4194304',
    help: 'bytes per second per connection (0: unlimited); burst is 4x',
  },
  {
    name: 'presence-ttl',
    env: 'ACCORD_PRESENCE_TTL',
    arg: 'MS',
    def: '30000',
    help: 'presence of a silent session expires after this',
  },
  {
    name: 'handshake-timeout',
    env: 'ACCORD_HANDSHAKE_TIMEOUT',
    arg: 'MS',
    def: '3000',
    help: 'time from the upgrade to hello (each socket gets 3/4 of it to all of it, at random); then closed with 4006',
  },
  // Admission control, shared rate budgets and presence bounds: admission-config.ts.
  ...CLIENT_LIMIT_FLAGS,
  {
    name: 'keepalive',
    env: 'ACCORD_KEEPALIVE',
    arg: 'MS',
    def: '15000',
    help: 'WebSocket ping interval; unanswered twice closes with 4009',
  },
  {
    name: 'write-coalesce',
    env: 'ACCORD_WRITE_COALESCE',
    arg: 'MS',
    def: '1',
    help: 'frames to a client or peer wait this long for company, then leave in one write (fewer packets under load); 0: at the end of each event-loop turn',
  },
  {
    name: 'write-coalesce-max',
    env: 'ACCORD_WRITE_COALESCE_MAX',
    arg: 'MS',
    def: '8',
    help: 'the client window grows from --write-coalesce to this as the event loop goes from 50% to 90% busy (trades median latency for CPU under load only)',
  },
  {
    name: 'sync',
    env: 'ACCORD_SYNC',
    arg: 'full|normal',
    def: 'full',
    help: 'SQLite synchronous: full survives power loss, normal only a killed process',
  },
  {
    name: 'snapshot-every',
    env: 'ACCORD_SNAPSHOT_EVERY',
    arg: 'N',
    def: '1000',
    help: 'compact a document log, and (cluster leader) number a snapshot, every N updates (0: never)',
  },
  {
    name: 'snapshot-idle',
    env: 'ACCORD_SNAPSHOT_IDLE',
    arg: 'MS',
    def: '0',
    help: 'cluster: the leader also snapshots a document MS after its last update (0: off)',
  },
  {
    name: 'keep-snapshots',
    env: 'ACCORD_KEEP_SNAPSHOTS',
    arg: 'N',
    def: '50',
    help: 'numbered snapshots (the version history clients can list and load) kept per document; 0: all',
  },

  {
    name: 'log-level',
    env: 'ACCORD_LOG_LEVEL',
    arg: 'LEVEL',
    def: 'info',
    help: 'pino level: fatal error warn info debug trace silent',
  },
  {
    name: 'write-quorum',
    env: 'ACCORD_WRITE_QUORUM',
    arg: 'W',
    def: null,
    help: 'cluster: nodes that must store an update before it is acked (default majority)',
  },
  {
    name: 'read-quorum',
    env: 'ACCORD_READ_QUORUM',
    arg: 'R',
    def: null,
    help: 'cluster: nodes read when a client joins (default N - W + 1)',
  },
  {
    name: 'heartbeat',
    env: 'ACCORD_HEARTBEAT',
    arg: 'MS',
    def: '50',
    help: 'cluster: leader heartbeat interval',
  },
  {
    name: 'election-timeout',
    env: 'ACCORD_ELECTION_TIMEOUT',
    arg: 'MIN-MAX',
    def: '300-600',
    help: 'cluster: randomized election timeout range in ms',
  },
  // Cluster links: who may join, where peers connect, how they are protected.
  {
    name: 'cluster-secret',
    env: 'ACCORD_CLUSTER_SECRET',
    arg: 'SECRET',
    def: null,
    help: 'cluster: shared secret (>= 16 chars) peers prove by challenge-response (never sent); required with --peers',
  },
  {
    name: 'peer-host',
    env: 'ACCORD_PEER_HOST',
    arg: 'HOST',
    def: '127.0.0.1',
    help: 'cluster: interface the peer listener binds (other nodes connect here; firewall it to them)',
  },
  {
    name: 'peer-port',
    env: 'ACCORD_PEER_PORT',
    arg: 'PORT',
    def: null,
    help: 'cluster: peer listener port [client port + 1000]',
  },
  {
    name: 'write-timeout',
    env: 'ACCORD_WRITE_TIMEOUT',
    arg: 'MS',
    def: '5000',
    help: 'cluster: a write not held by W nodes in this time is refused with a retryable error',
  },
  {
    name: 'tls-cert',
    env: 'ACCORD_TLS_CERT',
    arg: 'FILE',
    def: null,
    help: 'PEM certificate chain: serve wss:// to clients and TLS to peers (with --tls-key)',
  },
  {
    name: 'tls-key',
    env: 'ACCORD_TLS_KEY',
    arg: 'FILE',
    def: null,
    help: 'PEM private key of --tls-cert',
  },
  {
    name: 'peer-tls-ca',
    env: 'ACCORD_PEER_TLS_CA',
    arg: 'FILE',
    def: null,
    help: "cluster: PEM CA bundle peers' certificates must chain to [system CAs]",
  },
];

/** Whether `host` names this machine's loopback interface only. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/** The `--help` text. */
export function helpText(): string {
  const lines = [
    'accord-relay: an Accord relay node (WebSocket sync, SQLite storage, auth, cluster).',
    '',
    'Usage:',
    '  accord-relay [flags]                      serve',
    '  accord-relay token --doc ID [--scope read|write] [--ttl SECONDS] --auth-secret S',
    '                                            print a signed token (dev and tests)',
    '  accord-relay cluster [--nodes 3] [--port 4001] [--host 127.0.0.1] [--data ./data] [flags]',
    '                                            a local cluster: node i on --port + i - 1, the flags',
    '                                            to every node; secrets from the environment or',
    '                                            <data>/secrets.json (made on first start, 0600)',
    '',
    'Listeners: the client port (--host, --port: WebSocket, /healthz, /metrics) and, with --peers, the',
    'peer port (--peer-host, --peer-port, default client port + 1000), where nodes prove --cluster-secret',
    'to each other before anything else is read. Threat model and cross-machine setup: docs/security.md.',
    '',
    'Flags (each also read from the environment variable shown):',
  ];
  for (const f of FLAGS) {
    const left = `  --${f.name} ${f.arg}`.padEnd(34);
    lines.push(`${left}${f.help}${f.def ? ` [${f.def}]` : ''}  (${f.env})`);
  }
  lines.push('  --help                          this text', '');
  return lines.join('\n');
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

/** Build the configuration from argv (without the node and script names) and the environment. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): RelayConfig {
  const args = parseArgs(argv, new Set(FLAGS.map((f) => f.name)));
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
    clusterSecret,
    peerHost,
    peerPort,
    writeTimeoutMs: int('write-timeout', need('write-timeout'), 1),
    tlsCertFile,
    tlsKeyFile,
    peerTlsCaFile,
  };
}
