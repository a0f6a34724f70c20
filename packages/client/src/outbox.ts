/**
 * The outbox: local updates the relay has not yet acknowledged as durable. Every local update
 * enters it the moment it is made (online or not) and leaves it only when the relay acknowledges
 * its id. After a reconnect or failover everything still in it is sent again; updates are
 * idempotent CRDT updates, so a node that already had one simply ignores the copy.
 *
 * While nothing is in flight the outbox compacts runs of small updates into one with the merge
 * function (`mergeUpdates` from `@accord/core`), so a long offline session costs one update per
 * batch on reconnect, not one frame per keystroke, and memory stays close to the size of the edits.
 */

/** One pending update with the wire id it was (or will be) sent under. */
export interface OutboxEntry {
  /** Wire id; unique for the life of the outbox, strictly increasing. */
  readonly id: number;
  /** The update bytes. */
  readonly update: Uint8Array;
  /** Lowest local sequence number this entry covers (merged entries cover several). */
  readonly firstSeq: number;
  /** Highest local sequence number this entry covers. */
  readonly lastSeq: number;
}

/** Tuning for {@link Outbox}. */
export interface OutboxOptions {
  /** Merge updates into one (associative, commutative, idempotent): `mergeUpdates` from core. */
  readonly merge: (updates: Uint8Array[]) => Uint8Array;
  /** A merged batch is closed once its inputs reach this many bytes. Default 256 KiB. */
  readonly maxBatchBytes?: number;
  /** Unsent runs shorter than this are sent as they are, not merged. Default 4. */
  readonly mergeMinEntries?: number;
  /** While offline, compact once this many unsent entries pile up. Default 256. */
  readonly compactEvery?: number;
  /**
   * Split an update into parts of at most `maxBytes` (`splitUpdate` from core). Without it,
   * entries are sent whatever their size.
   */
  readonly split?: (update: Uint8Array, maxBytes: number) => Uint8Array[];
  /** Entries larger than this are split before they are sent. Default 512 KiB. */
  readonly maxUpdateBytes?: number;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (reason: Error) => void;
}

interface MutableEntry {
  id: number;
  update: Uint8Array;
  firstSeq: number;
  lastSeq: number;
  sent: boolean;
}

/**
 * Ordered pending updates, acknowledgement by id, resend after failover, merge of long runs, and
 * waiters for "everything up to now is durable". Pure: no timers, no sockets.
 */
export class Outbox {
  private readonly entries = new Map<number, MutableEntry>();
  private readonly merge: (updates: Uint8Array[]) => Uint8Array;
  private readonly maxBatchBytes: number;
  private readonly mergeMinEntries: number;
  private readonly compactEvery: number;
  private readonly split: ((update: Uint8Array, maxBytes: number) => Uint8Array[]) | undefined;
  private readonly maxUpdateBytes: number;
  private nextId = 1;
  private nextSeq = 1;
  private unsentSinceCompact = 0;
  private waiters: Waiter[] = [];

  /** @throws RangeError when a size option is not a positive integer. */
  constructor(options: OutboxOptions) {
    this.merge = options.merge;
    this.maxBatchBytes = positive('maxBatchBytes', options.maxBatchBytes ?? 256 * 1024);
    this.mergeMinEntries = positive('mergeMinEntries', options.mergeMinEntries ?? 4);
    this.compactEvery = positive('compactEvery', options.compactEvery ?? 256);
    this.split = options.split;
    this.maxUpdateBytes = positive('maxUpdateBytes', options.maxUpdateBytes ?? 512 * 1024);
  }

  /** Number of pending (unacknowledged) entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Total bytes of pending updates. */
  get pendingBytes(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.update.length;
    return total;
  }

  /** The local sequence number the next {@link add} gets; everything below it was added already. */
  get seq(): number {
    return this.nextSeq;
  }

  /** Pending entries in send order (snapshot; mutating the outbox does not change it). */
  pending(): OutboxEntry[] {
    return [...this.entries.values()].map(freeze);
  }

