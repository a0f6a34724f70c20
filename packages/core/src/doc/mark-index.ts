/**
 * The marks of a text resolved to visible positions, kept current through its local edits one by
 * one (`Text` keeps one while only its own keystrokes change the sequence), so that reading the
 * formatting at one place, or all of it, resolves no anchor again.
 *
 * Mark `j` has two boundaries: its start (boundary `2j`) and its end (`2j + 1`), each the number of
 * visible units before its anchor. An edit moves a boundary as follows. An insert of `n` units at
 * `p` after the unit (`lc`, `lk`) moves every boundary above `p` by `n`, and one at `p` too unless
 * its anchor sits after that very unit (it then stays before the new text). A delete of `n` units
 * at `p` moves boundaries at or past the deleted range back by `n` and those inside it to `p`. Both
 * are non-decreasing functions of the position, so boundaries sorted by position stay sorted
 * (among equal ones, those held back go first).
 *
 * So the boundaries live in one list sorted by position, with a Fenwick tree over the gaps between
 * neighbours: an edit moves a suffix of the list in O(log b), plus the boundaries at an insert's
 * place or inside a deleted range (each is moved on its own; at an insert's place only those
 * anchored after the unit before it are looked at, found by that unit). A new mark waits in a
 * side list that edits do not touch, until the next read finds more than {@link SIDE_MARKS} of them
 * or an eighth as many boundaries as the list holds wait (so a burst of marks costs O(log b)
 * each): then they are resolved from their anchors (which give where they are after every edit
 * since) and merged into the sorted list from the back, only the slots from the first new one's
 * place moving. Reading the
 * formatting at `q` needs no position for listed marks: with `S` the number of listed boundaries
 * at or before `q` (one descent of the tree), one covers `q` exactly when its start's slot is
 * below `S` and its end's is not; the few waiting marks are resolved from their anchors.
 */

import { setOwn } from '../own-keys.js';
import { NO_CLIENT } from '../sequence/item.js';
import type { Sequence } from '../sequence/sequence.js';
import { BoundarySlots, sortedOrder } from './boundary-slots.js';
import { anchorBoundary, type MarkInterval, type MarkOp, markWins } from './marks.js';
import type { Attributes } from './text-delta.js';

/**
 * In place of the unit before an insert: the text went after tombstones (`insertAfterDead`), so
 * whether a boundary at its place moves past it depends on where among them its anchor sits: it is
 * read from the anchor (the sequence already holds the text).
 */
export const AFTER_TOMBSTONES = -2;

/** New marks kept in the side list before they are merged into the sorted one. */
export const SIDE_MARKS = 32;

/**
 * What new indexes take as their side list's size ({@link SIDE_MARKS}): tests lower it so that
 * merges happen every mark or two. @internal
 */
export const markIndexTuning = { sideMarks: SIDE_MARKS };

/** No local edit waits ({@link MarkIndex.pendKind}). */
const PEND_NONE = 0;
/** An insert waits. */
const PEND_INSERT = 1;
/** A delete waits. */
const PEND_DELETE = 2;

/** Marks resolved to visible positions and moved through local edits (see the module comment). */
export class MarkIndex {
  /** The marks, mark `j` owning boundaries `2j` and `2j + 1`. */
  private readonly ops: MarkOp[] = [];
  /** The sorted list of the boundaries not in the side list (their slots: -1 for those). */
  private readonly slots = new BoundarySlots();
  /**
   * Per client index and clock, the boundaries anchored after that unit (an edge anchor: client
   * `NO_CLIENT`, clock 0): the only ones an insert right after that unit holds back.
   */
  private readonly after = new Map<number, Map<number, number[]>>();
  /** The side list: boundaries of marks added since the last merge, not yet placed. */
  private sideIds: number[] = [];
  /**
   * A local edit not yet applied to the sorted list ({@link PEND_NONE}, {@link PEND_INSERT} or
   * {@link PEND_DELETE}): typing on, backspaces and forward deletes next to it grow it instead
   * (one move of the boundaries per run of keystrokes); anything else applies it first.
   */
  private pendKind = PEND_NONE;
  private pendP = 0;
  private pendN = 0;
  private pendLc = 0;
  private pendLk = 0;
  /**
   * True once a boundary after an insert past tombstones was found neither before nor after the
   * new text (never expected): the index is then wrong and must be rebuilt.
   */
  broken = false;

