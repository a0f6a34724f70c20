/**
 * `pnpm bench:witness [--docs 20] [--updates 300] [--json]`: bytes on disk of a witness replica
 * against a full one, on one workload, on a real 2 full + 1 witness cluster (`--witness 3`).
 * Phase 1: all three up, `--docs` documents each get `--updates` edits (a line of text typed at a
 * random place, a map key set) through node 1. Phase 2: node 2 is killed (-9) and the same
 * workload runs again: meanwhile the witness holds every update (the peak it reports). Phase 3:
 * node 2 restarts, takes what it missed from node 1 and the witness, and the witness drops it.
 * Once the witness gave its file's free pages back, every node stops gracefully and each SQLite
 * file is measured: its size (main file + WAL) and the bytes of documents it stores (log entries,
 * snapshots, versions).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebsocketProvider } from '@accord/client';
import { Doc } from '@accord/core';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { intFlag, runMain } from '../cli/args.js';
import { accordRelayMain, freeNodePort } from '../relay/servers/accord-relay.js';
import { type ChildServer, startChildServer } from '../relay/servers/child-server.js';

const usage = 'usage: bench:witness [--docs 20] [--updates 300] [--json]';
const WITNESS = 3;

interface WitnessHealth {
  replication: { heldUpdates?: number; heldBytes?: number; fileBytes?: number };
}

async function witnessHeld(port: number): Promise<{ updates: number; bytes: number; fileBytes: number }> {
  const h = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as WitnessHealth;
  const r = h.replication;
  return { updates: r.heldUpdates ?? -1, bytes: r.heldBytes ?? -1, fileBytes: r.fileBytes ?? -1 };
}

/** Size of a node's SQLite file (main + WAL) and the bytes of documents it stores. */
function measure(dir: string, id: number): { fileBytes: number; storedBytes: number; logEntries: number } {
  const path = join(dir, `node-${id}.sqlite`);
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  const db = new Database(path, { readonly: true });
  try {
    const r = db
      .prepare(
        `SELECT
          (SELECT COUNT(*) FROM doc_updates) + (SELECT COUNT(*) FROM staged_updates) AS entries,
          COALESCE((SELECT SUM(length(data)) FROM doc_updates), 0)
            + COALESCE((SELECT SUM(length(data)) FROM staged_updates), 0)
            + COALESCE((SELECT SUM(length(data)) FROM snapshots), 0)
            + COALESCE((SELECT SUM(length(data)) FROM versions), 0) AS bytes`,
      )
      .get() as { entries: number; bytes: number };
    return { fileBytes: size(path) + size(`${path}-wal`), storedBytes: r.bytes, logEntries: r.entries };
  } finally {
    db.close();
  }
}

/** `docs` providers on `url`, `updates` edits each, resolved once every edit is acknowledged. */
async function workload(url: string, docs: number, updates: number, round: number): Promise<void> {
  const providers: WebsocketProvider[] = [];
  try {
    for (let d = 0; d < docs; d++) {
      const doc = new Doc();
      const p = new WebsocketProvider(doc, [url], { docId: `doc-${d}`, WebSocket: WebSocket as never });
      providers.push(p);
      await p.whenSynced();
      const text = doc.getText('t');
      for (let i = 0; i < updates; i++) {
        doc.transact(() => {
          const at = Math.floor(Math.random() * (text.length + 1));
          text.insert(at, `round ${round} line ${i} of doc ${d}\n`);
          doc.getMap('m').set(`k${i % 50}`, i);
        });
      }
      await p.whenAcknowledged();
    }
  } finally {
    for (const p of providers) p.destroy();
  }
}

async function until(what: string, fn: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      docs: { type: 'string' },
      updates: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const docs = intFlag('docs', values.docs, 20);
  const updates = intFlag('updates', values.updates, 300);
  const dir = mkdtempSync(join(tmpdir(), 'accord-bench-witness-'));
  const ports = [await freeNodePort(), await freeNodePort(), await freeNodePort()];
  const port = (id: number) => ports[id - 1] as number;
  const servers = new Map<number, ChildServer>();
  const env = { ...process.env, ACCORD_CLUSTER_SECRET: 'bench-witness-cluster-secret-0123' };
  const start = async (id: number) => {
    const peers = [1, 2, 3]
      .filter((p) => p !== id)
      .map((p) => `${p}@127.0.0.1:${port(p)}`)
      .join(',');
    const s = await startChildServer(
      [
        accordRelayMain(),
        ...['--id', String(id), '--port', String(port(id)), '--data', dir, '--witness', String(WITNESS)],
        ...['--auth', 'none', '--log-level', 'warn', '--peers', peers],
      ],
      { kind: 'http', port: port(id), path: '/healthz' },
      { env },
    );
    servers.set(id, s);
  };
  try {
    await Promise.all([1, 2, 3].map(start));
    await new Promise((r) => setTimeout(r, 1500)); // an election
    await workload(`ws://127.0.0.1:${port(1)}/`, docs, updates, 1);
    await until('the witness to drop phase 1', async () => (await witnessHeld(port(WITNESS))).updates === 0);

    process.kill(servers.get(2)?.pid as number, 'SIGKILL');
    servers.delete(2);
    await workload(`ws://127.0.0.1:${port(1)}/`, docs, updates, 2);
    const peak = await witnessHeld(port(WITNESS));

    await start(2);
    await until('the witness to drop phase 2', async () => (await witnessHeld(port(WITNESS))).updates === 0);
    // The witness gives its file's free pages back on a 10 s timer once 256 KiB and half the file
    // are free: wait for that (at most 25 s) when the file grew large enough for it to happen.
    if (peak.fileBytes >= 1024 * 1024)
      await until(
        'the witness file to shrink',
        async () => (await witnessHeld(port(WITNESS))).fileBytes < peak.fileBytes / 4,
        25_000,
      ).catch(() => {});
    const after = await witnessHeld(port(WITNESS));
    await Promise.all([...servers.values()].map((s) => s.stop()));
    servers.clear();
    const nodes = [1, 2, 3].map((id) => ({ id, ...measure(dir, id) }));
    const full = nodes.filter((n) => n.id !== WITNESS);
    const witness = nodes.find((n) => n.id === WITNESS) as (typeof nodes)[0];
    const result = {
      docs,
      updates: docs * updates * 2,
      fullFileBytes: full.map((n) => n.fileBytes),
      fullStoredBytes: full.map((n) => n.storedBytes),
      witnessFileBytes: witness.fileBytes,
      witnessStoredBytes: witness.storedBytes,
      witnessLogEntries: witness.logEntries,
      witnessPeakHeldBytes: peak.bytes,
      witnessPeakHeldUpdates: peak.updates,
      witnessPeakFileBytes: peak.fileBytes,
      witnessHeldBytesAfter: after.bytes,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `${result.updates} updates over ${docs} documents: full nodes ${full.map((n) => `${n.fileBytes} B on disk (${n.storedBytes} B of documents)`).join(', ')}; ` +
          `witness ${witness.fileBytes} B on disk (${witness.storedBytes} B of documents, ${witness.logEntries} entries); ` +
          `witness peak while node 2 was down: ${peak.bytes} B in ${peak.updates} updates\n`,
      );
    return 0;
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