  /**
   * Record a local update. It is unsent until {@link takeUnsent} hands it out.
   * May compact unsent entries when `compactEvery` of them have piled up.
   */
  add(update: Uint8Array): OutboxEntry {
    const seq = this.nextSeq++;
    const entry: MutableEntry = { id: this.nextId++, update, firstSeq: seq, lastSeq: seq, sent: false };
    this.entries.set(entry.id, entry);
    if (++this.unsentSinceCompact >= this.compactEvery) this.compact();
    return freeze(entry);
  }

  /**
   * Record an update that must not reach the relay after any unsent entry: it is merged with every
   * unsent entry into one, which takes the place of the first of them (with no unsent entry, this
   * is {@link add}). After a failover the update is what the new node lacks of the document,
   * what this session read elsewhere included: sent ahead of (and in one frame with) the
   * session's own pending writes, no node ever holds one of those writes without what the
   * session had read before making it (writes-follow-reads).
   */
  addAhead(update: Uint8Array): OutboxEntry {
    const unsent = [...this.entries.values()].filter((e) => !e.sent);
    const first = unsent[0];
    if (first === undefined) return this.add(update);
    const seq = this.nextSeq++;
    const entry: MutableEntry = {
      id: this.nextId++,
      update: this.merge([update, ...unsent.map((e) => e.update)]),
      firstSeq: Math.min(...unsent.map((e) => e.firstSeq)),
      lastSeq: seq,
      sent: false,
    };
    const rebuilt: MutableEntry[] = [];
    for (const e of this.entries.values()) {
      if (e === first) rebuilt.push(entry);
      else if (e.sent) rebuilt.push(e);
    }
    this.entries.clear();
    for (const e of rebuilt) this.entries.set(e.id, e);
    this.unsentSinceCompact = 1;
    return freeze(entry);
  }

  /**
   * The relay acknowledged `id` as durable: drop it and resolve the waiters it was holding up.
   * Unknown ids (duplicates, or acks for entries since merged into another) are ignored.
   * @returns whether an entry was removed.
   */
  ack(id: number): boolean {
    if (!this.entries.delete(id)) return false;
    this.settleWaiters();
    return true;
  }

  /**
   * The connection was lost: every pending entry must be sent again on the next one, and runs of
   * them may now be merged.
   */
  markAllUnsent(): void {
    let n = 0;
    for (const e of this.entries.values()) {
      e.sent = false;
      n++;
    }
    this.unsentSinceCompact = n;
  }

  /**
   * Hand out every unsent entry, in order, and mark them sent. Runs of at least `mergeMinEntries`
   * unsent entries are first merged into batches of at most about `maxBatchBytes` each, and
   * entries over `maxUpdateBytes` are split into parts that each fit (a relay closes the
   * connection on a frame over its limit). An entry that cannot be split (one value over the
   * limit) is handed out whole.
   */
  takeUnsent(): OutboxEntry[] {
    this.compact();
    this.splitOversized();
    const out: OutboxEntry[] = [];
    for (const e of this.entries.values()) {
      if (e.sent) continue;
      e.sent = true;
      out.push(freeze(e));
    }
    this.unsentSinceCompact = 0;
    return out;
  }

