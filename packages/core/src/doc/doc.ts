/**
 * The Accord document: named root containers (maps, lists, texts, counters) that nest, one struct
 * store holding every change, transactions that batch changes into one update and one round of
 * events, and the `'update'` event that carries the binary update of each transaction.
 */
import { randomReplicaId } from '../clock/dot.js';
import { HybridClock } from '../clock/hlc.js';
import { AccordError } from '../errors.js';
import { type ContainerKind, KINDS } from '../format/kinds.js';
import type { UpdateRecord } from '../format/records.js';
import { emptyObjectArray } from '../object-array.js';
import { Item } from '../sequence/item.js';
import { StructStore } from '../store/struct-store.js';
import { Blocks } from './blocks.js';
import { DocMap, List } from './collections.js';
import type { Container } from './container.js';
import { Counter } from './counter.js';
import { deliverEvents } from './deliver-events.js';
import { type DocOptions, limit, type UpdateListener } from './doc-options.js';
import { encodeTransaction } from './encode-transaction.js';
import { HeldRanges, HeldStructs } from './pending.js';
import { docJSON } from './root-json.js';
import { holdKind, holdShapes } from './shape-anchor.js';
import { MapEntry } from './structs.js';
import { Text } from './text.js';
import { openTransaction, parkTransaction, type Transaction } from './transaction.js';
import { UpdateListeners } from './update-listeners.js';

/**
 * A replicated JSON document. Changes made on one replica reach others as binary updates
 * (`doc.on('update')`, `encodeStateAsUpdate`) and merge with `applyUpdate` in any order, any
 * number of times: replicas that saw the same updates have equal content.
 */
export class Doc {
  /** This replica's id. */
  readonly clientId: number;
  /** Every struct, by client index. @internal */
  readonly store = new StructStore();
  /** Clock for map write timestamps. @internal */
  readonly hlc: HybridClock;
  /** Replica ids by client index (index 0 is this replica). @internal */
  readonly clientIds: number[] = [];
  private readonly clientIndexes = new Map<number, number>();
  private readonly roots = new Map<string, Container>();
  /**
   * The root text the last remote keystroke went to (`apply-keystroke.ts`), so the next one to
   * the same name skips the key building and map lookup of {@link findRoot}. Roots are never
   * removed, so it stays valid. @internal
   */
  keystrokeText: Container | null = null;
  private txn: Transaction | null = null;
  private readonly updateListeners = new UpdateListeners();
  private dirtyContainers = emptyObjectArray<Container>();
  /** Number of observers of any container (0 lets edits skip event bookkeeping). @internal */
  observerCount = 0;
  /** Bound on held structs and on held deleted ranges (see {@link DocOptions.maxPending}). */
  readonly maxPending: number;
  /** Bound on the estimated bytes of held structs (see {@link DocOptions.maxPendingBytes}). */
  readonly maxPendingBytes: number;
  /** Structs waiting for missing dependencies, under the replica and clock each waits for. @internal */
  readonly pendingStructs = new HeldStructs();
  private frozen = false;
  /** Deletions of ids not received yet, under their replica and first clock. @internal */
  readonly pendingDeletes = new HeldRanges();
  private changes = 0;
  private releases = 0;

  /**
   * @throws {AccordError} `invalid-argument` for an invalid `clientId`, or limits that are not
   * non-negative safe integers.
   */
  constructor(options: DocOptions = {}) {
    const id = options.clientId ?? randomReplicaId();
    this.hlc = new HybridClock(id, options.now);
    this.maxPending = limit(options.maxPending, 100_000, 'maxPending');
    this.maxPendingBytes = limit(options.maxPendingBytes, 16 * 2 ** 20, 'maxPendingBytes');
    this.clientId = id;
    this.clientIndex(id);
    holdShapes(Doc);
  }

