/**
 * The block keys (type, attributes, move and merge registers) of every boundary, read without
 * resolving marks to positions. `Blocks` writes each of them as a mark over exactly its boundary
 * unit (start anchor before the unit, end anchor after it), which covers that unit wherever it
 * is and nothing else: the winner of each key on a boundary is the winner among the marks on its
 * unit. This index keeps those winners per unit, updated as marks arrive (a text's marks only
 * grow), so a layout costs nothing per inline mark and nothing per position lookup.
 *
 * Marks with block keys of any other shape (over several units, or from an edge: never written
 * by `Blocks`, but a raw `Text` write or a peer can make them) are not indexed; while a text has
 * any, the layout reads block keys from resolved marks instead ({@link BlockMarkIndex.wide}).
 */

import { setOwn } from '../own-keys.js';
import { NO_CLIENT } from '../sequence/item.js';
import { isBlockKey } from './blocks-units.js';
import { type MarkOp, markWins } from './marks.js';
import type { Attributes } from './text-delta.js';

/** Winners of block keys per boundary unit (see the module comment). @internal */
export class BlockMarkIndex {
  /** Per client index, per clock: the winning mark of each block key on that unit. */
  private units = new Map<number, Map<number, Map<string, MarkOp>>>();
  /** Marks with block keys not over exactly one unit. */
  readonly wide: MarkOp[] = [];
  private source: readonly MarkOp[] | null = null;
  private seen = 0;

  /** Take in the marks of `marks` not seen yet (all of them when the array is another one). */
  update(marks: readonly MarkOp[] | null, ids: readonly number[]): void {
    if (marks !== this.source || marks === null || marks.length < this.seen) {
      this.units.clear();
      this.wide.length = 0;
      this.source = marks;
      this.seen = 0;
    }
    if (marks === null) return;
    for (; this.seen < marks.length; this.seen++) {
      const op = marks[this.seen] as MarkOp;
      if (!isBlockKey(op.key)) continue;
      if (
        op.startClient === NO_CLIENT ||
        op.startClient !== op.endClient ||
        op.startClock !== op.endClock ||
        op.startAfter ||
        !op.endAfter
      ) {
        this.wide.push(op);
        continue;
      }
      let byClock = this.units.get(op.startClient);
      if (byClock === undefined) {
        byClock = new Map();
        this.units.set(op.startClient, byClock);
      }
      let byKey = byClock.get(op.startClock);
      if (byKey === undefined) {
        byKey = new Map();
        byClock.set(op.startClock, byKey);
      }
      const held = byKey.get(op.key);
      if (held === undefined || markWins(op, held, ids)) byKey.set(op.key, op);
    }
  }

  /** The block keys set on unit `(client, clock)` (null: none), when there are no wide marks. */
  attributesOf(client: number, clock: number): Attributes | null {
    const byKey = this.units.get(client)?.get(clock);
    if (byKey === undefined) return null;
    let out: Attributes | null = null;
    for (const [key, op] of byKey) {
      if (op.value === null) continue;
      out ??= {};
      setOwn(out, key, op.value);
    }
    return out;
  }
}
