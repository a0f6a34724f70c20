/**
 * One {@link ChaosProxy} per directed peer link of an N-node cluster: node `a` reaches node `b`
 * through `proxy(a, b)`, so the harness can cut any link in one direction, partition the cluster
 * into sets, isolate a node, or slow links down.
 */
import { ChaosProxy, type LinkMode } from './proxy.js';

/** The proxies of a cluster's peer links. */
export class ProxyMesh {
  private readonly proxies = new Map<string, ChaosProxy>();
  private readonly nodes: number[];

  private constructor(nodes: number[]) {
    this.nodes = nodes;
  }

  /**
   * Start a proxy for every ordered pair of distinct nodes. `peerPorts` maps each node id to the
   * real port it accepts peer connections on.
   */
  static async start(peerPorts: ReadonlyMap<number, number>): Promise<ProxyMesh> {
    const mesh = new ProxyMesh([...peerPorts.keys()]);
    for (const a of mesh.nodes) {
      for (const b of mesh.nodes) {
        if (a === b) continue;
        const proxy = await ChaosProxy.start({ targetPort: peerPorts.get(b)! });
        mesh.proxies.set(`${a}>${b}`, proxy);
      }
    }
    return mesh;
  }

  /** The proxy node `from` dials to reach `to`. Throws `RangeError` for an unknown pair. */
  proxy(from: number, to: number): ChaosProxy {
    const p = this.proxies.get(`${from}>${to}`);
    if (p === undefined) throw new RangeError(`no link ${from} -> ${to}`);
    return p;
  }

  /** The `--peers` value for node `id`: every other node at its proxy's port. */
  peersFlag(id: number): string {
    return this.nodes
      .filter((n) => n !== id)
      .map((n) => `${n}@127.0.0.1:${this.proxy(id, n).port}`)
      .join(',');
  }

  /** Set one directed link's mode. */
  setLink(from: number, to: number, mode: LinkMode): void {
    this.proxy(from, to).setMode(mode);
  }

  /**
   * Partition into `groups` (nodes not listed form one more group): links inside a group pass,
   * links between groups get `mode` (default `blackhole`, a silent partition).
   */
  partition(groups: number[][], mode: Exclude<LinkMode, 'pass'> = 'blackhole'): void {
    const side = new Map<number, number>();
    groups.forEach((g, i) => {
      for (const n of g) side.set(n, i);
    });
    for (const a of this.nodes) {
      for (const b of this.nodes) {
        if (a === b) continue;
        const same = (side.get(a) ?? -1) === (side.get(b) ?? -1);
        this.proxy(a, b).setMode(same ? 'pass' : mode);
      }
    }
  }

  /** Cut `id` off from every other node, both directions. */
  isolate(id: number, mode: Exclude<LinkMode, 'pass'> = 'blackhole'): void {
    this.partition([[id]], mode);
  }

  /** Every link back to `pass` (held connections reset so they reconnect). */
  heal(): void {
    for (const p of this.proxies.values()) p.setMode('pass');
  }

  /** Delay every link. */
  setDelay(ms: number, jitterMs = 0, random: () => number = Math.random): void {
    for (const p of this.proxies.values()) p.setDelay(ms, jitterMs, random);
  }

  /** Close every proxy. */
  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
  }
}
