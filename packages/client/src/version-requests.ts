/**
 * Requests a provider makes about its document's version history (`list-versions`,
 * `get-version`) and their answers. A request waits for a synced connection, is sent again on
 * the next one if the connection drops before the answer (reads are idempotent), and fails with
 * a typed {@link VersionError} when its time is up or the provider is destroyed.
 */
import type { ClientMessage, VersionInfo, VersionMessage, VersionsMessage } from '@accord/core/protocol';
import type { Scheduler, TimerHandle } from './scheduler.js';

/** Why a version request failed. */
export type VersionErrorCode = 'not-found' | 'timeout' | 'destroyed';

/** A version request that did not succeed. */
export class VersionError extends Error {
  /** Machine-readable reason: the relay does not keep that version, no answer in time, or the provider is gone. */
  readonly code: VersionErrorCode;

  constructor(code: VersionErrorCode, message: string) {
    super(message);
    this.name = 'VersionError';
    this.code = code;
  }
}

/** One version of the document as loaded: its number, time and full-state update. */
export interface LoadedVersion {
  readonly term: number;
  readonly seq: number;
  readonly at: number;
  readonly update: Uint8Array;
}

type Ask = { kind: 'list' } | { kind: 'get'; term: number; seq: number };

interface Pending {
  readonly ask: Ask;
  readonly resolve: (v: readonly VersionInfo[] | LoadedVersion) => void;
  readonly reject: (e: Error) => void;
  readonly timer: TimerHandle;
  sent: boolean;
}

/** The version requests of one provider. */
export class VersionRequests {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /**
   * `send` writes a message on the current connection (false when there is none); `ready` says
   * whether that connection is synced.
   */
  constructor(
    private readonly send: (m: ClientMessage) => boolean,
    private readonly ready: () => boolean,
    private readonly scheduler: Scheduler,
    private readonly timeoutMs: number,
  ) {}

  /** The versions the relay keeps, oldest first. */
  list(): Promise<readonly VersionInfo[]> {
    return this.start({ kind: 'list' }) as Promise<readonly VersionInfo[]>;
  }

  /** Version (`term`, `seq`): its time and full-state update. */
  get(term: number, seq: number): Promise<LoadedVersion> {
    return this.start({ kind: 'get', term, seq }) as Promise<LoadedVersion>;
  }

  /** A connection became synced: send every request not yet answered. */
  resend(): void {
    for (const [id, p] of this.pending) this.trySend(id, p);
  }

  /** The connection dropped: what was sent must go again on the next one. */
  connectionLost(): void {
    for (const p of this.pending.values()) p.sent = false;
  }

  /** An answer from the relay. */
  answer(m: VersionsMessage | VersionMessage): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.settle(m.id);
    if (m.type === 'versions') p.resolve(m.versions);
    else if (!m.found)
      p.reject(new VersionError('not-found', `version (${m.term}, ${m.seq}) is not kept by the relay`));
    else p.resolve({ term: m.term, seq: m.seq, at: m.at, update: m.update });
  }

  /** Fail every request (the provider is destroyed). */
  destroy(): void {
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new VersionError('destroyed', 'the provider was destroyed'));
    }
  }

  private start(ask: Ask): Promise<readonly VersionInfo[] | LoadedVersion> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = this.scheduler.setTimer(this.timeoutMs, () => {
        if (!this.pending.has(id)) return;
        this.settle(id);
        reject(new VersionError('timeout', `no answer about versions within ${this.timeoutMs} ms`));
      });
      const p: Pending = { ask, resolve, reject, timer, sent: false };
      this.pending.set(id, p);
      this.trySend(id, p);
    });
  }

  private trySend(id: number, p: Pending): void {
    if (p.sent || !this.ready()) return;
    const m: ClientMessage =
      p.ask.kind === 'list'
        ? { type: 'list-versions', id }
        : { type: 'get-version', id, term: p.ask.term, seq: p.ask.seq };
    p.sent = this.send(m);
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    p?.timer.cancel();
    this.pending.delete(id);
  }
}