  /**
   * The document that holds `container`, typed as a `Doc` (`container.doc` is typed
   * `DocCore`, the part containers use, so that the container modules do not depend on
   * this one).
   * @throws {AccordError} `invalid-argument` if `container.doc` is not a `Doc` (it always is for
   * containers made by a `Doc`).
   */
  static of(container: Container): Doc {
    const doc = container.doc;
    if (!(doc instanceof Doc)) throw new AccordError('invalid-argument', 'the container belongs to no Doc');
    return doc;
  }

  /**
   * Structs held back for missing dependencies (not part of the content yet), in no particular
   * order. Builds a new array each call (O(held)); use {@link Doc.pendingCount} to test for any.
   * @internal
   */
  get pending(): UpdateRecord[] {
    const out: UpdateRecord[] = [];
    for (const [, e] of this.pendingStructs.entries()) out.push(e.r);
    return out;
  }

  /** Number of structs held back for missing dependencies. */
  get pendingCount(): number {
    return this.pendingStructs.size;
  }

  /**
   * Number of deletions held back because the deleted ids have not arrived yet (each applies as
   * soon as its ids do). With {@link Doc.pendingCount} at 0 too, the document lacks nothing it
   * has heard of.
   */
  get pendingDeleteCount(): number {
    return this.pendingDeletes.size;
  }

  /**
   * How many transactions changed this document so far: local edits, and applied updates that
   * integrated a struct or deleted an id not deleted yet. Compare it before and after
   * `applyUpdate` to learn whether an update brought anything new (applying one this document
   * already holds leaves it as it was). Structs and deletions held back for missing dependencies
   * are no change yet: {@link Doc.pendingCount} and {@link Doc.pendingDeleteCount} show them.
   * Inside an open transaction it moves when the outermost transaction commits.
   */
  get changeCount(): number {
    return this.changes;
  }

  /**
   * How many held structs and held deletions applied updates released so far: a struct held for a
   * missing dependency that was integrated, or a held deleted range some of whose ids arrived (the
   * rest stays held and counts again when released). When it moves during `applyUpdate`, the
   * update changed the document by more than it carries: the `'update'` event's bytes hold what
   * it released too. Holding more, applying again what is held, or a refused update leave it as it
   * was.
   */
  get releaseCount(): number {
    return this.releases;
  }

  /** Count `n` held structs and deleted ranges released by an update being applied. @internal */
  countReleases(n: number): void {
    this.releases += n;
  }

  /** Estimated bytes of the structs held back (see {@link DocOptions.maxPendingBytes}). */
  get pendingBytes(): number {
    return this.pendingStructs.bytes;
  }

  /** The local index of replica `id`, assigned on first use. @internal */
  clientIndex(id: number): number {
    let i = this.clientIndexes.get(id);
    if (i === undefined) {
      i = this.clientIds.length;
      this.clientIds.push(id);
      this.clientIndexes.set(id, i);
    }
    return i;
  }

  /** The local index of replica `id`, or undefined when this document never heard of it. @internal */
  knownClientIndex(id: number): number | undefined {
    return this.clientIndexes.get(id);
  }

  /** Replica `id`'s next clock here: how many of its units this document holds (0 if it never heard of it). @internal */
  knownState(id: number): number {
    const ci = this.clientIndexes.get(id);
    return ci === undefined ? 0 : this.store.getState(ci);
  }

  /** Next clock of this replica. @internal */
  get nextClock(): number {
    return this.store.getState(0);
  }

  /**
   * The text named `name` (created empty on first use).
   * @throws {AccordError} `invalid-argument` when `name` is a root of another kind here (see
   * {@link Doc.getRoot}).
   */
  getText(name: string): Text {
    return this.getRoot('text', name) as Text;
  }

  /**
   * The blocks (paragraphs, headings, list items, ... with rich text) named `name`: the view
   * `Blocks.of(text)` of the text root `name` (created empty on first use), so the name is a
   * text root and `getText(name)` gives the text holding the blocks.
   * @throws {AccordError} as {@link Doc.getText}.
   */
  getBlocks(name: string): Blocks {
    return Blocks.of(this.getText(name));
  }

  /**
   * The map named `name` (created empty on first use).
   * @throws {AccordError} as {@link Doc.getText}.
   */
  getMap(name: string): DocMap {
    return this.getRoot('map', name) as DocMap;
  }