  /**
   * Resolve `marks` on `seq` as it is now. `sideMarks` (tests) is how many new marks wait before
   * a merge.
   */
  constructor(
    private readonly seq: Sequence,
    marks: readonly MarkOp[],
    private readonly sideMarks = markIndexTuning.sideMarks,
  ) {
    const pos: number[] = [];
    for (const op of marks) {
      this.ops.push(op);
      pos.push(
        anchorBoundary(seq, op.startClient, op.startClock, op.startAfter),
        anchorBoundary(seq, op.endClient, op.endClock, op.endAfter),
      );
      this.slots.slotOf.push(0, 0);
      this.noteAfter(this.ops.length - 1);
    }
    const order = sortedOrder(pos);
    const values = new Float64Array(order.length);
    for (let i = 0; i < order.length; i++) values[i] = pos[order[i] as number] as number;
    this.slots.build(order, values);
  }

  /** Add a mark (placed from its anchors at the next merge). */
  add(op: MarkOp): void {
    this.flush();
    const j = this.ops.length;
    this.ops.push(op);
    this.noteAfter(j);
    this.slots.slotOf.push(-1, -1);
    this.sideIds.push(2 * j, 2 * j + 1);
    // A merge moves up to every listed boundary: waiting for an eighth as many new ones keeps a
    // burst of marks (a remote update, a paste) O(log) each, not O(b).
    if (this.sideIds.length >= Math.max(2 * this.sideMarks, this.slots.b >> 3)) this.merge();
  }

  /**
   * Move the boundaries past `n` units inserted at `p` (the sequence already holds them) after
   * the unit (`lc`, `lk`): `NO_CLIENT` at 0, {@link AFTER_TOMBSTONES} when they went after
   * tombstones.
   */
  insert(p: number, n: number, lc: number, lk: number): void {
    const kind = this.pendKind;
    if (kind === PEND_INSERT && lc !== AFTER_TOMBSTONES && p === this.pendP + this.pendN) {
      // Typing on right after the waiting text (the unit before is its last): one insert of both
      // moves every boundary as the two in turn would. No boundary is anchored after a unit of
      // the waiting text: those units are newer than the index's marks, and `add` applies the
      // waiting insert before it notes a new mark's anchors.
      this.pendN += n;
      return;
    }
    if (kind !== PEND_NONE) this.flush();
    if (this.slots.b === 0) return;
    if (lc === AFTER_TOMBSTONES) {
      this.applyInsert(p, n, lc, lk);
      return;
    }
    this.pendKind = PEND_INSERT;
    this.pendP = p;
    this.pendN = n;
    this.pendLc = lc;
    this.pendLk = lk;
  }

  /** Apply the waiting insert or delete, if any, to the sorted list. */
  private flush(): void {
    const kind = this.pendKind;
    if (kind === PEND_NONE) return;
    this.pendKind = PEND_NONE;
    if (kind === PEND_INSERT) this.applyInsert(this.pendP, this.pendN, this.pendLc, this.pendLk);
    else this.applyDelete(this.pendP, this.pendN);
  }

