/**
 * Honest clients for the admission bench: `ws` clients from 127.0.0.1 that join with a token,
 * write real `@accord/core` updates open-loop at a fixed total rate and time each one from its
 * scheduled send to its `ack` (no coordinated omission); and a prober that keeps opening fresh
 * connections (upgrade → `sync`) to see whether newcomers are still let in.
 */
import { performance } from 'node:perf_hooks';
import { Doc, encodeStateVector } from '@accord/core';
import { decodeServerMessage, encodeMessage } from '@accord/core/protocol';
import WebSocket from 'ws';
import { LatencySamples } from '../relay/latency.js';
import { toBytes } from '../relay/ws-bytes.js';

/** One honest connection, joined. */
interface Writer {
  readonly ws: WebSocket;
  readonly doc: Doc;
  /** Scheduled send time of each unacknowledged update, by id. */
  readonly sent: Map<number, number>;
  /** The update the next local edit produced (captured from the document's `update` event). */
  next: Uint8Array | null;
}

/** Open a `ws` client to `url`, say hello for `docId`, resolve once `sync` arrives; rejects with the HTTP status or close. */
export function join(url: string, docId: string, token: string, timeoutMs = 10_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('join timed out'));
    }, timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(why));
    };
    ws.on('error', (e) => fail(e.message));
    ws.once('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode}`));
    ws.once('close', (code) => fail(`closed ${code}`));
    ws.once('open', () => {
      const sv = encodeStateVector(new Doc());
      ws.send(encodeMessage({ type: 'hello', docId, token, stateVector: sv }));
    });
    const onMessage = (data: WebSocket.RawData) => {
      const m = decodeServerMessage(toBytes(data));
      if (m.type !== 'sync') return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.removeAllListeners('close');
      ws.removeAllListeners('error');
      ws.on('error', () => {});
      resolve(ws);
    };
    ws.on('message', onMessage);
  });
}

/** What {@link runWriters} measured. */
export interface WriterResult {
  readonly updates: number;
  readonly acked: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly ackMaxMs: number;
  /** Writers whose connection closed during the run. */
  readonly dropped: number;
  /** Writers that could not join (refused upgrade, closed, timed out), by reason. */
  readonly joinFailures: Record<string, number>;
}

/**
 * `clients` writers on documents `${docPrefix}-i` send `rate` updates per second in total for
 * `seconds`; the first second is warm-up (acks counted, latencies not). Waits up to `drainMs`
 * for the last acks. Writers that cannot join are counted, not fatal (a relay under attack may
 * refuse them); without any, nothing is sent.
 */
export async function runWriters(opts: {
  url: string;
  clients: number;
  rate: number;
  seconds: number;
  docPrefix: string;
  token: (docId: string) => Promise<string>;
  drainMs?: number;
}): Promise<WriterResult> {
  const writers: Writer[] = [];
  const samples = new LatencySamples();
  let acked = 0;
  let dropped = 0;
  let warmEnd = Number.POSITIVE_INFINITY;
  const joinFailures: Record<string, number> = {};
  for (let i = 0; i < opts.clients; i++) {
    const docId = `${opts.docPrefix}-${i}`;
    let ws: WebSocket;
    try {
      ws = await join(opts.url, docId, await opts.token(docId));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      joinFailures[why] = (joinFailures[why] ?? 0) + 1;
      continue;
    }
    const doc = new Doc();
    const w: Writer = { ws, doc, sent: new Map(), next: null };
    doc.on('update', (u) => {
      w.next = u;
    });
    ws.on('message', (data: WebSocket.RawData) => {
      const m = decodeServerMessage(toBytes(data));
      if (m.type !== 'ack') return;
      const at = w.sent.get(m.id);
      if (at === undefined) return;
      w.sent.delete(m.id);
      acked++;
      if (at >= warmEnd) samples.add(performance.now() - at);
    });
    ws.on('close', () => dropped++);
    writers.push(w);
  }
  const t0 = performance.now();
  warmEnd = t0 + 1000;
  const total = writers.length === 0 ? 0 : Math.round(opts.rate * opts.seconds);
  let k = 0;
  await new Promise<void>((resolve) => {
    if (total === 0) resolve();
    const tick = setInterval(() => {
      const now = performance.now();
      for (; k < total && t0 + (k * 1000) / opts.rate <= now; k++) {
        const w = writers[k % writers.length] as Writer;
        const at = t0 + (k * 1000) / opts.rate;
        const text = w.doc.getText('t');
        w.doc.transact(() => text.insert(text.length, 'x'));
        if (w.next === null || w.ws.readyState !== WebSocket.OPEN) continue;
        const id = k + 1;
        w.sent.set(id, at);
        w.ws.send(encodeMessage({ type: 'update', id, update: w.next }));
        w.next = null;
      }
      if (k >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const deadline = performance.now() + (opts.drainMs ?? 5000);
  while (writers.some((w) => w.sent.size > 0) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  for (const w of writers) {
    w.ws.removeAllListeners('close');
    w.ws.terminate();
  }
  return {
    updates: k,
    acked,
    ackP50Ms: samples.percentile(50),
    ackP99Ms: samples.percentile(99),
    ackMaxMs: samples.percentile(100),
    dropped,
    joinFailures,
  };
}

/** What {@link probeConnects} measured: fresh connections and how long upgrade → `sync` took. */
export interface ConnectResult {
  readonly connects: number;
  readonly connectFailures: number;
  readonly connectP99Ms: number;
  /** Failure reasons (`HTTP 503`, `closed 4008`, …) and their counts. */
  readonly connectErrors: Record<string, number>;
}

/** Every `everyMs` until `stop()`: open a fresh connection, join, close; resolve with the counts after `stop`. */
export function probeConnects(opts: { url: string; docId: string; token: string; everyMs: number }): {
  stop(): Promise<ConnectResult>;
} {
  const samples = new LatencySamples();
  const errors: Record<string, number> = {};
  let connects = 0;
  let failures = 0;
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const t = performance.now();
    const p = join(opts.url, opts.docId, opts.token).then(
      (ws) => {
        connects++;
        samples.add(performance.now() - t);
        ws.terminate();
      },
      (e: unknown) => {
        failures++;
        const why = e instanceof Error ? e.message : String(e);
        errors[why] = (errors[why] ?? 0) + 1;
      },
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }, opts.everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inflight]);
      return {
        connects,
        connectFailures: failures,
        connectP99Ms: samples.percentile(99),
        connectErrors: errors,
      };
    },
  };
}
