/**
 * `pnpm bench:rejoin [--docs 10000] [--differ 10] [--json]`: what a relay pays when a peer link
 * comes up while it stores many documents. Two nodes' SQLite files are filled with the same
 * `--docs` documents (and `--differ` that only one of them holds); node 1 starts alone, then
 * node 2 joins, and both walk every stored document with each other. Reported: node 1's resident
 * memory before and at its peak during catch-up, the slowest `/healthz` answer meanwhile, the
 * time until both report no peer still catching up, and the rooms (documents loaded) at the end.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Doc, encodeStateAsUpdate } from '@accord/core';
import { SqliteStore } from '@accord/sync-server';
import { intFlag, runMain } from '../cli/args.js';
import { accordRelayMain, freeNodePort } from '../relay/servers/accord-relay.js';
import { type ChildServer, startChildServer } from '../relay/servers/child-server.js';

const usage = 'usage: bench:rejoin [--docs 10000] [--differ 10] [--json]';

function fill(dir: string, nodeId: number, docs: number, extra: string[]): void {
  const store = SqliteStore.open({ dir, nodeId });
  const batch: { docId: string; update: Uint8Array }[] = [];
  const put = (docId: string, text: string, client: number) => {
    const d = new Doc({ clientId: client });
    d.getText('t').insert(0, `${text} and a few more words to look like a note!`);
    d.getText('t').delete(0, 1);
    batch.push({ docId, update: encodeStateAsUpdate(d) });
    if (batch.length === 1000) store.append(batch.splice(0));
  };
  for (let i = 0; i < docs; i++) put(`doc-${i}`, `document ${i}`, 7);
  for (const id of extra) put(id, `only on node ${nodeId}`, 100 + nodeId);
  store.append(batch.splice(0));
  store.close();
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

interface Health {
  rooms: number;
  replication: { catchingUp: number[]; peersConnected: number[] };
}

async function health(port: number): Promise<{ ms: number; h: Health }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  const h = (await res.json()) as Health;
  return { ms: performance.now() - t0, h };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      docs: { type: 'string' },
      differ: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const docs = intFlag('docs', values.docs, 10_000);
  const differ = values.differ === '0' ? 0 : intFlag('differ', values.differ, 10);
  const dir = mkdtempSync(join(tmpdir(), 'accord-bench-rejoin-'));
  const servers: ChildServer[] = [];
  try {
    const only = (n: number) => Array.from({ length: differ }, (_, i) => `only-${n}-${i}`);
    fill(join(dir, 'node-1'), 1, docs, only(1));
    fill(join(dir, 'node-2'), 2, docs, only(2));
    const ports = [await freeNodePort(), await freeNodePort()];
    const env = { ...process.env, ACCORD_CLUSTER_SECRET: 'bench-rejoin-cluster-secret-0123' };
    const start = (id: number) =>
      startChildServer(
        [
          accordRelayMain(),
          ...['--id', String(id), '--port', String(ports[id - 1]), '--data', join(dir, `node-${id}`)],
          ...['--auth', 'none', '--log-level', 'warn', '--peers', `${3 - id}@127.0.0.1:${ports[2 - id]}`],
        ],
        { kind: 'http', port: ports[id - 1] as number, path: '/healthz' },
        { env },
      );
    const one = await start(1);
    servers.push(one);
    await new Promise((r) => setTimeout(r, 1000));
    const rssBefore = rssMB(one.pid);
    const t0 = performance.now();
    servers.push(await start(2));
    let rssPeak = rssBefore;
    let healthMaxMs = 0;
    let done = false;
    let rooms = 0;
    const deadline = t0 + 600_000;
    while (!done && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      rssPeak = Math.max(rssPeak, rssMB(one.pid));
      const [a, b] = await Promise.all([health(ports[0] as number), health(ports[1] as number)]);
      healthMaxMs = Math.max(healthMaxMs, a.ms, b.ms);
      rooms = a.h.rooms + b.h.rooms;
      done = [a, b].every(
        (x) => x.h.replication.peersConnected.length === 1 && x.h.replication.catchingUp.length === 0,
      );
    }
    const catchUpMs = Math.round(performance.now() - t0);
    // A reply's documents are stored and loaded just after the walk reports itself finished:
    // count the rooms once their number has held still for a quarter second (at most 5 s).
    for (let still = 0, waited = 0; done && still < 5 && waited < 100; waited++) {
      await new Promise((r) => setTimeout(r, 50));
      const [a, b] = await Promise.all([health(ports[0] as number), health(ports[1] as number)]);
      const now = a.h.rooms + b.h.rooms;
      still = now === rooms ? still + 1 : 0;
      rooms = now;
    }
    const result = {
      docs,
      differ,
      catchUpMs,
      finished: done,
      rssBeforeMB: Math.round(rssBefore),
      rssPeakMB: Math.round(rssPeak),
      rssGrowthMB: Math.round(rssPeak - rssBefore),
      healthzMaxMs: Math.round(healthMaxMs),
      roomsLoaded: rooms,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `rejoin with ${docs} stored documents (${differ} differing per node): caught up in ${result.catchUpMs} ms, ` +
          `node 1 RSS ${result.rssBeforeMB} -> peak ${result.rssPeakMB} MB (+${result.rssGrowthMB}), ` +
          `slowest /healthz ${result.healthzMaxMs} ms, ${rooms} documents loaded\n`,
      );
    return done ? 0 : 1;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
