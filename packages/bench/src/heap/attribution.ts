/**
 * Bytes of a V8 heap snapshot (`v8.writeHeapSnapshot`) summed by what V8 calls each node: its
 * constructor for objects (`Item`, `Leaf`), `(object elements)` for an array's backing store,
 * `string` for strings. Two snapshots taken around a replay, subtracted, say what the replayed
 * document holds (`bin/heap-snapshot.ts`).
 */

/** Count and bytes of one kind of node. */
export interface HeapRow {
  /** V8's node type (`object`, `array`, `string`, `code`, ...). */
  type: string;
  /** Constructor or array name; empty for strings and code. */
  name: string;
  count: number;
  bytes: number;
}

/** The parts of the snapshot format (`.heapsnapshot` JSON) read here. */
interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

/** Node types whose names are kept (the others are summed under their type alone). */
const NAMED = new Set(['object', 'closure', 'hidden', 'native', 'array']);

/**
 * Sum a snapshot by node type and name.
 * @throws Error when `json` is not a heap snapshot.
 */
export function attributeHeap(json: unknown): Map<string, HeapRow> {
  const s = json as SnapshotJson;
  const fields = s?.snapshot?.meta?.node_fields;
  const types = s?.snapshot?.meta?.node_types?.[0];
  if (!Array.isArray(fields) || !Array.isArray(types) || !Array.isArray(s.nodes)) {
    throw new Error('not a V8 heap snapshot');
  }
  const width = fields.length;
  const ti = fields.indexOf('type');
  const ni = fields.indexOf('name');
  const si = fields.indexOf('self_size');
  const rows = new Map<string, HeapRow>();
  for (let i = 0; i + width <= s.nodes.length; i += width) {
    const type = String(types[s.nodes[i + ti] as number]);
    const name = NAMED.has(type) ? (s.strings[s.nodes[i + ni] as number] ?? '') : '';
    const key = `${type}\u0000${name}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = { type, name, count: 0, bytes: 0 };
      rows.set(key, row);
    }
    row.count++;
    row.bytes += s.nodes[i + si] as number;
  }
  return rows;
}

/** `after - before` per kind, largest growth first (kinds that did not change left out). */
export function heapGrowth(before: Map<string, HeapRow>, after: Map<string, HeapRow>): HeapRow[] {
  const out: HeapRow[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = after.get(key);
    const b = before.get(key);
    const row = a ?? (b as HeapRow);
    const count = (a?.count ?? 0) - (b?.count ?? 0);
    const bytes = (a?.bytes ?? 0) - (b?.bytes ?? 0);
    if (count !== 0 || bytes !== 0) out.push({ type: row.type, name: row.name, count, bytes });
  }
  return out.sort((x, y) => y.bytes - x.bytes);
}
