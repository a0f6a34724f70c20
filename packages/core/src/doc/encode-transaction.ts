/**
 * The update of one transaction, which `Doc` emits as its `'update'` event, written one of three
 * ways that give the same bytes. A local edit that added only runs of this replica in one text or
 * list (a keystroke) goes straight from those runs into reused columns (`encode-own-runs.ts`).
 * Otherwise a small transaction is built as records (`encode.ts`) and grouped by `encodeUpdate`,
 * and a large one (a paste, a generated edit, a whole remote session replayed) is written straight
 * from the document's structs: the runs of each text and list as columns (`SeqColumns`, local
 * client indexes), the other structs as records, in the same groups and order (first met; clients
 * in the order given, each client's structs by clock). The column paths build no record object per
 * run and copy no records into columns.
 */
import { type Group, newGroup } from '../format/group-codec.js';
import type { ParentRef } from '../format/records.js';
import { SeqColumns } from '../format/seq-columns.js';
import { encodeGroups, encodeUpdate } from '../format/update-codec.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { Container, DocCore } from './container.js';
import { cachedRef, pushRun, recordsSince, structRecord } from './encode.js';
import { encodeOwnRuns } from './encode-own-runs.js';
import { MarkOp } from './marks.js';
import type { CounterOp, MapEntry } from './structs.js';
import type { Transaction } from './transaction.js';

/**
 * The groups holding every struct with clock >= `since(client)` of the client indexes `clients`,
 * in the order `encodeUpdate` would group their records.
 */
export function transactionGroups(
  doc: DocCore,
  since: (clientIndex: number) => number,
  clients: Iterable<number>,
): Group[] {
  const groups: Group[] = [];
  // One group per container and kind: its runs (text, list), its marks, or its entries and ops.
  const runs = new Map<Container, Group>();
  const marks = new Map<Container, Group>();
  const others = new Map<Container, Group>();
  const refs = new Map<Container, ParentRef>();
  let gc: Group | null = null;
  let lastSeq: Sequence | null = null;
  let lastCols: SeqColumns | null = null;
  const ids = doc.clientIds;
  const groupIn = (table: Map<Container, Group>, c: Container, kind: Group['kind']): Group => {
    let g = table.get(c);
    if (g === undefined) {
      let cols: SeqColumns | undefined;
      if (kind === 'text' || kind === 'list') {
        cols = new SeqColumns();
        cols.ids = ids;
      }
      g = newGroup(cachedRef(doc, refs, c), kind, [], cols);
      table.set(c, g);
      groups.push(g);
    }
    return g;
  };
  for (const c of clients) {
    const store = doc.store.clients.get(c);
    const from = since(c);
    if (store === undefined || from >= store.next) continue;
    store.forEachFrom(from, (s) => {
      const at = Math.max(from, s.clock);
      if (s instanceof Item) {
        // Runs of one container usually follow each other: its columns are looked up once.
        const seq = Sequence.of(s);
        if (seq !== lastSeq) {
          const container = seq.listener as unknown as Container;
          lastCols = groupIn(runs, container, container.kind).columns as SeqColumns;
          lastSeq = seq;
        }
        pushRun(lastCols as SeqColumns, s, at);
        return;
      }
      const r = structRecord(doc, s, at, refs);
      let g: Group;
      if (r.t === 3) {
        if (gc === null) {
          gc = newGroup(null, 'gc', []);
          groups.push(gc);
        }
        g = gc;
      } else if (s instanceof MarkOp) g = groupIn(marks, s.parent, 'marks');
      else g = groupIn(others, (s as MapEntry | CounterOp).parent, r.t === 1 ? 'map' : 'counter');
      g.records.push(r);
    });
  }
  return groups;
}

/**
 * Transactions that added at least this many units are written as columns (see the module
 * comment). Tests lower or raise it to compare both ways. @internal
 */
export const columnsFrom = { units: 64 };

/**
 * Whether a local transaction that added only runs of this replica in one sequence is written by
 * `encode-own-runs.ts` (tests turn it off to compare with the other paths). @internal
 */
export const ownRunsPath = { on: true, written: 0 };

/**
 * The update holding exactly what transaction `t` added and deleted. Only the clients the
 * transaction touched are looked at, so its cost does not grow with the number of replicas the
 * document has heard of.
 */
export function encodeTransaction(doc: DocCore, t: Transaction): Uint8Array {
  let deletes: Map<number, number[]> | null = null;
  if (t.deletes !== null) {
    deletes = new Map();
    for (const [c, ranges] of t.deletes.clients) deletes.set(doc.clientIds[c] as number, ranges);
  }
  if (ownRunsPath.on) {
    const bytes = encodeOwnRuns(doc, t, deletes);
    if (bytes !== null) {
      ownRunsPath.written++;
      return bytes;
    }
  }
  deletes ??= new Map();
  const touched = [0];
  for (const [c] of t.others()) touched.push(c);
  const since = clockBefore(t);
  let units = 0;
  for (const c of touched) {
    const runs = doc.store.clients.get(c);
    if (runs !== undefined) units += Math.max(0, runs.next - since(c));
  }
  if (units < columnsFrom.units)
    return encodeUpdate({ records: recordsSince(doc, since, touched), deletes }, { packText: false });
  return encodeGroups(transactionGroups(doc, since, touched), deletes, false, false);
}

/**
 * Where transaction `t` started each client's clock (the maximum integer for a client it did not
 * touch before it ran). A function of its own so that `encodeTransaction` captures nothing: a
 * closure over its parameter would give it a context object, which V8's optimized code keeps
 * virtual and a deoptimization must then allocate. Such an allocation first waits for the
 * concurrent sweeper to finish the heap (`Heap::EnsureSweepingCompleted`), and the first delete
 * of a process deoptimizes here (its branch had never run): after a full collection that wait
 * took 2-7 ms of a 6,000-unit delete otherwise done in 0.5 ms.
 */
function clockBefore(t: Transaction): (clientIndex: number) => number {
  return (c) => t.before(c) ?? Number.MAX_SAFE_INTEGER;
}
