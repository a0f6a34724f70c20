/**
 * Group commit on a worker thread: the event loop never waits for an fsync. Appends queue on the
 * main thread; whenever the worker is idle the queue goes over as one batch and commits in one
 * SQLite transaction on the worker's own connection (same WAL file); what arrives meanwhile forms
 * the next batch. Under load batches grow with the commit time, so throughput follows the disk
 * while each update waits for at most one commit in progress plus its own (and, every
 * `foldRows` rows, one fold of the staged log: see `log-schema.ts`).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type BatchListener, type Committer, countPerDoc } from './committer.js';
import { DEFAULT_FOLD_ROWS, LOG_SQL } from './log-schema.js';
import { type MetaEntry, StoreClosedError, type SyncMode, type VersionToKeep } from './sqlite-store.js';

interface Pending {
  readonly docId: string;
  readonly update: Uint8Array;
  readonly resolve: (seq: number) => void;
  readonly reject: (err: unknown) => void;
}

/** A write other than appends (a compaction, a version), run alone on the worker. */
interface SideJob {
  /** What the worker is sent. */
  readonly message: { readonly type: 'compact' | 'version' } & Record<string, unknown>;
  /** Names the job in its error ("compaction failed: …"). */
  readonly what: string;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

type Reply =
  | { readonly type: 'done'; readonly seqs: number[]; readonly ms: number }
  | { readonly type: 'written' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };

/**
 * The worker's code (plain JS, so it runs from sources and from `dist` alike). It loads what it
 * needs with dynamic `import()`, which a CommonJS script and a module both have: a worker runs
 * `eval` source as whichever its host was started with (`--input-type` is inherited), and it must
 * inherit the host's options untouched, since a worker given any `execArgv` of its own refuses
 * V8 flags (`--single-threaded-gc`, `--max-semi-space-size`) that the host may run with.
 * Messages posted before the listener is attached wait in the port.
 */
const WORKER_SOURCE = `
(async () => {
const { parentPort, workerData } = await import('node:worker_threads');
const { pathToFileURL } = await import('node:url');
const Database = (await import(pathToFileURL(workerData.sqlite).href)).default;
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = ' + workerData.sync);
db.pragma('busy_timeout = 10000');
const sql = workerData.sql;
// Every transaction here writes, so each takes the write lock first (BEGIN IMMEDIATE), waiting
// for it under busy_timeout. A deferred one that reads first is refused at once ("database is
// locked") when another connection commits between its read and its first write.
// A batch goes in as multi-row INSERTs of 64, 16, 4 and 1 rows (one statement step per chunk
// instead of one per row). Positions come from AUTOINCREMENT, so one statement's rows take
// consecutive positions ending at its last rowid; the row count is checked all the same.
const CHUNKS = [64, 16, 4, 1];
const inserts = CHUNKS.map((k) => db.prepare(sql.append + ', (?, ?)'.repeat(k - 1)));
const chunkArgs = CHUNKS.map((k) => new Array(2 * k));
const foldDue = db.prepare(sql.foldDue);
const foldMove = db.prepare(sql.foldMove);
const foldClear = db.prepare(sql.foldClear);
const commit = db.transaction((docs, data, endsBuffer) => {
  const ends = new Uint32Array(endsBuffer);
  const n = docs.length;
  const seqs = new Array(n);
  let start = 0;
  let i = 0;
  try {
    for (let c = 0; c < CHUNKS.length; c++) {
      const k = CHUNKS[c];
      const args = chunkArgs[c];
      while (n - i >= k) {
        for (let j = 0; j < k; j++) {
          args[2 * j] = docs[i + j];
          args[2 * j + 1] = Buffer.from(data, start, ends[i + j] - start);
          start = ends[i + j];
        }
        const r = inserts[c].run(args);
        if (r.changes !== k) throw new Error('a multi-row insert stored ' + r.changes + ' of ' + k + ' rows');
        const first = Number(r.lastInsertRowid) - k + 1;
        for (let j = 0; j < k; j++) seqs[i + j] = first + j;
        i += k;
      }
    }
  } finally {
    // No reference to this batch's bytes outlives it, committed or not.
    for (const args of chunkArgs) args.fill(null);
  }
  return seqs;
});
const fold = db.transaction(() => {
  foldMove.run();
  foldClear.run();
});
const foldIfDue = (lastSeq) => {
  if (foldDue.get(lastSeq, workerData.foldRows).due === 1) fold.immediate();
};
const snapshotUpTo = db.prepare(sql.snapshotUpTo);
const upsertSnapshot = db.prepare(sql.upsertSnapshot);
const deleteFolded = db.prepare(sql.deleteFolded);
const deleteStaged = db.prepare(sql.deleteStaged);
const compact = db.transaction((docId, snapshot, upTo) => {
  const cur = snapshotUpTo.get(docId);
  if (cur && cur.upto > upTo) return;
  upsertSnapshot.run(docId, snapshot, upTo);
  deleteFolded.run(docId, upTo);
  deleteStaged.run(docId, upTo);
});
const setMeta = db.prepare(sql.setMeta);
const putVersion = db.prepare(sql.putVersion);
const pruneVersions = db.prepare(sql.pruneVersions);
const keepVersion = db.transaction((m) => {
  if (m.metaKey !== null) setMeta.run(m.metaKey, m.metaValue);
  putVersion.run(m.docId, m.term, m.seq, m.at, m.stateVector, m.data);
  if (m.keep > 0) pruneVersions.run(m.docId, m.docId, m.keep);
});
// A version that carries metadata (a snapshot number) is fsynced at its commit whatever the
// sync mode, as the store's setMeta is: a number must never be handed out twice.
const versionDurably = (m) => {
  if (m.metaKey === null || workerData.sync === 'FULL') return keepVersion.immediate(m);
  db.pragma('synchronous = FULL');
  try { keepVersion.immediate(m); } finally { db.pragma('synchronous = NORMAL'); }
};
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    try { db.close(); } finally { parentPort.postMessage({ type: 'closed' }); parentPort.close(); }
    return;
  }
  if (m.type === 'compact' || m.type === 'version') {
    try {
      if (m.type === 'compact') compact.immediate(m.docId, m.snapshot, m.upTo);
      else versionDurably(m);
      parentPort.postMessage({ type: 'written' });
    } catch (e) {
      parentPort.postMessage({ type: 'failed', message: String((e && e.message) || e) });
    }
    return;
  }
  const t0 = performance.now();
  try {
    const seqs = commit.immediate(m.docs, m.data, m.ends);
    parentPort.postMessage({ type: 'done', seqs, ms: performance.now() - t0 });
    // After the reply, so this batch's acknowledgements do not wait for the fold; the next batch
    // queues meanwhile. A failed fold changes nothing (it is one transaction) and is retried later.
    try { foldIfDue(seqs[seqs.length - 1]); } catch {}
  } catch (e) {
    parentPort.postMessage({ type: 'failed', message: String((e && e.message) || e) });
  }
});
})();
`;

/**
 * Copies a batch's updates into one buffer (with each update's end offset), to be transferred to
 * the worker. Posting the updates themselves would structured-clone each one's whole backing
 * buffer: an update decoded from a WebSocket frame is a view into the socket's read chunk, up to
 * 64 KiB (in a microbenchmark, 41 views of 16 KiB buffers took 38–50 µs per message against 14 µs
 * for compact ones).
 */
function packUpdates(batch: readonly Pending[]): { data: ArrayBuffer; ends: ArrayBuffer } {
  let total = 0;
  for (const p of batch) total += p.update.byteLength;
  const data = new ArrayBuffer(total);
  const bytes = new Uint8Array(data);
  const endsBuffer = new ArrayBuffer(batch.length * 4);
  const ends = new Uint32Array(endsBuffer);
  let at = 0;
  for (let i = 0; i < batch.length; i++) {
    const u = (batch[i] as Pending).update;
    bytes.set(u, at);
    at += u.byteLength;
    ends[i] = at;
  }
  return { data, ends: endsBuffer };
}

/** A {@link Committer} whose transactions run on a worker thread. */
export class WorkerCommitter implements Committer {
  private queue: Pending[] = [];
  /** The job the worker is running: a batch of appends, a compaction or a version. */
  private inFlight: Pending[] | SideJob | null = null;
  /** Compactions and versions waiting, in order. */
  private sideJobs: SideJob[] = [];
  /** Alternate with batches so side jobs run under sustained load too. */
  private lastWasBatch = false;
  private scheduled = false;
  private dead: Error | null = null;
  private readonly worker: Worker;
  private readonly listeners: BatchListener[] = [];
  private idleWaiters: (() => void)[] = [];
  private closing: Promise<void> | null = null;

