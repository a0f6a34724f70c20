/**
 * The light, open-loop relay load: `clients` WebSockets spread over `docs` documents send
 * pre-encoded updates at a fixed total `rate`, whatever the server's pace (so a slow server shows
 * up as latency, not as a politely slower load). What arrives is classified and counted, never
 * applied, so the generator measures the server rather than itself. Latencies run from each
 * update's scheduled send time (no coordinated omission).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { fullGc } from '../util/full-gc.js';
import { fetchServerState } from './fetch-state.js';
import { KeyIndex } from './key-index.js';
import { LatencySamples } from './latency.js';
import type { FullReplica, Incoming, LightUpdate, LoadProtocol } from './protocols/types.js';
import { toBytes } from './ws-bytes.js';

/** Options of {@link runLightLoad}. */
export interface LightLoadOptions {
  /** Server URLs; client `i` connects to `urls[i % urls.length]`. */
  urls: readonly string[];
  protocol: LoadProtocol;
  clients: number;
  docs: number;
  /** Updates per second over all clients. */
  rate: number;
  seconds: number;
  /** Document name prefix (unique per run, so runs never share state). */
  docPrefix: string;
  /**
   * Updates scheduled in the first `warmupSeconds` count for acks, deliveries and losses but not
   * for latency percentiles (JIT warm-up and document creation on both sides). Default 1.
   */
  warmupSeconds?: number;
  /** How long to wait for missing acks and deliveries after the last send (ms). */
  drainMs?: number;
  /** How long to wait for every client's handshake (ms). */
  connectTimeoutMs?: number;
  /**
   * Full clients: every client holds a real document, makes real edits, applies what arrives;
   * at the end a fresh client per document loads it from the server and every replica is
   * compared with it.
   */
  full?: boolean;
  /** Seed of the full clients' edits. */
  seed?: number;
  /** Called once sending starts (to start server CPU sampling). */
  onStart?: () => void;
}

/** What one light run measured (the load-side fields of the `bench:relay` contract). */
export interface LightLoadResult {
  clients: number;
  docs: number;
  rate: number;
  seconds: number;
  sent: number;
  acked: number;
  /** Updates received by clients other than their sender. */
  deliveries: number;
  updatesPerSec: number;
  deliveriesPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
  fanoutP50Ms: number;
  fanoutP99Ms: number;
  /** Updates never acknowledged, or not delivered to every other client of their document. */
  lost: number;
  /** Sent updates without an acknowledgement at the end of the drain. */
  unacked: number;
  /** Expected deliveries that never arrived. */
  undelivered: number;
  /** Deliveries of an update to a client that already had it (a relay sent it twice). */
  duplicates: number;
  /**
   * Updates received after the handshake whose bytes are none of the run's updates: a relay's
   * merged catch-up (an overloaded Accord node that dropped forwards over its held bound gets
   * them back in one causal fill and relays that). Where the protocol can list the units such an
   * update inserts (`unitsOf`), the run's updates inside it count as delivered (first copies);
   * otherwise they count as undelivered unless they also arrive on their own.
   */
  unkeyed: number;
  /** Full mode: whether every client of every document ended equal to the server's state (null in light mode). */
  converged: boolean | null;
  /** Full mode: documents where some client differs from the server's state. */
  divergentDocs: number;
  /** Errors reported by the server, refused acks, and sockets that closed during the run. */
  errors: number;
  /** CPU of the generator process (100 = one core), to show it was not the bottleneck. */
  generatorCpuPercent: number;
  /** p99 event-loop delay of the generator (ms): large values mean the generator saturated. */
  generatorLagP99Ms: number;
}

