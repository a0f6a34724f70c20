/**
 * Real relay processes behind the chaos harness's loopback proxies (partitions through
 * `cluster.mesh`), with providers joined to one node each: the setup the partition tests share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebsocketProvider } from '@accord/client';
import { Doc } from '@accord/core';
import type { WriteConcern } from '@accord/core/protocol';
import WebSocket from 'ws';
import type { ClusterHarness } from '../../src/chaos/cluster-harness.js';
import { ensureBenchBuilt } from './built.js';
import { until } from './run-node.js';

/** A started cluster, the providers joined to it, and its data directory. */
export class ClusterProviders {
  private readonly providers: WebsocketProvider[] = [];

  private constructor(
    readonly cluster: ClusterHarness,
    private readonly dir: string,
    private readonly docId: string,
  ) {}

  /** Three nodes with data in a fresh temporary directory named after `prefix`. */
  static async start(prefix: string, docId: string): Promise<ClusterProviders> {
    // The harness spawns its node wrapper from dist (the sources are TypeScript).
    const built = ensureBenchBuilt('chaos/cluster-harness.js');
    const harness = (await import(built)) as typeof import('../../src/chaos/cluster-harness.js');
    const dir = mkdtempSync(join(tmpdir(), prefix));
    return new ClusterProviders(await harness.ClusterHarness.start(3, dir), dir, docId);
  }

  /** A provider on node `id` only, synced; resolves with it and its document. */
  async join(
    id: number,
    opts: { w?: WriteConcern; session?: Uint8Array } = {},
  ): Promise<{ doc: Doc; provider: WebsocketProvider }> {
    const doc = new Doc();
    const provider = new WebsocketProvider(doc, [this.cluster.url(id)], {
      docId: this.docId,
      WebSocket: WebSocket as never,
      ...opts,
    });
    this.providers.push(provider);
    await until(`sync on node ${id}`, 10_000, () => provider.status === 'synced');
    return { doc, provider };
  }

  /** Destroy every provider, stop the nodes, remove the data. */
  async close(): Promise<void> {
    for (const p of this.providers) p.destroy();
    await this.cluster.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The sorted keys of the document's map `m`. */
export function keysOf(doc: Doc): string[] {
  return Object.keys(doc.getMap('m').toJSON() as object).sort();
}
