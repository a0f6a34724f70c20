/** Start relay nodes inside the test process (real sockets, real SQLite), with the G-Set engine. */
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { type RelayNode, type StartOptions, startRelayNode } from '../../src/node.js';
import { gsetEngine } from './gset-engine.js';
import { tempDir } from './tmp.js';

/** A test secret (tokens minted with it verify on nodes started here). */
export const SECRET = 'test-secret-0123456789abcdef';
/** The cluster secret of in-process and process test clusters. */
export const CLUSTER_SECRET = 'test-cluster-secret-0123456789';

/** Start a node on a free port; `args` are CLI flags overriding the test defaults. */
export async function startNode(
  args: string[] = [],
  options: Partial<StartOptions> = {},
): Promise<RelayNode> {
  const hasAuth = args.includes('--auth') || args.includes('--auth-secret');
  const hasData = args.includes('--data');
  const config = loadConfig(
    [
      '--port',
      '0',
      ...(hasData ? [] : ['--data', tempDir()]),
      ...(hasAuth ? [] : ['--auth-secret', SECRET]),
      '--log-level',
      'silent',
      ...args,
    ],
    {},
  );
  return startRelayNode(config, {
    engine: gsetEngine,
    defaultMetrics: false,
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

/** The WebSocket URL of a node. */
export const urlOf = (node: RelayNode) => `ws://127.0.0.1:${node.port}/`;
