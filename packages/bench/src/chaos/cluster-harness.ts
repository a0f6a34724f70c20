/**
 * Real relay node processes on loopback with every peer link behind a {@link ProxyMesh}: start,
 * kill -9, restart (same data directory), SIGSTOP/SIGCONT, and read each node's own log of
 * elections and its `/healthz`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  LeaderEvent,
  SnapshotAcceptedEvent,
  SnapshotCommittedEvent,
  SnapshotConfirmedEvent,
} from './events.js';
import { stablePort } from './ports.js';
import { ProxyMesh } from './proxy-mesh.js';

const NODE_MAIN = fileURLToPath(new URL('./cluster-node.js', import.meta.url));

interface NodeProc {
  id: number;
  clientPort: number;
  peerPort: number;
  proc: ChildProcess | null;
  stopped: boolean;
}

/** What `/healthz` says about the cluster, as far as the harness needs it. */
export interface NodeHealth {
  id: number;
  leaderId: number | null;
  term: number;
  role: string;
}

/** A cluster of node processes behind chaos proxies. */
/** When set, every node's log lines are appended to `<dir>/<schedule data dir>-node-<id>.log` (to study a failure). */
const LOG_DIR = process.env.CHAOS_LOG_DIR;

export class ClusterHarness {
  readonly leaders: LeaderEvent[] = [];
  /** Every election event any node logged (node, wall time, event), for traces of slow failovers. */
  readonly electionLog: { node: number; at: number; event: Record<string, unknown> }[] = [];
  readonly snapshotsAccepted: SnapshotAcceptedEvent[] = [];
  /** Retransmitted announcements answered "stored" again (see {@link SnapshotConfirmedEvent}). */
  readonly snapshotsConfirmed: SnapshotConfirmedEvent[] = [];
  readonly snapshotsCommitted: SnapshotCommittedEvent[] = [];
  /** Updates per document between ordered snapshots (`--snapshot-every`). */
  snapshotEvery = 50;
  readonly mesh: ProxyMesh;
  private readonly nodes: Map<number, NodeProc>;
  private readonly dataDir: string;
  /** The secret the nodes prove to each other, new for every harness. */
  private readonly clusterSecret = randomBytes(24).toString('base64url');

  /** Relay flags every node gets (e.g. `--election ring`). */
  private readonly extraArgs: readonly string[];
  /** Witness replicas (`--witness`): they vote and count toward W but serve no client. */
  readonly witnesses: readonly number[];

  private constructor(
    nodes: Map<number, NodeProc>,
    mesh: ProxyMesh,
    dataDir: string,
    extraArgs: readonly string[],
    witnesses: readonly number[],
  ) {
    this.witnesses = witnesses;
    this.nodes = nodes;
    this.mesh = mesh;
    this.dataDir = dataDir;
    this.extraArgs = extraArgs;
  }

  /**
   * Allocate ports, start the proxies and `n` node processes (each also given `extraArgs`, e.g.
   * `--election ring`); resolves once all listen. The nodes in `witnesses` run as witness
   * replicas (every node is told which they are).
   */
  static async start(
    n: number,
    dataDir: string,
    extraArgs: readonly string[] = [],
    witnesses: readonly number[] = [],
  ): Promise<ClusterHarness> {
    const nodes = new Map<number, NodeProc>();
    for (let id = 1; id <= n; id++) {
      nodes.set(id, {
        id,
        clientPort: await stablePort(),
        peerPort: await stablePort(),
        proc: null,
        stopped: false,
      });
    }
    const mesh = await ProxyMesh.start(new Map([...nodes.values()].map((x) => [x.id, x.peerPort])));
    const h = new ClusterHarness(nodes, mesh, dataDir, extraArgs, witnesses);
    await Promise.all([...nodes.keys()].map((id) => h.startNode(id)));
    return h;
  }

  /** Node ids. */
  get ids(): number[] {
    return [...this.nodes.keys()];
  }

  /** Ids of the nodes that keep documents and serve clients (every node but the witnesses). */
  get fullIds(): number[] {
    return this.ids.filter((id) => !this.witnesses.includes(id));
  }

  /** The data directory of a node. */
  dataDirOf(id: number): string {
    return join(this.dataDir, `node-${id}`);
  }

  /** The client WebSocket URL of a node. */
  url(id: number): string {
    return `ws://127.0.0.1:${this.node(id).clientPort}/`;
  }

  /** Whether the node process runs (and is not stopped). */
  isUp(id: number): boolean {
    const x = this.node(id);
    return x.proc !== null && !x.stopped;
  }

