/**
 * What the provider sends to the relay on its own initiative: local document updates (held in
 * the {@link Outbox} until acknowledged) and this session's presence, sent together at the end of
 * the event-loop turn once the connection is synced.
 */
import { encodeMessage, type PresenceState } from '@accord/core/protocol';
import type { Connection } from './connection.js';
import type { DocSync } from './doc-sync.js';
import type { ReportError } from './errors.js';
import { localCopyKind } from './origins.js';
import { Outbox } from './outbox.js';
import { PROVIDER_DEFAULTS, type ProviderOptions } from './provider-options.js';
import type { Scheduler } from './scheduler.js';
import type { Session } from './session.js';

/** What the {@link Sender} needs from the provider it serves. */
export interface SenderHost {
  /** Defers the flush to the end of the task; stamps send times. */
  readonly scheduler: Scheduler;
  /** Sends encoded frames (`false` without an open socket). */
  readonly connection: Pick<Connection, 'send'>;
  /** The origin the provider applies relay updates with: those are not sent back. */
  readonly origin: unknown;
  /** The current connection's state, once its socket opened. */
  session(): Session | undefined;
  /** Emits a typed error. */
  readonly report: ReportError;
}

/**
 * The outbox of local updates and this session's presence, flushed once per event-loop turn: the
 * updates and presence changes of one turn go out together (long runs merged), so a burst of
 * transactions cannot trip the relay's rate limit, and only the last presence state of a turn is
 * sent.
 */
export class Sender {
  /** Local updates not yet acknowledged. */
  readonly outbox: Outbox;
  readonly #host: SenderHost;
  /** This session's presence. */
  #local: PresenceState | null = null;
  /** The encoded presence message to send. */
  #presenceFrame: Uint8Array | undefined;
  /** The local presence must be (re)sent. */
  #presenceDirty = false;
  /** A flush is queued for the end of the task. */
  #flushScheduled = false;
  /** Outbox id of the document's initial content, until the first sync. */
  #initialEntry: number | undefined;

  /** An empty outbox for `docSync`, sized by `options`. */
  constructor(host: SenderHost, docSync: DocSync, options: ProviderOptions) {
    this.#host = host;
    this.outbox = new Outbox({
      merge: (updates) => docSync.merge(updates),
      maxBatchBytes: options.maxBatchBytes ?? PROVIDER_DEFAULTS.maxBatchBytes,
      compactEvery: options.compactEvery ?? PROVIDER_DEFAULTS.compactEvery,
      split: (update, maxBytes) => docSync.split(update, maxBytes),
      maxUpdateBytes: options.maxUpdateBytes ?? PROVIDER_DEFAULTS.maxUpdateBytes,
    });
  }

  /** This session's presence as last set, or `null`. */
  get local(): PresenceState | null {
    return this.#local;
  }

  /**
   * Hold the content the document had before the provider existed (its full state, if any): it
   * must reach the relay too, and shrinks to what the relay lacks at the first handshake.
   */
  holdInitial(fullState: Uint8Array | undefined): void {
    if (fullState !== undefined) this.#initialEntry = this.outbox.add(fullState).id;
  }

  /**
   * Queue what a relay lacks after a handshake: the initial content shrinks to it (or is settled
   * when nothing is missing); later, it goes ahead of the pending writes, in one entry with them
   * (see {@link Outbox.addAhead}).
   */
  queueMissing(missing: Uint8Array | undefined): void {
    if (this.#initialEntry !== undefined) {
      this.outbox.replace(this.#initialEntry, missing);
      this.#initialEntry = undefined;
    } else if (missing !== undefined) this.outbox.addAhead(missing);
  }

  /** A document update: into the outbox unless it came from the relay through this provider. */
  onLocalUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this.#host.origin) return;
    // The browser store's or another tab's: the next handshake's diff sends what the relay lacks;
    // another tab sends its own (and hands over what is unacknowledged when it closes).
    const copy = localCopyKind(origin);
    if (copy === 'tab' || (copy === 'store' && this.#host.session()?.synced !== true)) return;
    this.enqueue(update);
  }

  /** Queue `update` for the relay and schedule a flush. */
  enqueue(update: Uint8Array): void {
    this.outbox.add(update);
    this.scheduleFlush();
  }

  /**
   * Set (or with `null`, clear) this session's presence and schedule sending it.
   * @throws RangeError if a value is not a valid presence value (nothing changes then).
   */
  setPresence(local: PresenceState | null): void {
    // Encode now so an invalid value throws here, not later in the batched send.
    this.#presenceFrame = encodeMessage({ type: 'presence', state: local });
    this.#local = local;
    this.#presenceDirty = true;
    this.scheduleFlush();
  }

  /** A new connection synced: send the presence again with the next flush, if there is one. */
  resendPresence(): void {
    this.#presenceDirty = this.#local !== null;
  }

  /** Flush at the end of the current task (once, however often it is asked). */
  scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    this.#host.scheduler.defer(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }

  /** Send pending presence and every unsent outbox entry, when synced (updates: with write access). */
  flush(): void {
    const host = this.#host;
    const s = host.session();
    if (s === undefined || !s.synced) return;
    if (this.#presenceDirty && this.#presenceFrame !== undefined) {
      this.#presenceDirty = false;
      host.connection.send(this.#presenceFrame);
    }
    if (s.scope !== 'write') {
      if (this.outbox.size > 0 && !s.readOnlyReported) {
        s.readOnlyReported = true;
        host.report('read-only', 'this session is read-only: local edits are not sent', false);
      }
      return;
    }
    const now = host.scheduler.now();
    for (const entry of this.outbox.takeUnsent()) {
      if (!host.connection.send(encodeMessage({ type: 'update', id: entry.id, update: entry.update })))
        return;
      s.sentAt.set(entry.id, now);
    }
  }
}