  /**
   * A promise that resolves once every update added so far has been acknowledged (later
   * additions do not hold it up). Resolves at once when nothing is pending.
   */
  whenAcknowledged(): Promise<void> {
    const seq = this.nextSeq - 1;
    if (this.lowestPendingSeq() > seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
    });
  }

  /** Replace each unsent entry over `maxUpdateBytes` by its parts (same sequence numbers, new ids). */
  private splitOversized(): void {
    const split = this.split;
    if (split === undefined) return;
    let oversized = false;
    for (const e of this.entries.values())
      if (!e.sent && e.update.length > this.maxUpdateBytes) oversized = true;
    if (!oversized) return;
    const rebuilt: MutableEntry[] = [];
    for (const e of this.entries.values()) {
      let parts: Uint8Array[] | null = null;
      if (!e.sent && e.update.length > this.maxUpdateBytes) {
        try {
          parts = split(e.update, this.maxUpdateBytes);
        } catch {
          parts = null; // indivisible: sent whole, and the relay's refusal is reported
        }
      }
      if (parts === null || parts.length < 2) rebuilt.push(e);
      else
        for (const update of parts)
          rebuilt.push({ id: this.nextId++, update, firstSeq: e.firstSeq, lastSeq: e.lastSeq, sent: false });
    }
    this.entries.clear();
    for (const e of rebuilt) this.entries.set(e.id, e);
  }

  /** Merge runs of unsent entries (see {@link takeUnsent}). Sent entries are never touched. */
  compact(): void {
    const unsent = [...this.entries.values()].filter((e) => !e.sent);
    if (unsent.length < this.mergeMinEntries) return;
    const batches: MutableEntry[][] = [];
    let batch: MutableEntry[] = [];
    let bytes = 0;
    for (const e of unsent) {
      if (batch.length > 0 && bytes + e.update.length > this.maxBatchBytes) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(e);
      bytes += e.update.length;
    }
    if (batch.length > 0) batches.push(batch);
    const merged = new Map<MutableEntry, MutableEntry>();
    for (const b of batches) {
      if (b.length < 2) continue;
      const first = b[0] as MutableEntry;
      const update = this.merge(b.map((e) => e.update));
      const entry: MutableEntry = {
        id: this.nextId++,
        update,
        firstSeq: Math.min(...b.map((e) => e.firstSeq)),
        lastSeq: Math.max(...b.map((e) => e.lastSeq)),
        sent: false,
      };
      merged.set(first, entry);
      for (const e of b) if (e !== first) merged.set(e, entry);
    }
    if (merged.size === 0) return;
    // Rebuild in order: a merged entry takes the place of its first member.
    const rebuilt: MutableEntry[] = [];
    const placed = new Set<MutableEntry>();
    for (const e of this.entries.values()) {
      const replacement = merged.get(e);
      if (replacement === undefined) rebuilt.push(e);
      else if (!placed.has(replacement)) {
        placed.add(replacement);
        rebuilt.push(replacement);
      }
    }
    this.entries.clear();
    for (const e of rebuilt) this.entries.set(e.id, e);
    this.unsentSinceCompact = 0;
  }

  /**
   * Swap the bytes of an unsent entry (e.g. the document's initial state for just the part the
   * relay turned out to lack), or with `undefined` settle it as already held by the relay.
   * Waiters keep covering it. Sent or unknown entries are left alone.
   * @returns whether the entry was changed.
   */
  replace(id: number, update: Uint8Array | undefined): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.sent) return false;
    if (update === undefined) return this.ack(id);
    entry.update = update;
    return true;
  }

  /**
   * Remove an entry the relay refused for good (e.g. malformed). It will never be acknowledged,
   * so every waiter that covers it is rejected with `reason`.
   * @returns whether an entry was removed.
   */
  discard(id: number, reason: Error): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq >= entry.firstSeq) w.reject(reason);
      else still.push(w);
    }
    this.waiters = still;
    this.settleWaiters();
    return true;
  }

  /** Drop every entry and reject every waiter with `reason` (used by `destroy()`). */
  clear(reason: Error): void {
    this.entries.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(reason);
  }

  /** Entries stay ordered by `firstSeq` (a merged entry takes its first member's place). */
  private lowestPendingSeq(): number {
    for (const e of this.entries.values()) return e.firstSeq;
    return Number.POSITIVE_INFINITY;
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const lowest = this.lowestPendingSeq();
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (lowest > w.seq) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}

function freeze(e: MutableEntry): OutboxEntry {
  return { id: e.id, update: e.update, firstSeq: e.firstSeq, lastSeq: e.lastSeq };
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}
