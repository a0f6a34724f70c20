/**
 * Remote integration with the "YjsMod" rule (Gentle's modification of YATA, equivalent to
 * FugueMax in Weidner & Kleppmann's "The Art of the Fugue"): among items inserted concurrently
 * between the same left origin, the right origins' positions decide the order, so concurrent runs
 * never interleave, forwards or backwards. Ties (same origins) order by client id.
 */
import type { SequenceEnv } from './env.js';
import { appendText, type Item, type Leaf, NO_CLIENT } from './item.js';
import type { SequenceIndex } from './leaf-index.js';

/** The parts of a sequence that integration reads and changes (implemented by `Sequence`). */
export interface IntegrationTarget {
  /** Items in document order. */
  readonly index: SequenceIndex;
  /** The document's struct store and replica ids. */
  readonly env: SequenceEnv;
  /** The item holding unit `(client, clock)`, which the caller knows is in this sequence. */
  itemOf(client: number, clock: number): Item;
  /** Cut `item` at `offset` (0 < offset < len), placing the tail in the index and the store. */
  splitItem(item: Item, offset: number): Item;
}

/**
 * Compare the document position of unit `(client, clock)` with the unit at offset `off` of the
 * item with order key `key`: negative before, 0 same unit, positive after.
 */
function compareUnit(
  seq: IntegrationTarget,
  client: number,
  clock: number,
  key: number,
  off: number,
): number {
  const found = seq.itemOf(client, clock);
  const k = seq.index.orderKey(found);
  if (k !== key) return k - key;
  return clock - found.clock - off;
}

/**
 * Place `item` (not yet in the index or the store) in `seq`. Splits the runs holding its origins
 * so the left origin ends a run and the right origin starts one. Returns the item holding the new
 * units (the item, or its left neighbour when the new run simply extends it). `leftHolder` and
 * `rightHolder`: the items holding its origins, when the caller has just looked them up.
 */
export function integrateItem(
  seq: IntegrationTarget,
  item: Item,
  leftHolder: Item | null = null,
  rightHolder: Item | null = null,
): Item {
  const index = seq.index;
  const store = seq.env.store;
  let left: Item | null = null;
  if (item.olClient !== NO_CLIENT) {
    left = leftHolder ?? seq.itemOf(item.olClient, item.olClock);
    const off = item.olClock - left.clock + 1;
    if (off < left.len) seq.splitItem(left, off);
  }
  let right: Item | null = null;
  if (item.orClient !== NO_CLIENT) {
    // The hint is stale when the left origin's split just cut the unit off it (both in one run).
    right =
      rightHolder !== null && item.orClock < rightHolder.clock + rightHolder.len
        ? rightHolder
        : seq.itemOf(item.orClient, item.orClock);
    const off = item.orClock - right.clock;
    if (off > 0) right = seq.splitItem(right, off);
  }
  // Where `left` is, found once (both splits are done; the walk below changes nothing).
  const leftLeaf = left === null ? null : (left.leaf as Leaf);
  const leftIdx = leftLeaf === null ? -1 : leftLeaf.items.indexOf(left as Item);
  const leftKey = leftLeaf === null ? -1 : index.orderKeyAt(leftLeaf, leftIdx);
  const leftOff = left === null ? 0 : left.len - 1;
  // Needed only when a concurrent item has the same left origin (looked up then, once).
  let rightKey = right === null ? -1 : -2;

  // Walk the items after `left` with a (leaf, idx) cursor.
  let leaf = leftLeaf ?? (index.leaves[0] as Leaf);
  let i = leftIdx + 1;
  let dest: Item | null = null;
  let scanning = false;
  for (;;) {
    while (i >= leaf.items.length && leaf.index + 1 < index.leaves.length) {
      leaf = index.leaves[leaf.index + 1] as Leaf;
      i = 0;
    }
    const o = leaf.items[i] ?? null;
    if (!scanning) dest = o;
    if (o === null || o === right) break;
    // Sign of (o's left origin - our left origin), where "no origin" is before everything.
    let cl: number;
    if (o.olClient === NO_CLIENT) cl = left === null ? 0 : -1;
    else cl = left === null ? 1 : compareUnit(seq, o.olClient, o.olClock, leftKey, leftOff);
    if (cl < 0) break;
    if (cl === 0) {
      // Sign of (o's right origin - our right origin), where "no origin" is after everything.
      let cr: number;
      if (o.orClient === NO_CLIENT) cr = right === null ? 0 : 1;
      else if (right === null) cr = -1;
      else {
        if (rightKey === -2) rightKey = index.orderKey(right);
        cr = compareUnit(seq, o.orClient, o.orClock, rightKey, 0);
      }
      if (cr < 0) scanning = true;
      else if (cr === 0) {
        const ids = seq.env.clientIds;
        if ((ids[item.client] as number) < (ids[o.client] as number)) break;
        scanning = false;
      } else scanning = false;
    }
    i++;
  }

  const runs = store.runs(item.client);
  // Extend the left neighbour instead of adding an item when the new run continues it.
  if (
    left !== null &&
    dest === index.nextAt(leftLeaf as Leaf, leftIdx) &&
    left.client === item.client &&
    left.clock + left.len === item.clock &&
    runs.next === item.clock &&
    left.orClient === item.orClient &&
    left.orClock === item.orClock &&
    typeof left.content !== 'number' &&
    typeof item.content !== 'number' &&
    typeof left.content === typeof item.content
  ) {
    const n = item.len;
    if (typeof left.content === 'string') left.content = appendText(left.content, item.content as string);
    else for (const v of item.content as unknown[]) (left.content as unknown[]).push(v);
    index.adjust(left.leaf as Leaf, n);
    runs.next = item.clock + item.len;
    return left;
  }
  index.insertBefore(dest, item);
  runs.push(item);
  return item;
}
