/** One relay node of a launched cluster. */
export interface RelayNode {
  /** Rank, 1..N. */
  readonly id: number;
  readonly port: number;
  /** WebSocket URL for clients, e.g. `ws://127.0.0.1:4001`. */
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
}

/** A running cluster of real `accord-relay` processes. */
export interface RelayCluster {
  /** Nodes as last launched (a restarted node has a new pid). */
  nodes(): RelayNode[];
  /** Client URLs, node 1 first. */
  readonly urls: string[];
  /** Send a signal (default SIGKILL) to one node; resolves when it has exited. */
  kill(id: number, signal?: NodeJS.Signals): Promise<void>;
  /** Stop (if running) and start one node again with the same port and data. */
  restart(id: number): Promise<void>;
  isRunning(id: number): boolean;
  /** The last lines the node printed (for failure messages). */
  logTail(id: number): string;
  /** SIGTERM every node, SIGKILL after `graceMs`; resolves when all have exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Relay flags every node gets before `extraArgs`: snapshots every 50 updates and after 2 s idle. */
export const DEMO_RELAY_ARGS: readonly string[];

/** Ask the OS for `count` distinct free TCP ports. */
export function freePorts(count: number, host?: string): Promise<number[]>;

/**
 * Start nodes 1..N on `ports` (node i on `ports[i-1]`, the others as `--peers id@host:port`),
 * data under `dataRoot/node-i`, logs under `logDir` (default `dataRoot/logs`), and wait until each
 * answers HTTP on its port. With `peerPorts`, node i listens for peer links on `peerPorts[i-1]`
 * (`ACCORD_PEER_PORT`) and dials the others there (`ACCORD_PEER_LINKS`). Rejects, with the node's last output, if one exits or stays silent;
 * rejects with a clear message when `relayMain` does not exist.
 */
export function startCluster(options: {
  relayMain: string;
  ports: number[];
  dataRoot: string;
  host?: string;
  logDir?: string;
  extraArgs?: string[];
  readyTimeoutMs?: number;
  echo?: boolean;
  /** Peer-link port of each node (default: the relay's own choice, client port + 1000). */
  peerPorts?: number[];
}): Promise<RelayCluster>;