  /**
   * The list named `name` (created empty on first use).
   * @throws {AccordError} as {@link Doc.getText}.
   */
  getList(name: string): List {
    return this.getRoot('list', name) as List;
  }

  /**
   * The counter named `name` (created at 0 on first use).
   * @throws {AccordError} as {@link Doc.getText}.
   */
  getCounter(name: string): Counter {
    return this.getRoot('counter', name) as Counter;
  }

  /**
   * The root container `name` of `kind`, created on first use. A name has one kind: asking for
   * it with another kind than the one this document already has is a programming error.
   *
   * Two replicas can still create the same name with different kinds concurrently (neither can
   * see the other's choice). Then both roots exist on every replica that received both: no
   * update is refused and no content is lost (`encodeStateAsUpdate` carries both), `get*` of
   * either kind returns its root, {@link Doc.rootKinds} lists the kinds, and `toJSON()` shows
   * both (see {@link Doc.toJSON}), identically on every replica whatever the delivery order.
   * @throws {AccordError} `invalid-argument` for a non-string name, or when `name` exists here
   * only with other kinds (the message names them and `kind`).
   */
  getRoot(kind: ContainerKind, name: string): Container {
    if (typeof name !== 'string') throw new AccordError('invalid-argument', 'root name must be a string');
    const c = this.roots.get(`${kind}:${name}`);
    if (c !== undefined) return c;
    const others = this.rootKinds(name);
    if (others.length > 0) {
      throw new AccordError(
        'invalid-argument',
        `root "${name}" is a ${others.join(' and a ')} in this document; it cannot also be a ${kind}`,
      );
    }
    return this.root(kind, name);
  }

  /**
   * @internal The root container `name` of `kind`, created on first use even when the name has
   * another kind (remote updates: a concurrent creation under another kind is kept, not refused).
   */
  root(kind: ContainerKind, name: string): Container {
    const key = `${kind}:${name}`;
    let c = this.roots.get(key);
    if (c === undefined) {
      c = this.createContainer(kind, name, -1, -1, null);
      this.roots.set(key, c);
    }
    return c;
  }

  /** The root container `name` of `kind` if it exists (never creates one). */
  findRoot(kind: ContainerKind, name: string): Container | undefined {
    return this.roots.get(`${kind}:${name}`);
  }

  /**
   * The kinds root `name` has in this document, in the fixed order map, list, text, counter:
   * none before first use, one normally, several only after replicas created the name
   * concurrently with different kinds (a conflict the application may resolve by moving the
   * content into one of them).
   */
  rootKinds(name: string): ContainerKind[] {
    return KINDS.filter((k) => this.roots.has(`${k}:${name}`));
  }

  /** Make a container object (no struct is created); `concurrent` applies to maps (`MapOptions`). @internal */
  createContainer(
    kind: ContainerKind,
    rootName: string | null,
    holderClient: number,
    holderClock: number,
    parent: Container | null,
    concurrent = false,
  ): Container {
    holdKind(kind);
    switch (kind) {
      case 'text':
        return new Text(this, rootName, holderClient, holderClock, parent);
      case 'list':
        return new List(this, rootName, holderClient, holderClock, parent);
      case 'map':
        return new DocMap(this, rootName, holderClient, holderClock, parent, concurrent);
      case 'counter':
        return new Counter(this, rootName, holderClient, holderClock, parent);
    }
  }

  /** Root containers in creation order. */
  rootEntries(): IterableIterator<[string, Container]> {
    return this.roots.entries();
  }

  /** True while the struct holding nested container `c` is not deleted. @internal */
  holderAlive(c: Container): boolean {
    const s = this.store.find(c.holderClient, c.holderClock);
    if (s instanceof MapEntry || s instanceof Item) return !s.deleted;
    return false;
  }

