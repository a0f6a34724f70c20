import { describe, expect, it } from 'vitest';
import { ConfigError, helpText, loadConfig, parsePeers } from '../src/config.js';

const base = ['--auth-secret', 'a-long-enough-secret-123'];

describe('relay configuration', () => {
  it('has safe defaults', () => {
    const c = loadConfig(base, {});
    expect(c).toMatchObject({
      id: 1,
      host: '127.0.0.1',
      port: 4001,
      maxPayload: 1024 * 1024,
      sync: 'full',
      peers: [],
      allowedOrigins: null,
      electionTimeoutMs: [300, 600],
      heartbeatMs: 50,
      writeQuorum: null,
      clusterSecret: null,
      peerHost: '127.0.0.1',
      peerPort: 5001,
      writeTimeoutMs: 5000,
      tlsCertFile: null,
    });
    expect(loadConfig([...base, '--port', '0'], {}).peerPort).toBe(0);
    expect(loadConfig([...base, '--peer-port', '7000'], {}).peerPort).toBe(7000);
  });

  it('reads --lease-ms (register read leases): default null (the election decides), 0 off', () => {
    expect(loadConfig(base, {}).leasePromiseMs).toBeNull();
    expect(loadConfig([...base, '--lease-ms', '0'], {}).leasePromiseMs).toBe(0);
    expect(loadConfig([...base, '--lease-ms', '200'], {}).leasePromiseMs).toBe(200);
    expect(loadConfig(base, { ACCORD_LEASE_MS: '120' }).leasePromiseMs).toBe(120);
  });

  it('reads the election algorithm and its candidates (bully and every node by default)', () => {
    expect(loadConfig(base, {})).toMatchObject({ election: 'bully', candidates: null });
    const peers = [
      '--peers',
      '2@127.0.0.1:4002,3@127.0.0.1:4003',
      '--cluster-secret',
      'long-enough-cluster-secret',
    ];
    for (const election of ['ring', 'invitation', 'candidates', 'bully']) {
      expect(loadConfig([...base, ...peers, '--election', election], {}).election).toBe(election);
    }
    const c = loadConfig([...base, ...peers, '--election', 'candidates', '--candidates', '3,1'], {});
    expect(c).toMatchObject({ election: 'candidates', candidates: [3, 1] });
    const env = { ACCORD_ELECTION: 'candidates', ACCORD_CANDIDATES: '2' };
    expect(loadConfig([...base, ...peers], env)).toMatchObject({ election: 'candidates', candidates: [2] });
  });

  it('reads the snapshot triggers (idle trigger off by default, last flag wins)', () => {
    expect(loadConfig(base, {})).toMatchObject({ snapshotEvery: 1000, snapshotIdleMs: 0 });
    expect(loadConfig([...base, '--snapshot-idle', '2000'], {}).snapshotIdleMs).toBe(2000);
    expect(loadConfig(base, { ACCORD_SNAPSHOT_IDLE: '500' }).snapshotIdleMs).toBe(500);
    expect(loadConfig([...base, '--snapshot-every', '50', '--snapshot-every', '7'], {}).snapshotEvery).toBe(
      7,
    );
    expect(() => loadConfig([...base, '--snapshot-idle', '-1'], {})).toThrow(ConfigError);
  });

  it('reads every flag from the environment, and flags win over the environment', () => {
    const env = {
      ACCORD_ID: '2',
      ACCORD_PORT: '4002',
      ACCORD_DATA: '/tmp/x',
      ACCORD_PEERS: '1@127.0.0.1:4001,3@127.0.0.1:4003',
      ACCORD_AUTH: 'none',
      ACCORD_ALLOWED_ORIGINS: 'https://a.example, http://localhost:*',
      ACCORD_SYNC: 'normal',
      ACCORD_WRITE_QUORUM: '2',
      ACCORD_CLUSTER_SECRET: 'from-the-environment-0123',
      ACCORD_PEER_HOST: '127.0.0.2',
    };
    const c = loadConfig(['--port=5000'], env);
    expect(c).toMatchObject({
      id: 2,
      port: 5000,
      dataDir: '/tmp/x',
      authSecret: null,
      allowedOrigins: ['https://a.example', 'http://localhost:*'],
      sync: 'normal',
      writeQuorum: 2,
      clusterSecret: 'from-the-environment-0123',
      peerHost: '127.0.0.2',
      peerPort: 6000,
      peers: [
        { id: 1, host: '127.0.0.1', port: 4001 },
        { id: 3, host: '127.0.0.1', port: 4003 },
      ],
    });
  });

  it('has safe admission, shared-rate and presence defaults, each from its flag or environment variable', () => {
    expect(loadConfig(base, {})).toMatchObject({
      maxConnections: 10_000,
      maxPending: 10_000,
      maxPendingPerAddress: 64,
      unlimitedAddresses: ['127.0.0.1', '::1'],
      handshakeTimeoutMs: 3000,
      joinTimeoutMs: 10_000,
      rateLimitAddress: 5000,
      rateBytesAddress: 32 * 1024 * 1024,
      rateLimitToken: 2000,
      rateBytesToken: 16 * 1024 * 1024,
      presenceMaxBytes: 8192,
      presenceRoomBytes: 1024 * 1024,
      presenceIntervalMs: 50,
    });
    const env = {
      ACCORD_MAX_PENDING: '100',
      ACCORD_MAX_PENDING_PER_ADDRESS: '0',
      ACCORD_UNLIMITED_ADDRESSES: '',
      ACCORD_JOIN_TIMEOUT: '2000',
      ACCORD_RATE_LIMIT_ADDRESS: '7',
      ACCORD_RATE_BYTES_ADDRESS: '8',
      ACCORD_RATE_LIMIT_TOKEN: '9',
      ACCORD_RATE_BYTES_TOKEN: '0',
      ACCORD_PRESENCE_MAX_BYTES: '1024',
      ACCORD_PRESENCE_ROOM_BYTES: '4096',
      ACCORD_PRESENCE_INTERVAL: '0',
    };
    expect(loadConfig([...base, '--presence-interval', '100'], env)).toMatchObject({
      maxPending: 100,
      maxPendingPerAddress: 0,
      unlimitedAddresses: [],
      joinTimeoutMs: 2000,
      rateLimitAddress: 7,
      rateBytesAddress: 8,
      rateLimitToken: 9,
      rateBytesToken: 0,
      presenceMaxBytes: 1024,
      presenceRoomBytes: 4096,
      presenceIntervalMs: 100,
    });
    const help = helpText();
    for (const [flag, envName] of Object.entries({
      '--max-pending ': 'ACCORD_MAX_PENDING)',
      '--max-pending-per-address': 'ACCORD_MAX_PENDING_PER_ADDRESS',
      '--unlimited-addresses': 'ACCORD_UNLIMITED_ADDRESSES',
      '--join-timeout': 'ACCORD_JOIN_TIMEOUT',
      '--rate-limit-address': 'ACCORD_RATE_LIMIT_ADDRESS',
      '--rate-bytes-address': 'ACCORD_RATE_BYTES_ADDRESS',
      '--rate-limit-token': 'ACCORD_RATE_LIMIT_TOKEN',
      '--rate-bytes-token': 'ACCORD_RATE_BYTES_TOKEN',
      '--presence-max-bytes': 'ACCORD_PRESENCE_MAX_BYTES',
      '--presence-room-bytes': 'ACCORD_PRESENCE_ROOM_BYTES',
      '--presence-interval': 'ACCORD_PRESENCE_INTERVAL',
    })) {
      const line = help.split('\n').find((l) => l.includes(flag));
      expect(line, flag).toContain(envName);
    }
  });

  it.each([
    [[], /no auth configured/],
    [['--auth', 'none', ...base], /not both/],
    [['--auth', 'maybe'], /only "none"/],
    [['--auth-secret', 'short'], /16 characters/],
    [[...base, '--port', 'abc'], /integer/],
    [[...base, '--bogus', '1'], /unknown flag --bogus/],
    [[...base, '--port'], /needs a value/],
    [[...base, '--port', '--sync', 'full'], /needs a value/],
    [[...base, '--port', '-1'], /integer/], // a one-dash value is a value, not a flag
    [[...base, '--sync', 'off'], /full or normal/],
    [[...base, '--peers', '1@h:1'], /own id/],
    [[...base, '--peers', '2@h:1,2@h:2'], /duplicate/],
    [[...base, '--peers', 'h:1'], /id@host:port/],
    [[...base, '--election-timeout', '600-300'], /MAX must exceed MIN/],
    [[...base, '--lease-ms', '-5'], /--lease-ms must be an integer/],
    [[...base, '--lease-ms', '1.5'], /--lease-ms must be an integer/],
    [
      [...base, '--lease-ms', '10'],
      /--lease-ms must be 0 \(off\) or between 11 and the minimum election timeout \(300\)/,
    ],
    [[...base, '--lease-ms', '301'], /--lease-ms must be 0/],
    [[...base, '--election', 'paxos'], /--election must be one of bully, candidates, invitation, ring/],
    [[...base, '--election', ''], /--election must be one of/],
    [[...base, '--candidates', '1'], /--candidates needs --election candidates/],
    [[...base, '--election', 'candidates', '--candidates', '1,7'], /names 7, which is not a member/],
    [[...base, '--election', 'candidates', '--candidates', '1,1'], /duplicate/],
    [[...base, '--election', 'candidates', '--candidates', '1,x'], /--candidates must be an integer/],
    [[...base, '--peers', '2@127.0.0.1:4002'], /needs --cluster-secret/],
    [[...base, '--peers', '2@127.0.0.1:4002', '--cluster-secret', 'short'], /16 characters/],
    [
      [...base, '--peers', '2@10.0.0.2:4002', '--cluster-secret', 'long-enough-cluster-secret'],
      /set --peer-host/,
    ],
    [[...base, '--port', '65000'], /above 65535/],
    [[...base, '--tls-cert', 'c.pem'], /go together/],
    [[...base, '--peer-tls-ca', 'ca.pem'], /needs --tls-cert/],
    [[...base, 'stray'], /unexpected argument/],
    [[...base, '--max-pending', '0'], /--max-pending must be >= 1/],
    [[...base, '--presence-room-bytes', '100'], /at least --presence-max-bytes/],
    [[...base, '--unlimited-addresses', '10.0.0.1,proxy'], /"proxy" is not an IP address/],
  ])('refuses %j', (argv, message) => {
    expect(() => loadConfig(argv as string[], {})).toThrow(ConfigError);
    expect(() => loadConfig(argv as string[], {})).toThrow(message);
  });

  it('parses IPv6 peers and documents every flag with its environment variable', () => {
    expect(parsePeers('4@[::1]:4004')).toEqual([{ id: 4, host: '[::1]', port: 4004 }]);
    const help = helpText();
    for (const flag of [
      '--id',
      '--port',
      '--host',
      '--data',
      '--peers',
      '--auth-secret',
      '--auth',
      '--allowed-origins',
      '--max-payload',
      '--rate-limit',
      '--cluster-secret',
      '--peer-host',
      '--peer-port',
      '--tls-cert',
      '--tls-key',
      '--peer-tls-ca',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('ACCORD_AUTH_SECRET');
    expect(help).toContain('ACCORD_CLUSTER_SECRET');
  });
});
