/**
 * The provider's compare-and-set requests (`provider.cas`) on the document's linearizable
 * register. A request waits for a synced connection, and is sent again when the relay answers
 * `retry` (no leader yet: nothing was applied). It settles with the first `done` answer, or fails
 * with a typed {@link CasError}. When its outcome became uncertain (the relay answered `unknown`:
 * the leader lost its majority mid-write; or the connection dropped after it was sent) it fails
 * with `unknown` instead of being sent again: the relay remembers the last few operation ids of
 * a key, not every one, so a late resend could be applied a second time or answered as if it had
 * not been, and a caller must never be told a wrong outcome. Never an unhandled rejection: every
 * promise handed out is the caller's.
 */
import {
  type CasResultMessage,
  type ClientMessage,
  type RegisterValue,
  registerKeyProblem,
  registerValueProblem,
} from '@accord/core/protocol';
import type { Scheduler, TimerHandle } from './scheduler.js';

/** Why a compare-and-set failed. */
export type CasErrorCode = 'invalid' | 'refused' | 'timeout' | 'unknown' | 'destroyed';

/**
 * A compare-and-set that did not complete: `invalid` (a key or value out of bounds: nothing
 * sent), `refused` (the relay refused it: read-only session or a limit; not applied), `timeout`
 * (no definite answer in time) and `unknown` (a failover or a lost majority while it was in
 * flight): for both it may or may not have been applied, so read the register (a `cas` whose
 * `expected` is the value you would set tells you), `destroyed`.
 */
export class CasError extends Error {
  /** Machine-readable reason. */
  readonly code: CasErrorCode;

  constructor(code: CasErrorCode, message: string) {
    super(message);
    this.name = 'CasError';
    this.code = code;
  }
}

/** The outcome of a compare-and-set: whether it applied, and the register's value after it. */
export interface CasResult {
  readonly ok: boolean;
  readonly value: RegisterValue;
}

interface Pending {
  readonly msg: ClientMessage & { type: 'cas' };
  readonly resolve: (r: CasResult) => void;
  readonly reject: (e: Error) => void;
  readonly deadline: TimerHandle;
  retry: TimerHandle | null;
  attempts: number;
  sent: boolean;
}

/** 128 random bits in base 36 (with a `Math.random` fallback where `crypto` is missing). */
function randomPrefix(): string {
  const words = new Uint32Array(4);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(words);
  else for (let i = 0; i < 4; i++) words[i] = Math.floor(Math.random() * 2 ** 32);
  return Array.from(words, (w) => w.toString(36)).join('');
}

/** The compare-and-set requests of one provider. */
export class CasRequests {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly prefix: string;

  /**
   * `send` writes on the current connection (false when there is none); `ready` says whether it
   * is synced; `prefix` makes this provider's operation ids unique in the cluster (default: 128
   * random bits from `crypto.getRandomValues`). The relay deduplicates retries by operation id,
   * so two providers sharing a prefix would see each other's operations as retries: never pass
   * a fixed one outside tests.
   */
  constructor(
    private readonly send: (m: ClientMessage) => boolean,
    private readonly ready: () => boolean,
    private readonly scheduler: Scheduler,
    private readonly timeoutMs: number,
    prefix: string = randomPrefix(),
  ) {
    this.prefix = prefix;
  }

  /** Start `cas(key, expected, next)`. */
  cas(key: string, expected: RegisterValue, next: RegisterValue): Promise<CasResult> {
    const problem = registerKeyProblem(key) ?? registerValueProblem(expected) ?? registerValueProblem(next);
    if (problem !== null) return Promise.reject(new CasError('invalid', problem));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const deadline = this.scheduler.setTimer(this.timeoutMs, () => {
        if (!this.settle(id)) return;
        reject(
          new CasError(
            'timeout',
            `no definite cas answer within ${this.timeoutMs} ms; it may have been applied`,
          ),
        );
      });
      const msg = { type: 'cas' as const, id, opId: `${this.prefix}-${id}`, key, expected, next };
      const p: Pending = { msg, resolve, reject, deadline, retry: null, attempts: 0, sent: false };
      this.pending.set(id, p);
      this.trySend(p);
    });
  }

  /** A connection became synced: send every request not yet answered. */
  resend(): void {
    for (const p of this.pending.values()) this.trySend(p);
  }

  /**
   * The connection dropped: a request not sent yet goes on the next one; one already sent may
   * have been applied, so it fails with `unknown`.
   */
  connectionLost(): void {
    for (const [id, p] of [...this.pending]) {
      if (!p.sent) continue;
      this.settle(id);
      p.reject(
        new CasError(
          'unknown',
          'the connection dropped while the cas was in flight; it may have been applied',
        ),
      );
    }
  }

  /** An answer from the relay. */
  answer(m: CasResultMessage): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    if (m.status === 'done') {
      this.settle(m.id);
      p.resolve({ ok: m.ok, value: m.value });
    } else if (m.status === 'refused') {
      this.settle(m.id);
      p.reject(new CasError('refused', 'the relay refused the cas (read-only session or a limit)'));
    } else if (m.status === 'unknown') {
      this.settle(m.id);
      p.reject(
        new CasError('unknown', 'the leader lost its majority during the cas; it may have been applied'),
      );
    } else if (p.retry === null) {
      // retry (nothing applied): again after a short backoff
      p.sent = false;
      const delay = Math.min(1000, 25 * 2 ** Math.min(p.attempts, 6));
      p.retry = this.scheduler.setTimer(delay, () => {
        p.retry = null;
        this.trySend(p);
      });
    }
  }

  /** Fail every request (the provider is destroyed). */
  destroy(): void {
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new CasError('destroyed', 'the provider was destroyed'));
    }
  }

  private trySend(p: Pending): void {
    if (p.sent || p.retry !== null || !this.ready()) return;
    p.sent = this.send(p.msg);
    if (p.sent) p.attempts++;
  }

  private settle(id: number): boolean {
    const p = this.pending.get(id);
    if (p === undefined) return false;
    p.deadline.cancel();
    p.retry?.cancel();
    this.pending.delete(id);
    return true;
  }
}