interface Client {
  readonly index: number;
  readonly doc: number;
  readonly docId: string;
  readonly ws: WebSocket;
  readonly updates: LightUpdate[];
  /** Light mode: the update frames, encoded before the run (frame i carries update id i + 1). */
  readonly frames: Uint8Array[];
  readonly replica: FullReplica | null;
  next: number;
  readonly fifo: number[];
  fifoHead: number;
  /**
   * Protocols that acknowledge by id: the update index + 1 sent with id `i` (ids run from 1, one
   * per update the client sends), 0 once acknowledged or refused.
   */
  readonly sentIds: Int32Array;
  ready: boolean;
  closed: boolean;
}

/** Clocks per replica in a unit key (`replica * UNIT_SPAN + clock`; replica ids stay below 2^32). */
const UNIT_SPAN = 2 ** 20;

/**
 * Runs the light load once against a running server.
 * @throws Error when the clients cannot connect and finish their handshake in time.
 */
export async function runLightLoad(opts: LightLoadOptions): Promise<LightLoadResult> {
  const { protocol, clients: n, docs, rate, seconds } = opts;
  const total = Math.max(1, Math.floor(rate * seconds));
  const perClient = Math.ceil(total / n) + 1;
  const clientsPerDoc = new Array<number>(docs).fill(0);
  for (let i = 0; i < n; i++) clientsPerDoc[i % docs] = (clientsPerDoc[i % docs] ?? 0) + 1;

  // Per-update records, indexed by send order.
  const intended = new Float64Array(total);
  const sender = new Int32Array(total);
  const acked = new Uint8Array(total);
  /** Distinct clients each update reached (a second copy to the same client is not counted). */
  const delivered = new Uint16Array(total);
  // Which clients each update reached, one bit per client of its document: client i is slot
  // floor(i / docs) of document i % docs.
  const maxPerDoc = clientsPerDoc.reduce((m, k) => Math.max(m, k), 1);
  const seenBytes = Math.ceil(maxPerDoc / 8);
  const seen = new Uint8Array(total * seenBytes);
  const keyToIndex = new KeyIndex(total);
  /** Run updates by the unit they insert (`replica * UNIT_SPAN + clock`), for merged ones. */
  const unitToIndex = new KeyIndex(total);
  const markReplica = new Float64Array(opts.full === true ? total : 0);
  const markUpTo = new Float64Array(opts.full === true ? total : 0);
  const ackLat = new LatencySamples();
  const fanLat = new LatencySamples();
  let sent = 0;
  let ackedCount = 0;
  let deliveries = 0;
  let unkeyed = 0;
  /** Deliveries that were a client's first copy of an update. */
  let needed = 0;
  let expectedDeliveries = 0;
  let errors = 0;
  let lastAck = 0;
  let lastDelivery = 0;
  let start = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  let readyCount = 0;
  let onProgress: (() => void) | null = null;

  /** The update index sent with `id` by `c` (-1 when none is waiting), no longer waiting. */
  const takeSent = (c: Client, id: number): number => {
    if (!(id >= 1 && id < c.sentIds.length)) return -1;
    const v = c.sentIds[id] as number;
    c.sentIds[id] = 0;
    return v - 1;
  };

  const onAck = (idx: number, ok: boolean) => {
    if (idx < 0 || acked[idx] === 1) return;
    if (!ok) {
      errors++;
      return;
    }
    acked[idx] = 1;
    ackedCount++;
    const now = performance.now();
    lastAck = now;
    if ((intended[idx] as number) >= measureFrom) ackLat.add(now - (intended[idx] as number));
  };

  /** Update `idx` reached client `c` (`own`: in a frame of its own; counted as a delivery). */
  const reached = (c: Client, idx: number, own: boolean) => {
    const slot = Math.floor(c.index / docs);
    const at = idx * seenBytes + (slot >> 3);
    const bit = 1 << (slot & 7);
    const first = ((seen[at] as number) & bit) === 0;
    if (own || first) deliveries++;
    if (!first) return; // a second copy: counted, not needed
    seen[at] = (seen[at] as number) | bit;
    delivered[idx] = (delivered[idx] as number) + 1;
    needed++;
    const now = performance.now();
    lastDelivery = now;
    if ((intended[idx] as number) >= measureFrom) fanLat.add(now - (intended[idx] as number));
    onProgress?.();
  };

  const handle = (c: Client, msg: Incoming) => {
    switch (msg.kind) {
      case 'ready':
        if (c.replica !== null && msg.state !== undefined) c.replica.applyRemote(msg.state);
        if (!c.ready) {
          c.ready = true;
          readyCount++;
          onProgress?.();
        }
        return;
      case 'ack': {
        if (protocol.ackById) onAck(takeSent(c, msg.id), msg.ok);
        else onAck(c.fifoHead < c.fifo.length ? (c.fifo[c.fifoHead++] as number) : -1, msg.ok);
        onProgress?.();
        return;
      }
      case 'update': {
        const idx = keyToIndex.get(msg.key);
        if (idx >= 0 && sender[idx] === c.index) return; // our own echo
        c.replica?.applyRemote(msg.payload);
        if (idx < 0) {
          unkeyed++;
          // A merged update: the run's updates inside it reach this client now (first copies
          // only: a merge often repeats what the client has).
          for (const [replica, clock, count] of protocol.unitsOf?.(msg.payload) ?? []) {
            if (replica >= 2 ** 32) continue; // none of the run's
            for (let j = 0; j < count && j < UNIT_SPAN; j++) {
              const k = unitToIndex.get(replica * UNIT_SPAN + clock + j);
              if (k >= 0 && sender[k] !== c.index) reached(c, k, false);
            }
          }
          return;
        }
        reached(c, idx, true);
        return;
      }
      case 'error':
        errors++;
        if (msg.id !== 0 && protocol.ackById) takeSent(c, msg.id);
        return;
      case 'pong':
      case 'other':
        return;
    }
  };

  const clients: Client[] = [];
  for (let i = 0; i < n; i++) {
    const doc = i % docs;
    const docId = `${opts.docPrefix}-${doc}`;
    const full = opts.full === true;
    const updates = full ? [] : protocol.makeUpdates(i, perClient);
    const frames = updates.map((u, j) => protocol.updateFrame(docId, j + 1, u));
    const ws = new WebSocket(opts.urls[i % opts.urls.length] as string, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    const c: Client = {
      index: i,
      doc,
      docId,
      ws,
      updates,
      frames,
      replica: full ? protocol.createFullReplica(i, opts.seed ?? 1) : null,
      next: 0,
      fifo: [],
      fifoHead: 0,
      sentIds: new Int32Array(protocol.ackById ? perClient + 1 : 0),
      ready: false,
      closed: false,
    };
    ws.on('open', () => {
      for (const f of protocol.openFrames(docId)) ws.send(f);
    });
    ws.on('message', (data) => handle(c, protocol.parse(toBytes(data))));
    ws.on('error', () => {
      errors++;
    });
    ws.on('close', () => {
      if (!c.closed) errors++;
      c.closed = true;
    });
    clients.push(c);
  }

  const waitFor = (cond: () => boolean, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (cond()) return resolve(true);
      const timer = setTimeout(() => {
        onProgress = null;
        resolve(cond());
      }, timeoutMs);
      onProgress = () => {
        if (cond()) {
          clearTimeout(timer);
          onProgress = null;
          resolve(true);
        }
      };
    });

  const closeAll = () => {
    for (const c of clients) {
      c.closed = true;
      c.ws.terminate();
    }
  };

  const allReady = await waitFor(() => readyCount === n, opts.connectTimeoutMs ?? 30_000);
  if (!allReady) {
    closeAll();
    throw new Error(`only ${readyCount} of ${n} clients finished the handshake`);
  }

  // The updates made above (hundreds of thousands of objects at high rates) are collected now:
  // otherwise the heap they grew starts this process's first full collection a second or two into
  // the load, and its pauses (150 ms in all at 20,000/s) delay every frame received meanwhile,
  // which the latencies then charge to the server.
  fullGc();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  opts.onStart?.();
  start = performance.now();
  measureFrom = start + Math.min(opts.warmupSeconds ?? 1, seconds / 2) * 1000;
  const interval = 1000 / rate;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) {
        const k = sent++;
        const c = clients[k % n] as Client;
        let u: LightUpdate;
        let frame: Uint8Array | undefined;
        if (c.replica !== null) {
          const e = c.replica.edit();
          markReplica[k] = e.mark.replica;
          markUpTo[k] = e.mark.upTo;
          c.next++;
          u = e;
        } else {
          frame = c.frames[c.next];
          u = c.updates[c.next++] as LightUpdate;
        }
        intended[k] = start + k * interval;
        sender[k] = c.index;
        // A key that names no update (a Yjs update without structs reads -1) is not indexed: its
        // copies count as unkeyed, as one such update cannot be told from another.
        if (KeyIndex.holds(u.key)) keyToIndex.set(u.key, k);
        if (u.unit !== undefined) {
          const unit = u.unit[0] * UNIT_SPAN + u.unit[1];
          if (KeyIndex.holds(unit)) unitToIndex.set(unit, k);
        }
        expectedDeliveries += (clientsPerDoc[c.doc] as number) - 1;
        if (c.closed) continue;
        if (protocol.ackById) c.sentIds[c.next] = k + 1;
        else c.fifo.push(k);
        c.ws.send(frame ?? protocol.updateFrame(c.docId, c.next, u));
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  // Done when every update is acknowledged and has reached every other client of its document. A
  // copy delivered twice must not stand in for one never delivered, nor keep the drain waiting.
  await waitFor(() => ackedCount === sent && needed === expectedDeliveries, opts.drainMs ?? 5000);
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lag.disable();
  closeAll();

  // Full mode: load every document from the server into a fresh client and compare.
  let verifiers: (FullReplica | null)[] = [];
  let divergentDocs = 0;
  if (opts.full === true) {
    verifiers = await Promise.all(
      Array.from({ length: docs }, (_, d) => fetchServerState(opts, `${opts.docPrefix}-${d}`, n + d)),
    );
    for (let d = 0; d < docs; d++) {
      const v = verifiers[d];
      const want = v?.digest();
      if (v == null || clients.some((c) => c.doc === d && c.replica?.digest() !== want)) divergentDocs++;
    }
  }

  let lost = 0;
  for (let k = 0; k < sent; k++) {
    const need = (clientsPerDoc[(sender[k] as number) % docs] as number) - 1;
    let missing = acked[k] !== 1 || (delivered[k] as number) < need;
    if (opts.full === true) {
      const v = verifiers[(sender[k] as number) % docs];
      if (v == null || !v.contains({ replica: markReplica[k] as number, upTo: markUpTo[k] as number }))
        missing = true;
    }
    if (missing) lost++;
  }
  const ackSpan = (lastAck - start) / 1000;
  const deliverySpan = (lastDelivery - start) / 1000;
  return {
    clients: n,
    docs,
    rate,
    seconds,
    sent,
    acked: ackedCount,
    deliveries,
    updatesPerSec: ackSpan > 0 ? ackedCount / Math.max(ackSpan, seconds) : 0,
    deliveriesPerSec: deliverySpan > 0 ? deliveries / Math.max(deliverySpan, seconds) : 0,
    ackP50Ms: ackLat.percentile(50),
    ackP99Ms: ackLat.percentile(99),
    fanoutP50Ms: fanLat.percentile(50),
    fanoutP99Ms: fanLat.percentile(99),
    lost,
    unacked: sent - ackedCount,
    undelivered: expectedDeliveries - needed,
    duplicates: deliveries - needed,
    unkeyed,
    converged: opts.full === true ? divergentDocs === 0 : null,
    divergentDocs,
    errors,
    generatorCpuPercent: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
    generatorLagP99Ms: lag.percentile(99) / 1e6,
  };
}
