#!/usr/bin/env node
/**
 * `accord-relay` (also `pnpm relay`): start a relay node, `accord-relay cluster --nodes N` to start
 * a local cluster of N, or `accord-relay token …` to mint a development token. Flags and environment variables: `accord-relay --help`.
 */
import { fileURLToPath } from 'node:url';
import { mintToken } from './auth/tokens.js';
import { clusterReplicatorFromConfig } from './cluster/from-config.js';
import { clusterCommand } from './cluster-command.js';
import { ConfigError, helpText, loadConfig, parseArgs } from './config.js';
import { startRelayNode } from './node.js';
import { coreEngine } from './relay/core-engine.js';
import { applyRelayV8Flags } from './v8-flags.js';

async function tokenCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['doc', 'scope', 'ttl', 'auth-secret']));
  const secret = args.get('auth-secret') ?? process.env.ACCORD_AUTH_SECRET;
  const docId = args.get('doc');
  const scope = args.get('scope') ?? 'write';
  if (!secret || !docId)
    throw new ConfigError('token needs --doc ID and --auth-secret S (or ACCORD_AUTH_SECRET)');
  if (scope !== 'read' && scope !== 'write') throw new ConfigError('--scope must be read or write');
  const ttl = Number(args.get('ttl') ?? '3600');
  if (!Number.isSafeInteger(ttl)) throw new ConfigError('--ttl must be an integer number of seconds');
  process.stdout.write(`${await mintToken(secret, { docId, scope, ttlSeconds: ttl })}\n`);
  return 0;
}

async function serve(argv: readonly string[]): Promise<void> {
  applyRelayV8Flags();
  const config = loadConfig(argv, process.env);
  // With --peers the cluster layer replicates (write/read quorums, election); alone, a cluster of one.
  const node = await startRelayNode(config, {
    engine: coreEngine,
    ...(config.peers.length > 0 ? { replicator: (c: typeof config) => clusterReplicatorFromConfig(c) } : {}),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      node.logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    node.logger.info({ signal }, 'shutting down');
    node.close().then(
      () => process.exit(0),
      (e: unknown) => {
        node.logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** One line saying why the node could not start (the stack only with `ACCORD_DEBUG=1`). */
function startupFailure(e: unknown): string {
  const err = e as { code?: unknown; address?: unknown; port?: unknown; message?: unknown };
  const where =
    typeof err.port === 'number' ? `${typeof err.address === 'string' ? err.address : ''}:${err.port}` : '';
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where || 'its port'}: the address is already in use (another relay running? choose --port / --peer-port)`;
    case 'EACCES':
      return `cannot listen on ${where || 'its port'}: permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where || 'its address'}: no such local address (check --host / --peer-host)`;
    default:
      return `failed to start: ${typeof err.message === 'string' ? err.message : String(e)}`;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(helpText());
      return;
    }
    if (argv[0] === 'cluster') {
      process.exitCode = await clusterCommand(argv.slice(1), fileURLToPath(import.meta.url));
      return;
    }
    if (argv[0] === 'token') {
      process.exitCode = await tokenCommand(argv.slice(1));
      return;
    }
    await serve(argv);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof RangeError) {
      process.stderr.write(`accord-relay: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`accord-relay: ${startupFailure(e)}\n`);
    if (process.env.ACCORD_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  }
}

await main(process.argv.slice(2));