  /**
   * The whole document as plain JSON: `{ rootName: value }`, root names sorted.
   *
   * A name with several kinds (created concurrently with different kinds, see
   * {@link Doc.getRoot}) shows the value of each kind that holds content, as an object keyed by
   * kind in the order map, list, text, counter (`{ text: 'hello', map: { x: 1 } }` is shown as
   * `{ map: { x: 1 }, text: 'hello' }`); a kind whose value is empty (`{}`, `[]`, `''`, `0`) is
   * left out, so a root merely read here (`getText` without edits) does not make a conflict that
   * other replicas cannot see; with one kind left, its value is shown as usual. The result is
   * the same on every replica that received the same updates, whatever the order.
   */
  toJSON(): Record<string, unknown> {
    return docJSON(this.roots.values());
  }

  /**
   * Run `fn` as one transaction: every change inside becomes one update (one `'update'` event)
   * and one round of observer events, tagged with `origin`. Nested calls join the outer one.
   * If `fn` throws, changes made before the throw stay (they are already part of the document)
   * and are still emitted; the error propagates.
   */
  transact<T>(fn: () => T, origin: unknown = null): T {
    const opened = this.begin(origin, true);
    try {
      return fn();
    } finally {
      if (opened) this.commit();
    }
  }

  /**
   * Freeze the document: from now on every change, local or applied, throws
   * `AccordError('read-only')` and leaves it as it is. For documents that show a fixed state,
   * such as a version loaded from the history. Cannot be undone.
   */
  freeze(): void {
    this.frozen = true;
  }

  /** Whether {@link freeze} was called. */
  get readOnly(): boolean {
    return this.frozen;
  }

  /** Open a transaction unless one is open; returns true when this call opened it. @internal */
  begin(origin: unknown = null, local = true): boolean {
    if (this.frozen) throw new AccordError('read-only', 'this document is read-only');
    if (this.txn !== null) return false;
    this.txn = openTransaction(origin, local, this.store.getState(0));
    return true;
  }

  /** The open transaction (internal: only valid between `begin` and `commit`). @internal */
  get transaction(): Transaction {
    return this.txn as Transaction;
  }

  /** Record units deleted in the open transaction. @internal */
  recordDelete(client: number, clock: number, len: number): void {
    (this.txn as Transaction).addDelete(client, clock, len);
  }

  /** Note that `c` has events to deliver at commit. @internal */
  markDirty(c: Container): void {
    this.dirtyContainers.push(c);
  }

  /**
   * Close the open transaction: deliver events, then the update. A listener that throws does not
   * stop the others (the update still reaches every `'update'` listener, so no change is lost to
   * sync); the first error is rethrown once all were called.
   * @internal
   */
  commit(): void {
    const t = this.txn as Transaction;
    this.txn = null;
    const changed = t.changed(this.store);
    if (changed) this.changes++;
    // Nothing to deliver (an applied update nobody listens to): no closure to make.
    if (this.dirtyContainers.length === 0 && this.updateListeners.size === 0) {
      parkTransaction(t);
      return;
    }
    let failure: { error: unknown } | null = null;
    if (this.dirtyContainers.length > 0) {
      const guard = (fn: () => void): void => {
        try {
          fn();
        } catch (error) {
          if (failure === null) failure = { error };
        }
      };
      const dirty = this.dirtyContainers;
      this.dirtyContainers = [];
      deliverEvents(dirty, t, guard);
    }
    if (changed && this.updateListeners.size > 0) {
      const bytes = t.verbatim !== null ? t.verbatim.slice() : encodeTransaction(this, t);
      const failed = this.updateListeners.notify(bytes, t.origin);
      if (failure === null) failure = failed;
    }
    parkTransaction(t);
    if (failure !== null) throw (failure as { error: unknown }).error;
  }

  /** Listen to the binary update of every transaction. */
  on(event: 'update', fn: UpdateListener): void {
    if (event !== 'update') throw new AccordError('invalid-argument', `unknown event ${String(event)}`);
    this.updateListeners.add(fn);
  }

  /** Stop listening. */
  off(event: 'update', fn: UpdateListener): void {
    if (event !== 'update') return;
    this.updateListeners.remove(fn);
  }
}

export type { DocOptions, UpdateListener } from './doc-options.js';