  /** {@link MarkIndex.insert} applied to the sorted list now. */
  private applyInsert(p: number, n: number, lc: number, lk: number): void {
    const b = this.slots.b;
    const first = this.slots.lowerBound(p);
    if (first < b) {
      // Boundaries at p: those that stay move to the front of the group (all slots of the group
      // hold p, so only the order changes).
      let held = first;
      if (this.slots.found === p) {
        if (lc === AFTER_TOMBSTONES) {
          // Each boundary of the group read from its anchor.
          const gap = this.slots.gap;
          for (let i = first; i < b && (i === first || gap[i] === 0); i++) {
            const id = this.slots.order[i] as number;
            if (this.staysBeforeDead(id, p, n)) this.slots.swap(i, held++);
          }
        } else {
          // Only boundaries anchored after the unit before (visible: they are at p) stay; those
          // listed go to the front of the group.
          const stay = this.after.get(lc)?.get(lc === NO_CLIENT ? 0 : lk);
          if (stay !== undefined)
            for (const id of stay) {
              const s = this.slots.slotOf[id] as number;
              if (s >= held) this.slots.swap(s, held++);
            }
        }
      }
      if (held < b) this.slots.addAt(held, n);
    }
  }

  /** Move the boundaries past `n` units deleted at `p`. */
  delete(p: number, n: number): void {
    if (this.pendKind === PEND_DELETE) {
      // A delete next to the waiting one (forward delete: at its place; backspace: right before
      // it) moves every boundary as one delete of both would.
      if (p === this.pendP) {
        this.pendN += n;
        return;
      }
      if (p + n === this.pendP) {
        this.pendP = p;
        this.pendN += n;
        return;
      }
    }
    this.flush();
    if (this.slots.b === 0) return;
    this.pendKind = PEND_DELETE;
    this.pendP = p;
    this.pendN = n;
  }

  /** {@link MarkIndex.delete} applied to the sorted list now. */
  private applyDelete(p: number, n: number): void {
    const b = this.slots.b;
    const end = p + n;
    const gap = this.slots.gap;
    let i = this.slots.lowerBound(p);
    let v = this.slots.found;
    while (i < b && v < end) {
      const next = i + 1 < b ? (gap[i + 1] as number) : 0;
      if (v > p) {
        // Inside the deleted range: to p (a point change, undone for the slot after).
        this.slots.addAt(i, p - v);
        if (i + 1 < b) this.slots.addAt(i + 1, v - p);
      }
      i++;
      v += next;
    }
    if (i < b) this.slots.addAt(i, -n);
  }

  /**
   * The attributes of visible unit `q`: per key, the winning mark covering it (`ids`: replica id
   * per client index), those removing left out; names sorted.
   */
  attributesAt(q: number, ids: readonly number[]): Attributes {
    this.flush();
    // Many waiting marks (after a burst): merged first, rather than each read from its anchors.
    if (this.sideIds.length > 2 * this.sideMarks) this.merge();
    const s = this.slots.lowerBound(q + 1);
    const { ops } = this;
    const { slotOf, order } = this.slots;
    const b = this.slots.b;
    const win = new Map<string, MarkOp>();
    // A listed mark covers q when its start's slot is below s and its end's is not: each has one
    // boundary on either side of s, so the shorter side's slots find them all. The winner per key
    // does not depend on the order marks are met in (`markWins` is a total order).
    const below = s <= b - s;
    for (let i = below ? 0 : s, to = below ? s : b; i < to; i++) {
      const id = order[i] as number;
      if (
        below
          ? (id & 1) !== 0 || (slotOf[id + 1] as number) < s
          : (id & 1) === 0 || (slotOf[id - 1] as number) >= s
      )
        continue;
      const op = ops[id >> 1] as MarkOp;
      const cur = win.get(op.key);
      if (cur === undefined || markWins(op, cur, ids)) win.set(op.key, op);
    }
    // Those of the side list from their anchors (a merge would move most of the list).
    const side = this.sideIds;
    for (let k = 0; k < side.length; k += 2) {
      const id = side[k] as number;
      if (this.resolve(id) > q || this.resolve(id + 1) <= q) continue;
      const op = ops[id >> 1] as MarkOp;
      const cur = win.get(op.key);
      if (cur === undefined || markWins(op, cur, ids)) win.set(op.key, op);
    }
    const out: Attributes = {};
    for (const k of [...win.keys()].sort()) {
      const op = win.get(k) as MarkOp;
      if (op.value !== null) setOwn(out, k, op.value);
    }
    return out;
  }

