/**
 * The update of the commonest transaction, a local edit of one text or list (a keystroke, a
 * backspace, a word replaced): every struct it added is a run of this replica in one sequence.
 * Its runs go straight into reused columns and are written as the one group they make, with no
 * record object, group table or key string on the way. It gives the bytes the record path gives
 * (`encode-transaction.ts`); anything else (another replica's structs, map entries, counters,
 * marks, runs of two sequences, more than {@link MAX_RUNS} runs) returns null and takes that
 * path. Each keystroke a client sends is encoded once, so this runs as often as typing does.
 */
import { type Group, newGroup } from '../format/group-codec.js';
import { SeqColumns } from '../format/seq-columns.js';
import { encodeGroups } from '../format/update-codec.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { Struct } from '../store/struct-store.js';
import type { Container, DocCore } from './container.js';
import { pushRun, refOf } from './encode.js';
import type { Transaction } from './transaction.js';

/** Most runs a transaction may have added to take this path (a keystroke adds one). */
const MAX_RUNS = 32;

/** The runs of the update being written (client columns hold local indexes); cleared after use. */
const columns = new SeqColumns(MAX_RUNS);

/** The structs the transaction added, gathered by {@link gather}; emptied after use. */
const added: Struct[] = [];

/** True while an update is written here: a value's getter that encodes one takes the record path. */
let busy = false;

/**
 * Collects a struct into {@link added} (a module function: no closure per update), up to one past
 * {@link MAX_RUNS}: a transaction with more takes the other paths, however many it has.
 */
function gather(s: Struct): void {
  if (added.length <= MAX_RUNS) added.push(s);
}

/** The one group written, reused (its fields are set for each update). */
const group: Group = newGroup(null, 'text', [], columns);
const groups: Group[] = [group];

/** No deletions. */
const NO_DELETES: ReadonlyMap<number, number[]> = new Map();

/**
 * The update of local transaction `t` when everything it added is runs of this replica in one
 * sequence (or it only deleted), else null. `deletes`: its deletions by replica id, as the
 * record path writes them.
 */
export function encodeOwnRuns(
  doc: DocCore,
  t: Transaction,
  deletes: ReadonlyMap<number, number[]> | null,
): Uint8Array | null {
  if (busy || t.touchedOthers) return null;
  const from = t.ownBefore;
  const own = doc.store.clients.get(0);
  if (own !== undefined && from < own.next) own.forEachFrom(from, gather);
  busy = true;
  try {
    const n = added.length;
    if (n > MAX_RUNS) return null;
    let seq: Sequence | null = null;
    for (let k = 0; k < n; k++) {
      const s = added[k] as Struct;
      if (!(s instanceof Item)) return null;
      const of = Sequence.of(s);
      if (seq === null) seq = of;
      else if (of !== seq) return null;
      pushRun(columns, s, Math.max(from, s.clock));
    }
    const dels = deletes ?? NO_DELETES;
    if (seq === null) return encodeGroups([], dels, false, false);
    const container = seq.listener as unknown as Container;
    columns.ids = doc.clientIds;
    group.ref = refOf(doc, container);
    group.kind = container.kind;
    return encodeGroups(groups, dels, false, false);
  } finally {
    added.length = 0;
    columns.clear();
    group.ref = null;
    busy = false;
  }
}
