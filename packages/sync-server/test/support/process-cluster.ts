/**
 * A cluster of real `accord-relay` processes on loopback (each a `RelayProcess` of
 * `src/testing`): fixed client ports (peer links on client port + 1000, the CLI default), one
 * data directory per node, restartable after kill -9.
 */

import { freePorts, RelayProcess, waitFor } from '../../src/testing/index.js';
import { CLUSTER_SECRET } from './in-process.js';

import { tempDir } from './tmp.js';

/** The part of a node's `/healthz` the tests read. */
export interface NodeHealth {
  ok: boolean;
  /** Whether the node is a witness replica (`--witness`). */
  witness?: boolean;
  cluster: { leaderId: number | null; term: number };
  /** The replicator's fields; a witness adds what it still holds. */
  replication?: { heldUpdates?: number; heldBytes?: number; witness?: boolean };
}

/** A cluster of relay processes with ids 1..n. */
export class ProcessCluster {
  readonly procs = new Map<number, RelayProcess>();
  private readonly dirs = new Map<number, string>();

  private constructor(
    readonly ports: readonly number[],
    private readonly extraArgs: readonly string[],
  ) {}

  /** Start `n` nodes with `extraArgs` (e.g. `--auth-secret S`). */
  static async start(n: number, extraArgs: readonly string[]): Promise<ProcessCluster> {
    const c = new ProcessCluster(await freePorts(n, { withPeer: true }), extraArgs);
    await Promise.all(c.ports.map((_, i) => c.startNode(i + 1)));
    return c;
  }

  /** Client URL of node `id`. */
  url(id: number): string {
    return `ws://127.0.0.1:${this.ports[id - 1]}/`;
  }

  /** (Re)start node `id` on its port and data directory. */
  async startNode(id: number): Promise<RelayProcess> {
    const dir = this.dirs.get(id) ?? tempDir();
    this.dirs.set(id, dir);
    const peers = this.ports
      .map((p, i) => ({ id: i + 1, p }))
      .filter((x) => x.id !== id)
      .map((x) => `${x.id}@127.0.0.1:${x.p}`)
      .join(',');
    const proc = await RelayProcess.start({
      port: this.ports[id - 1] as number,
      dataDir: dir,
      args: ['--id', String(id), '--peers', peers, '--cluster-secret', CLUSTER_SECRET, ...this.extraArgs],
    });
    this.procs.set(id, proc);
    return proc;
  }

  /** `/healthz` of node `id`: its view of the cluster. */
  async health(id: number): Promise<NodeHealth> {
    const res = await fetch(`http://127.0.0.1:${this.ports[id - 1]}/healthz`);
    return (await res.json()) as NodeHealth;
  }

  /** Wait until every running node names the same leader; resolves with its id. */
  async agreedLeader(timeoutMs = 15_000): Promise<number> {
    let leader = 0;
    await waitFor(
      'every node to name the same leader',
      async () => {
        const hs = await Promise.all([...this.procs.keys()].map((id) => this.health(id)));
        const l = hs[0]?.cluster.leaderId;
        if (l == null || !hs.every((h) => h.cluster.leaderId === l)) return false;
        leader = l;
        return true;
      },
      { timeoutMs, intervalMs: 20 },
    );
    return leader;
  }

  /** kill -9 node `id` and wait for it to exit. */
  async kill(id: number): Promise<void> {
    const p = this.procs.get(id);
    if (p === undefined) return;
    await p.kill('SIGKILL');
    this.procs.delete(id);
  }

  /** Send `signal` to node `id` (e.g. SIGSTOP / SIGCONT to freeze and resume it). */
  signal(id: number, signal: NodeJS.Signals): void {
    this.procs.get(id)?.signal(signal);
  }

  /** Stop every node (SIGKILL: the tests do not need a graceful stop). */
  async stop(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((id) => this.kill(id)));
  }
}
