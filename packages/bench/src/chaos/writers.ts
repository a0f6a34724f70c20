/**
 * Writing clients for the chaos harness: real `@accord/client` providers with real documents,
 * each writing unique keys at a steady pace and recording, per key, when it was acknowledged and
 * through which node. Plus one-shot readers that sync a fresh document from a single node.
 */
import { WebsocketProvider } from '@accord/client';
import { Doc } from '@accord/core';
import type { SessionStatus } from '@accord/core/protocol';
import WebSocket from 'ws';
import type { AckEvent, RequestEvent } from './events.js';
import { parseKey, type SessionProbe } from './sessions.js';

const MAP = 'chaos';
/** A write acknowledged later than this counts as unanswered (the provider's ack timeout). */
export const ANSWER_MS = 2000;
/** How long after a failover the writer's session is resumed on its new node. */
const PROBE_AFTER_MS = 200;
/** How long a resumed session may take to sync before its probe counts as failed. */
const PROBE_SYNC_MS = 3000;

/** One writing client. */
export class ChaosWriter {
  readonly doc = new Doc();
  readonly provider: WebsocketProvider;
  readonly acks: AckEvent[] = [];
  readonly requests: (RequestEvent & { key: string })[] = [];
  private node = 0;
  private n = 0;
  private timer: NodeJS.Timeout | null = null;
  private waiting: (RequestEvent & { key: string })[] = [];
  private readonly ackedKeys = new Set<string>();
  private destroyed = false;
  /** What the provider reported, in order (connections, closes, statuses, errors). */
  readonly log: { at: number; what: string }[] = [];
  /** Per key number written, the highest key number of each other client read before it. */
  readonly deps = new Map<number, ReadonlyMap<string, number>>();
  /** Sessions resumed elsewhere after each failover (see `sessions.ts`). */
  readonly probes: Promise<SessionProbe>[] = [];
  /** The highest key number of each other client in this document. */
  private readonly readMax = new Map<string, number>();

  constructor(
    readonly name: string,
    urls: string[],
    readonly docId: string,
  ) {
    this.provider = new WebsocketProvider(this.doc, urls, {
      docId,
      WebSocket: WebSocket as never,
      ackTimeoutMs: ANSWER_MS,
    });
    this.provider.on('connected-node', ({ nodeId, url }) => {
      const failedOver = this.node !== 0 && nodeId !== this.node;
      this.node = nodeId;
      this.note(`connected n${nodeId}`);
      if (failedOver && !this.destroyed)
        this.probes.push(
          new Promise((r) => setTimeout(r, PROBE_AFTER_MS)).then(() => this.probe(nodeId, url)),
        );
    });
    this.doc.getMap(MAP).observe((ev) => {
      for (const key of ev.keysChanged) {
        const k = parseKey(key);
        if (k !== null && k.client !== this.name && k.n > (this.readMax.get(k.client) ?? 0))
          this.readMax.set(k.client, k.n);
      }
    });
    this.provider.on('connection-close', ({ url, code, reason }) =>
      this.note(`closed ${url.replace(/^.*:(\d+).*$/, ':$1')} ${code}${reason ? ` ${reason}` : ''}`),
    );
    this.provider.on('status', ({ status }) => this.note(status));
    this.provider.on('error', (e) => this.note(`error ${e.code}`));
  }

  private note(what: string): void {
    if (this.log.length < 5000) this.log.push({ at: Date.now(), what });
  }

  /** Write one new key every `everyMs`. */
  start(everyMs: number): void {
    const tick = () => {
      this.write();
      this.timer = setTimeout(tick, everyMs * (0.5 + Math.random()));
    };
    tick();
  }

  /** Stop writing (the provider stays connected). */
  stopWriting(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Keys this client has written (acknowledged or not). */
  get written(): number {
    return this.n;
  }

  /** Resolves once every local update is acknowledged, or false after `ms`. */
  async drain(ms: number): Promise<boolean> {
    return Promise.race([
      this.provider.whenAcknowledged().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
    ]);
  }

  /** The document's keys (for the lost check). */
  keys(): Set<string> {
    return new Set(Object.keys(this.doc.getMap(MAP).toJSON() as object));
  }

  /** Stop writing and close the provider (idempotent). */
  destroy(): void {
    this.stopWriting();
    if (this.destroyed) return;
    this.destroyed = true;
    this.provider.destroy();
  }

  /**
   * Resume this writer's session with a fresh document on node `nodeId` (at `url`), carrying only
   * its session vector, and record what the node served against what the session had.
   */
  private async probe(nodeId: number, url: string): Promise<SessionProbe> {
    const acked = new Set(this.ackedKeys);
    const read = new Set([...this.keys()].filter((k) => parseKey(k)?.client !== this.name));
    const r = await readFresh(url, this.docId, PROBE_SYNC_MS, this.provider.sessionVector());
    const status = r?.session ?? 'failed';
    return { client: this.name, node: nodeId, status, acked, read, seen: r?.keys ?? new Set() };
  }

  private write(): void {
    const key = `${this.name}-${++this.n}`;
    const at = Date.now();
    this.deps.set(this.n, new Map(this.readMax));
    this.doc.getMap(MAP).set(key, this.n);
    // Recorded now, answered on its acknowledgement: a write never acknowledged counts as failed.
    const request: RequestEvent & { key: string } = {
      kind: 'request',
      client: this.name,
      at,
      answered: false,
      node: this.node,
      key,
    };
    this.requests.push(request);
    this.waiting.push(request);
    const batch = this.waiting.slice();
    this.provider.whenAcknowledged().then(
      () => {
        const now = Date.now();
        for (const w of batch) {
          if (this.ackedKeys.has(w.key)) continue;
          this.ackedKeys.add(w.key);
          this.acks.push({
            kind: 'ack',
            client: this.name,
            node: this.node,
            docId: this.docId,
            key: w.key,
            at: now,
          });
          w.answered = now - w.at <= ANSWER_MS;
        }
        this.waiting = this.waiting.filter((w) => !this.ackedKeys.has(w.key));
      },
      () => {},
    );
  }
}

/** What a fresh document synced from one node held, and what the node said of the read. */
export interface FreshRead {
  keys: Set<string>;
  /** The node read its quorum before answering (`welcome.readQuorum`). */
  readQuorum: boolean;
  /** With a session asked: whether the node held it (`welcome.session`). */
  session: SessionStatus | undefined;
}

/**
 * Sync a fresh document from the node at `url` only (resuming `session` when given); resolves
 * with what it held, or null when the node did not sync within `ms`.
 */
export async function readFresh(
  url: string,
  docId: string,
  ms: number,
  session?: Uint8Array,
): Promise<FreshRead | null> {
  const doc = new Doc();
  const p = new WebsocketProvider(doc, [url], {
    docId,
    WebSocket: WebSocket as never,
    ...(session === undefined ? {} : { session }),
  });
  try {
    const synced = await new Promise<boolean>((resolve) => {
      if (p.status === 'synced') return resolve(true);
      const t = setTimeout(() => resolve(false), ms);
      p.on('status', ({ status }) => {
        if (status === 'synced') {
          clearTimeout(t);
          resolve(true);
        }
      });
    });
    if (!synced) return null;
    return {
      keys: new Set(Object.keys(doc.getMap(MAP).toJSON() as object)),
      readQuorum: p.readQuorum === true,
      session: p.sessionStatus,
    };
  } finally {
    p.destroy();
  }
}