  /** Start (or restart) a node on its ports and data directory; resolves once it listens. */
  async startNode(id: number): Promise<void> {
    const x = this.node(id);
    if (x.proc !== null) return;
    const dir = join(this.dataDir, `node-${id}`);
    mkdirSync(dir, { recursive: true });
    const peers = this.ids
      .filter((p) => p !== id)
      .map((p) => `${p}@127.0.0.1:${this.node(p).clientPort}`)
      .join(',');
    const proc = spawn(
      process.execPath,
      [
        NODE_MAIN,
        '--id',
        String(id),
        '--port',
        String(x.clientPort),
        '--data',
        dir,
        '--auth',
        'none',
        '--snapshot-every',
        String(this.snapshotEvery),
        ...this.extraArgs,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ACCORD_PEERS: peers,
          ACCORD_CLUSTER_SECRET: this.clusterSecret,
          ACCORD_LOG_LEVEL: 'info',
          ACCORD_PEER_PORT: String(x.peerPort),
          ACCORD_PEER_LINKS: this.mesh.peersFlag(id),
          ...(this.witnesses.length > 0 ? { ACCORD_WITNESS: this.witnesses.join(',') } : {}),
        },
      },
    );
    x.proc = proc;
    x.stopped = false;
    proc.on('exit', (code, signal) => {
      if (x.proc === proc) x.proc = null;
      if (LOG_DIR !== undefined)
        appendFileSync(
          join(LOG_DIR, `${basename(this.dataDir)}-node-${id}.log`),
          `${JSON.stringify({ msg: 'chaos-node-exit', at: Date.now(), code, signal })}\n`,
        );
    });
    if (LOG_DIR !== undefined)
      proc.stderr?.on('data', (d: Buffer) =>
        appendFileSync(join(LOG_DIR, `${basename(this.dataDir)}-node-${id}.stderr`), d),
      );
    let buf = '';
    const ready = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`node ${id} did not start`)), 15_000);
      proc.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.includes('chaos-node-ready')) {
            clearTimeout(t);
            resolve();
          }
          this.readLog(id, line);
          if (LOG_DIR !== undefined) {
            appendFileSync(join(LOG_DIR, `${basename(this.dataDir)}-node-${id}.log`), `${line}\n`);
          }
          nl = buf.indexOf('\n');
        }
      });
      let stderr = '';
      proc.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      proc.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`node ${id} exited with ${code} while starting: ${stderr}${buf.slice(-1000)}`));
      });
    });
    await ready;
  }

  /** kill -9. Resolves once the process is gone. */
  async kill(id: number): Promise<void> {
    const x = this.node(id);
    const p = x.proc;
    if (p === null) return;
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGKILL');
    await gone;
    x.stopped = false;
  }

  /** SIGSTOP (the process freezes: no heartbeats, no acks). */
  pause(id: number): void {
    const x = this.node(id);
    if (x.proc === null || x.stopped) return;
    x.proc.kill('SIGSTOP');
    x.stopped = true;
  }

  /** SIGCONT. */
  resume(id: number): void {
    const x = this.node(id);
    if (x.proc === null || !x.stopped) return;
    x.proc.kill('SIGCONT');
    x.stopped = false;
  }

  /** `/healthz` of a running node, or null when it does not answer within `ms`. */
  async health(id: number, ms = 300): Promise<NodeHealth | null> {
    if (!this.isUp(id)) return null;
    try {
      const res = await fetch(`http://127.0.0.1:${this.node(id).clientPort}/healthz`, {
        signal: AbortSignal.timeout(ms),
      });
      const body = (await res.json()) as {
        cluster?: { leaderId: number | null; term: number };
        replication?: { role?: string };
      };
      return {
        id,
        leaderId: body.cluster?.leaderId ?? null,
        term: body.cluster?.term ?? 0,
        role: body.replication?.role ?? 'unknown',
      };
    } catch {
      return null;
    }
  }

  /** The leader a majority of all nodes currently reports, with its term; null when none. */
  async majorityLeader(): Promise<{ leader: number; term: number } | null> {
    const hs = (await Promise.all(this.ids.map((id) => this.health(id)))).filter((h) => h !== null);
    const majority = Math.floor(this.nodes.size / 2) + 1;
    for (const h of hs) {
      if (h.role !== 'leader') continue;
      const followers = hs.filter((o) => o.leaderId === h.id && o.term === h.term).length;
      if (followers >= majority) return { leader: h.id, term: h.term };
    }
    return null;
  }

  /** SIGCONT and kill every node, close the proxies. */
  async close(): Promise<void> {
    for (const id of this.ids) {
      this.resume(id);
      await this.kill(id);
    }
    await this.mesh.close();
  }

  private node(id: number): NodeProc {
    const x = this.nodes.get(id);
    if (x === undefined) throw new RangeError(`no node ${id}`);
    return x;
  }

  private readLog(id: number, line: string): void {
    if (!line.includes('"election"') && !line.includes('"snapshot-')) return;
    try {
      const rec = JSON.parse(line) as {
        time?: number;
        election?: { type?: string; term?: number };
        snapshot?: {
          type?: string;
          docId: string;
          term: number;
          seq: number;
          promisedTerm?: number;
          ackers?: number[];
        };
      };
      const at = rec.time ?? Date.now();
      if (rec.election !== undefined) this.electionLog.push({ node: id, at, event: rec.election });
      if (rec.election?.type === 'became-leader' && typeof rec.election.term === 'number') {
        this.leaders.push({ kind: 'leader', node: id, term: rec.election.term, at });
      }
      const sn = rec.snapshot;
      if (sn?.type === 'snapshot-accepted') {
        this.snapshotsAccepted.push({
          kind: 'snapshot-accepted',
          node: id,
          docId: sn.docId,
          term: sn.term,
          seq: sn.seq,
          promisedTerm: sn.promisedTerm ?? 0,
          at,
        });
      } else if (sn?.type === 'snapshot-confirmed') {
        this.snapshotsConfirmed.push({
          kind: 'snapshot-confirmed',
          node: id,
          docId: sn.docId,
          term: sn.term,
          seq: sn.seq,
          at,
        });
      } else if (sn?.type === 'snapshot-committed') {
        this.snapshotsCommitted.push({
          kind: 'snapshot-committed',
          node: id,
          docId: sn.docId,
          term: sn.term,
          seq: sn.seq,
          ackers: sn.ackers ?? [],
          at,
        });
      }
    } catch {
      // not a JSON log line
    }
  }
}
