/**
 * Register clients for the chaos harness: real `@accord/client` providers issuing
 * `provider.cas` on a few keys of the schedule's document, one operation at a time, and
 * recording every operation's invocation and return (or `returnAt: null` when it timed out or
 * was still pending at the end: its outcome is unknown). The history goes to the
 * linearizability checker (`linearizability.ts`).
 */
import { CasError, WebsocketProvider } from '@accord/client';
import { Doc } from '@accord/core';
import WebSocket from 'ws';
import type { CasHistoryOp, RegisterValue } from './linearizability.js';

/** The keys the register clients contend on (a lock and a flag). */
export const REGISTER_KEYS = ['lock', 'flag'] as const;
/** A cas without a definite answer within this time is recorded as indeterminate. */
export const CAS_TIMEOUT_MS = 4000;
/** Operations one client issues at most (bounds the checker's input). */
const MAX_OPS = 400;

/** One register client. */
export class RegisterClient {
  readonly history: CasHistoryOp[] = [];
  private readonly provider: WebsocketProvider;
  private readonly last = new Map<string, RegisterValue>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private n = 0;

  /** `now`: the clock of the history (ms, monotonic); `rnd`: seeded randomness. */
  constructor(
    readonly name: string,
    urls: string[],
    docId: string,
    private readonly now: () => number,
    private readonly rnd: () => number,
  ) {
    this.provider = new WebsocketProvider(new Doc(), urls, {
      docId,
      WebSocket: WebSocket as never,
      requestTimeoutMs: CAS_TIMEOUT_MS,
    });
    this.provider.on('error', () => {});
  }

  /** Issue operations back to back, pausing up to `pauseMs` between them. */
  start(pauseMs: number): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running && this.history.length < MAX_OPS) {
        await this.one();
        await new Promise((r) => setTimeout(r, this.rnd() * pauseMs));
      }
    })();
  }

  /** Stop issuing; resolves once the operation in flight settled (answered or timed out). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Close the provider (after {@link stop}). */
  destroy(): void {
    this.running = false;
    this.provider.destroy();
  }

  private async one(): Promise<void> {
    const key = REGISTER_KEYS[Math.floor(this.rnd() * REGISTER_KEYS.length)] ?? 'lock';
    const seen = this.last.get(key) ?? null;
    // Mostly a cas from what this client saw last (it may be stale: that is the point), else
    // "only if absent"; now and then a release (next: null).
    const expected = this.rnd() < 0.7 ? seen : null;
    const next = this.rnd() < 0.1 ? null : `${this.name}-${++this.n}`;
    const op: CasHistoryOp = {
      process: this.name,
      op: 'cas',
      key,
      expected,
      next,
      invokeAt: this.now(),
      returnAt: null,
      result: null,
    };
    this.history.push(op);
    try {
      const r = await this.provider.cas(key, expected, next);
      op.returnAt = this.now();
      op.result = { ok: r.ok, value: r.value };
      this.last.set(key, r.value);
    } catch (e) {
      // timeout / unknown / destroyed: indeterminate (it may have been applied); refused/invalid: not applied
      if (e instanceof CasError && (e.code === 'refused' || e.code === 'invalid')) this.history.pop();
      if (!(e instanceof CasError)) throw e;
    }
  }
}
