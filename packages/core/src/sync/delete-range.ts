/**
 * Deleting a range of ids a document holds: the one place a remote deletion (of a general update or
 * of a keystroke's fast path) turns ids into tombstones and map-entry removals.
 */
import type { DocMap } from '../doc/collections.js';
import type { Doc } from '../doc/doc.js';
import { MapEntry } from '../doc/structs.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';

/**
 * Delete every struct in ids `from .. to-1` of client index `ci` (all known), inside the open
 * transaction: sequence units become tombstones (split off where the range starts or ends inside
 * a run), map entries are removed; ids already deleted are left as they are.
 */
export function deleteRange(doc: Doc, ci: number, from: number, to: number): void {
  let clock = from;
  while (clock < to) {
    const s = doc.store.find(ci, clock);
    if (s === undefined) return;
    if (s instanceof Item) {
      const seq = Sequence.of(s);
      let it = s;
      if (!it.deleted) {
        if (clock > it.clock) it = seq.splitItem(it, clock - it.clock);
        if (it.clock + it.len > to) seq.splitItem(it, to - it.clock);
        seq.deleteRemote(it);
      }
      clock = it.clock + it.len;
      continue;
    }
    if (s instanceof MapEntry) {
      (s.parent as DocMap).deleteEntry(s);
    }
    clock = s.clock + s.len;
  }
}
