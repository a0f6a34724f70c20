/**
 * Validating the records of an update, one at a time as the planner finds them ready (every
 * dependency known or planned before them), against the document and the records planned so far:
 * the container resolves to a live container of the right kind, origins (and mark anchors) are
 * units of the same sequence, timestamps and counter sums are in range. Nothing here mutates the document.
 */
import { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import { MAX_MARK_KEY, MarkOp } from '../doc/marks.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { ContainerKind } from '../format/kinds.js';
import { MAX_LOGICAL, MAX_WALL } from '../format/marks-bits.js';
import { ContainerValue, NONE, type ParentRef, parentKey, type UpdateRecord } from '../format/records.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import { runIndexAt, type Struct } from '../store/struct-store.js';

/** What a planned-or-existing parent resolves to. */
type ParentInfo = { kind: ContainerKind; obj: Container | null; key: string } | 'dead';

/** Checks ready records in planning order; {@link Validator.add} each one planned. */
export class Validator {
  /** Per replica, the planned records in clock order (created on the first). */
  private planned: Map<number, UpdateRecord[]> | null = null;
  /** Parents resolved so far, by `parentKey` (created on the second parent). */
  private parents: Map<string, ParentInfo> | null = null;
  /** The last parent resolved, by identity: records of one group share their parent object. */
  private lastRef: ParentRef | null = null;
  private lastInfo: ParentInfo | null = null;
  /** Per counter and replica (`"key|replica"`): the sum of its increments so far. */
  private entries: Map<string, number> | null = null;

  constructor(private readonly doc: Doc) {}

  /** Note that `r` (checked) is planned, after every record planned before it. */
  add(r: UpdateRecord): void {
    this.planned ??= new Map();
    let l = this.planned.get(r.client);
    if (l === undefined) {
      l = [];
      this.planned.set(r.client, l);
    }
    l.push(r);
  }

  /**
   * Why `r` cannot be integrated after the records planned so far, or null when it can. A valid
   * counter increment is counted in its replica's sum (call {@link Validator.add} next).
   */
  check(r: UpdateRecord): string | null {
    if (r.t === 3) return null;
    const info = this.parent(r.parent);
    if (typeof info === 'string') return info === 'dead' ? null : info;
    if (r.t === 0) {
      if (info.kind === 'text') {
        if (r.content !== null && typeof r.content !== 'string') return 'list content in a text';
      } else if (info.kind === 'list') {
        if (typeof r.content === 'string') return 'text content in a list';
      } else return `sequence run in a ${info.kind}`;
      if (r.olClient !== NONE) {
        const why = this.origin(info, r.parent, r.olClient, r.olClock);
        if (why !== null) return why;
      }
      return r.orClient === NONE ? null : this.origin(info, r.parent, r.orClient, r.orClock);
    }
    if (r.t === 1) {
      if (info.kind !== 'map') return `map entry in a ${info.kind}`;
      return r.wall > MAX_WALL || r.logical >= MAX_LOGICAL ? 'timestamp out of range' : null;
    }
    if (r.t === 4) {
      if (info.kind !== 'text') return `mark in a ${info.kind}`;
      if (r.key.length > MAX_MARK_KEY) return 'mark key too long';
      if (r.wall > MAX_WALL || r.logical >= MAX_LOGICAL) return 'timestamp out of range';
      if (r.sClient !== NONE) {
        const why = this.origin(info, r.parent, r.sClient, r.sClock);
        if (why !== null) return why;
      }
      return r.eClient === NONE ? null : this.origin(info, r.parent, r.eClient, r.eClock);
    }
    if (info.kind !== 'counter') return `counter operation in a ${info.kind}`;
    // One replica's increments of one counter arrive in its clock order everywhere, so refusing
    // the one that takes their sum out of the safe range is the same on every replica.
    const k = `${info.key}|${r.client}`;
    const ci = this.doc.knownClientIndex(r.client);
    this.entries ??= new Map();
    const before =
      this.entries.get(k) ?? (info.obj !== null && ci !== undefined ? (info.obj as Counter).entryOf(ci) : 0);
    const sum = before + r.delta;
    if (!Number.isSafeInteger(r.delta) || !Number.isSafeInteger(sum))
      return "a replica's counter increments beyond ±(2^53 - 1)";
    this.entries.set(k, sum);
    return null;
  }

  /** The struct or planned record holding `(client, clock)`. */
  private lookup(client: number, clock: number): Struct | UpdateRecord | undefined {
    const doc = this.doc;
    const ci = doc.knownClientIndex(client);
    if (ci !== undefined && clock < doc.store.getState(ci)) return doc.store.find(ci, clock);
    const l = this.planned?.get(client);
    if (l === undefined) return undefined;
    const r = l[runIndexAt(l, clock)];
    return r !== undefined && r.clock <= clock && clock < r.clock + r.len ? r : undefined;
  }

  /** The container `p` resolves to, 'dead', or why it is invalid (cached per parent). */
  private parent(p: ParentRef): ParentInfo | string {
    if (p === this.lastRef && this.lastInfo !== null) return this.lastInfo;
    const key = parentKey(p);
    const cached = this.parents?.get(key);
    if (cached !== undefined) {
      this.lastRef = p;
      this.lastInfo = cached;
      return cached;
    }
    let info: ParentInfo;
    if (p.name !== null) info = { kind: p.kind, obj: this.doc.findRoot(p.kind, p.name) ?? null, key };
    else {
      const h = this.lookup(p.client, p.clock);
      if (h === undefined) return 'container holder not found';
      if (h instanceof GcRun) info = 'dead';
      else if (h instanceof MapEntry) {
        if (h.deleted) info = 'dead';
        else if (h.value instanceof Container) info = { kind: h.value.kind, obj: h.value, key };
        else return 'parent is not a container';
      } else if (h instanceof Item) {
        if (h.deleted) info = 'dead';
        else {
          const v = (h.content as unknown[])[p.clock - h.clock];
          if (v instanceof Container) info = { kind: v.kind, obj: v, key };
          else return 'parent is not a container';
        }
      } else if (h instanceof CounterOp) return 'parent is a counter operation';
      else if (h instanceof MarkOp) return 'parent is a mark';
      else {
        const r = h as UpdateRecord;
        if (r.t === 3) info = 'dead';
        else if (r.t === 1 && r.value === undefined) info = 'dead';
        else if (r.t === 1) {
          if (!(r.value instanceof ContainerValue)) return 'parent is not a container';
          info = { kind: r.value.kind, obj: null, key };
        } else if (r.t === 0) {
          if (r.content === null) info = 'dead';
          else {
            const v = typeof r.content === 'string' ? null : r.content[p.clock - r.clock];
            if (!(v instanceof ContainerValue)) return 'parent is not a container';
            info = { kind: v.kind, obj: null, key };
          }
        } else return r.t === 4 ? 'parent is a mark' : 'parent is a counter operation';
      }
    }
    if (this.lastInfo !== null) {
      this.parents ??= new Map();
      if (this.lastRef !== null) this.parents.set(parentKey(this.lastRef), this.lastInfo);
    }
    this.parents?.set(key, info);
    this.lastRef = p;
    this.lastInfo = info;
    return info;
  }

  /**
   * Why origin `(client, clock)` cannot be used in the container `info` (the record's parent
   * reference `p`), or null.
   */
  private origin(info: ParentInfo & object, p: ParentRef, client: number, clock: number): string | null {
    const o = this.lookup(client, clock);
    if (o === undefined) return 'origin not found';
    if (o instanceof Item) {
      const owner = Sequence.of(o).listener as unknown;
      return info.obj === null || owner !== info.obj ? 'origin in another container' : null;
    }
    if (o instanceof MapEntry || o instanceof CounterOp || o instanceof GcRun || o instanceof MarkOp)
      return 'origin is not a sequence unit';
    const r = o as UpdateRecord;
    if (r.t !== 0) return 'origin in another container';
    // Records of one group share their parent reference: the same object, the same container.
    return r.parent === p || parentKey(r.parent) === info.key ? null : 'origin in another container';
  }
}