  /**
   * Start the worker on the database at `path` (the schema must exist: open a `SqliteStore`
   * first). `maxBatch` bounds one transaction.
   */
  constructor(
    path: string,
    sync: SyncMode,
    private readonly maxBatch = 8192,
    /** Staged log rows that trigger a fold (`log-schema.ts`). */
    foldRows = DEFAULT_FOLD_ROWS,
  ) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, sync: sync === 'full' ? 'FULL' : 'NORMAL', sqlite, sql: LOG_SQL, foldRows },
    });
    this.worker.on('message', (r: Reply) => this.onReply(r));
    this.worker.on('error', (e) => this.die(e));
    this.worker.on('exit', (code) => this.die(new Error(`commit worker exited with code ${code}`)));
  }

  get pending(): number {
    return this.queue.length + (Array.isArray(this.inFlight) ? this.inFlight.length : 0);
  }

  onBatch(listener: BatchListener): void {
    this.listeners.push(listener);
  }

  append(docId: string, update: Uint8Array): Promise<number> {
    if (this.closing) return Promise.reject(new StoreClosedError());
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ docId, update, resolve, reject });
      // Collect the rest of this event-loop turn before sending, unless a commit is running
      // (then the batch goes when it returns).
      if (this.inFlight === null && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.send();
        });
      }
    });
  }

  /**
   * Durably replace `docId`'s snapshot with `snapshot` (covering log positions `<= upTo`) and drop
   * those entries, in one transaction on the worker's connection (so it never waits for the
   * commit lock on the event loop). A snapshot older than the stored one is ignored.
   */
  compact(docId: string, snapshot: Uint8Array, upTo: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queueSide({
        message: { type: 'compact', docId, snapshot, upTo },
        what: 'compaction',
        resolve,
        reject,
      });
    });
  }

  /**
   * Keep a version (with `meta` in the same transaction) on the worker's connection, taking turns
   * with batches as compactions do: the event loop neither fsyncs nor waits for the write lock.
   * With `meta` the transaction is fsynced whatever the sync mode (as `SqliteStore.putVersion`).
   */
  putVersion(docId: string, v: VersionToKeep, keep: number, meta?: MetaEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const message = {
        type: 'version' as const,
        docId,
        term: v.term,
        seq: v.seq,
        at: v.at,
        stateVector: v.stateVector,
        data: v.data,
        keep,
        metaKey: meta?.key ?? null,
        metaValue: meta?.value ?? null,
      };
      this.queueSide({ message, what: 'version', resolve, reject });
    });
  }

  /** Queue a side job (rejected at once once closing or dead) and start it if the worker is idle. */
  private queueSide(job: SideJob): void {
    if (this.closing) job.reject(new StoreClosedError());
    else if (this.dead) job.reject(this.dead);
    else {
      this.sideJobs.push(job);
      this.send();
    }
  }

  private send(): void {
    if (this.inFlight !== null || this.dead) return;
    const side = this.sideJobs[0];
    if (side && (this.lastWasBatch || this.queue.length === 0)) {
      this.sideJobs.shift();
      this.inFlight = side;
      this.lastWasBatch = false;
      this.worker.postMessage(side.message);
      return;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
    this.inFlight = batch;
    this.lastWasBatch = true;
    const { data, ends } = packUpdates(batch);
    this.worker.postMessage({ type: 'commit', docs: batch.map((p) => p.docId), data, ends }, [data, ends]);
  }

  private onReply(r: Reply): void {
    if (r.type === 'closed') return;
    const job = this.inFlight;
    this.inFlight = null;
    if (job !== null && !Array.isArray(job)) {
      if (r.type === 'failed') job.reject(new Error(`${job.what} failed: ${r.message}`));
      else job.resolve();
    } else {
      const batch = job ?? [];
      if (r.type === 'done') {
        for (let i = 0; i < batch.length; i++) (batch[i] as Pending).resolve(r.seqs[i] as number);
        if (this.listeners.length > 0) {
          const perDoc = countPerDoc(batch.map((p) => p.docId));
          for (const l of this.listeners) l({ size: batch.length, durationMs: r.ms, perDoc });
        }
      } else {
        const err = new Error(`commit failed: ${r.type === 'failed' ? r.message : 'unexpected reply'}`);
        for (const p of batch) p.reject(err);
      }
    }
    if (this.queue.length > 0 || this.sideJobs.length > 0) this.send();
    else this.wakeIdle();
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    const job = this.inFlight;
    if (Array.isArray(job)) for (const p of job) p.reject(err);
    else job?.reject(err);
    for (const p of this.queue) p.reject(err);
    for (const c of this.sideJobs) c.reject(err);
    this.inFlight = null;
    this.queue = [];
    this.sideJobs = [];
    this.wakeIdle();
  }

  flush(): Promise<void> {
    if ((this.inFlight === null && this.queue.length === 0 && this.sideJobs.length === 0) || this.dead) {
      return Promise.resolve();
    }
    this.send();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      if (this.dead) return;
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ type: 'close' });
      await exited.catch(() => {});
    })();
    return this.closing;
  }
}
