/**
 * The relay's flags: every CLI flag with its environment variable, default and help text, in one
 * table that `loadConfig` (in `config.ts`) parses and `--help` prints.
 */
import { CLIENT_LIMIT_FLAGS } from './admission-config.js';

/** One flag of the table. */
export interface Flag {
  readonly name: string;
  readonly env: string;
  readonly arg: string;
  readonly def: string | null;
  readonly help: string;
}

/** Every flag of `accord-relay`, in `--help` order. */
export const FLAGS: readonly Flag[] = [
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
  {
    name: 'lease-ms',
    env: 'ACCORD_LEASE_MS',
    arg: 'MS',
    def: null,
    help: 'cluster: register read leases: how long a follower promises its leader not to vote or stand (the leader reads locally for MS * 0.99 - 10 of it; see docs/consistency.md); 0: off (every read takes a majority round); default: half the minimum election timeout, at least 2 heartbeats',
  },
  {
    name: 'election',
    env: 'ACCORD_ELECTION',
    arg: 'ALGO',
    def: 'bully',
    help: 'cluster: leader election algorithm: bully, candidates, invitation or ring (every node must run the same)',
  },
  {
    name: 'candidates',
    env: 'ACCORD_CANDIDATES',
    arg: 'IDS',
    def: null,
    help: 'cluster, with --election candidates: the node ids that may lead, e.g. 1,2,3 (default: every node)',
  },
  {
    name: 'witness',
    env: 'ACCORD_WITNESS',
    arg: '[IDS]',
    def: null,
    help: 'cluster: witness replicas (vote, count toward W, keep no documents, never lead, serve no clients). Alone: this node is one; IDS (e.g. 3): the witness nodes, given to every node',
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