  /**
   * The marks covering some of visible positions `from .. to - 1`, with their positions, in the
   * order they were added ({@link MarkIndex.resolved} restricted to the range): slot numbers pick
   * them (one descent of the tree per end of the range), so only theirs are positioned.
   */
  intervalsIn(from: number, to: number): MarkInterval[] {
    this.flush();
    if (this.sideIds.length > 2 * this.sideMarks) this.merge();
    // Listed boundaries below position `to`: slots < a; above position `from`: slots >= z.
    const a = this.slots.lowerBound(to);
    const z = this.slots.lowerBound(from + 1);
    const { ops } = this;
    const { slotOf } = this.slots;
    const out: MarkInterval[] = [];
    for (let j = 0; j < ops.length; j++) {
      const s = slotOf[2 * j] as number;
      let start: number;
      let end: number;
      if (s >= 0) {
        const e = slotOf[2 * j + 1] as number;
        if (s >= a || e < z) continue;
        start = this.slots.positionOf(s);
        end = this.slots.positionOf(e);
      } else {
        // Waiting in the side list: from its anchors.
        start = this.resolve(2 * j);
        end = this.resolve(2 * j + 1);
      }
      if (start < end && start < to && end > from) out.push({ from: start, to: end, op: ops[j] as MarkOp });
    }
    return out;
  }

  /** The marks covering something, with their positions, in the order they were added. */
  resolved(): MarkInterval[] {
    this.flush();
    if (this.sideIds.length > 0) this.merge();
    const pos = this.slots.positions(this.slots.slotOf.length);
    const out: MarkInterval[] = [];
    for (let j = 0; j < this.ops.length; j++) {
      const from = pos[2 * j] as number;
      const to = pos[2 * j + 1] as number;
      if (from < to) out.push({ from, to, op: this.ops[j] as MarkOp });
    }
    return out;
  }

  /** Record mark `j`'s boundaries that are anchored after a unit in {@link MarkIndex.after}. */
  private noteAfter(j: number): void {
    const op = this.ops[j] as MarkOp;
    if (op.startAfter) this.addAfter(2 * j, op.startClient, op.startClock);
    if (op.endAfter) this.addAfter(2 * j + 1, op.endClient, op.endClock);
  }

  private addAfter(id: number, client: number, clock: number): void {
    let byClock = this.after.get(client);
    if (byClock === undefined) {
      byClock = new Map();
      this.after.set(client, byClock);
    }
    const key = client === NO_CLIENT ? 0 : clock;
    const list = byClock.get(key);
    if (list === undefined) byClock.set(key, [id]);
    else list.push(id);
  }

  /** Boundary `id` resolved from its anchor. */
  private resolve(id: number): number {
    const op = this.ops[id >> 1] as MarkOp;
    return (id & 1) === 0
      ? anchorBoundary(this.seq, op.startClient, op.startClock, op.startAfter)
      : anchorBoundary(this.seq, op.endClient, op.endClock, op.endAfter);
  }

  /** Merge the side list into the sorted list (resolved from the anchors, which give where its marks are now). */
  private merge(): void {
    this.flush();
    const ids = this.sideIds;
    this.slots.mergeIn(
      ids,
      ids.map((id) => this.resolve(id)),
    );
    this.sideIds = [];
  }

  /**
   * Whether boundary `id`, at the place `p` of `n` units just inserted after tombstones, stays
   * before them: read from its anchor.
   */
  private staysBeforeDead(id: number, p: number, n: number): boolean {
    const r = this.resolve(id);
    if (r !== p && r !== p + n) this.broken = true;
    return r === p;
  }
}
