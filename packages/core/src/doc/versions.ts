/**
 * Working with versions of a document (full states it had, such as a relay's numbered
 * snapshots): what changed between two of them, and restoring one as a new forward change.
 *
 * Both compare by identity, not by text: a unit of a text or list is the same unit in two
 * versions when it has the same id, so a deleted word that was typed again elsewhere is a delete
 * and an insert, never a move, and a restore re-inserts deleted content where its tombstone is,
 * between the same neighbours, whatever other replicas did meanwhile.
 */
import { AccordError } from '../errors.js';
import { setOwn } from '../own-keys.js';
import { Item } from '../sequence/item.js';
import type { DocMap, List } from './collections.js';
import { Container } from './container.js';
import type { Counter } from './counter.js';
import type { Doc } from './doc.js';
import { type FormatSpan, sameAttributes } from './marks.js';
import type { Text } from './text.js';
import type { TextDeltaOp } from './text-delta.js';
import { formatIdentityDelta } from './versions-format.js';

/** One step of a sequence delta (Quill/Yjs style): keep, insert or delete elements. */
export type DeltaOp<T> = { readonly retain: number } | { readonly insert: T } | { readonly delete: number };

/** A changed map key: its JSON value before and after (`undefined`: absent). */
export interface KeyChange {
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** What changed from one version of a document to a later one, per root. */
export interface VersionDiff {
  /**
   * Text roots: the delta that turns the older text into the newer one, with formatting: inserts
   * carry their attributes, and kept text whose formatting changed is a `retain` with the
   * attribute patch (`null` removes one), so `olderText.applyDelta(diff)` gives the newer text
   * with its formatting.
   */
  readonly texts: Readonly<Record<string, readonly TextDeltaOp[]>>;
  /** List roots: the same for elements (JSON values). */
  readonly lists: Readonly<Record<string, readonly DeltaOp<unknown[]>[]>>;
  /** Map roots: the keys whose JSON value differs. */
  readonly maps: Readonly<Record<string, readonly KeyChange[]>>;
  /** Counter roots whose value differs. */
  readonly counters: Readonly<Record<string, { readonly before: number; readonly after: number }>>;
}

type Seq = Text | List;

/** Items of a sequence container in document order, tombstones included. */
function* itemsOf(c: Seq): Generator<Item> {
  for (const leaf of c.seq.index.leaves) yield* leaf.items;
}

/**
 * For the units `clock .. clock + len - 1` of replica `clientId`, calls `fn(from, n, visible)`
 * for consecutive stretches by whether `doc` holds them visible (absent counts as not visible).
 */
function visibility(
  doc: Doc,
  clientId: number,
  clock: number,
  len: number,
  fn: (from: number, n: number, visible: boolean) => void,
): void {
  const ci = doc.knownClientIndex(clientId);
  let at = clock;
  const end = clock + len;
  while (at < end) {
    const s = ci === undefined ? undefined : doc.store.find(ci, at);
    const upto = s === undefined ? end : Math.min(end, s.clock + s.len);
    fn(at - clock, upto - at, s instanceof Item && !s.deleted);
    at = upto;
  }
}

/** Append `op` to `ops`, merging it into the last op of the same kind. */
function push<T extends string | unknown[]>(ops: DeltaOp<T>[], op: DeltaOp<T>): void {
  const last = ops[ops.length - 1];
  if (last !== undefined) {
    if ('retain' in op && 'retain' in last) {
      ops[ops.length - 1] = { retain: last.retain + op.retain };
      return;
    }
    if ('delete' in op && 'delete' in last) {
      ops[ops.length - 1] = { delete: last.delete + op.delete };
      return;
    }
    if ('insert' in op && 'insert' in last) {
      const merged = (
        typeof last.insert === 'string'
          ? last.insert + (op.insert as string)
          : (last.insert as unknown[]).concat(op.insert)
      ) as T;
      ops[ops.length - 1] = { insert: merged };
      return;
    }
  }
  ops.push(op);
}

function jsonOf(v: unknown): unknown {
  return v instanceof Container ? v.toJSON() : v;
}

function sequenceDelta<T extends string | unknown[]>(older: Doc, newer: Seq): DeltaOp<T>[] {
  const ops: DeltaOp<T>[] = [];
  const ids = newer.doc.clientIds;
  for (const it of itemsOf(newer)) {
    visibility(older, ids[it.client] as number, it.clock, it.len, (from, n, inOlder) => {
      const inNewer = !it.deleted;
      if (inOlder && inNewer) push(ops, { retain: n });
      else if (inOlder) push(ops, { delete: n });
      else if (inNewer) {
        const part = (it.content as string | unknown[]).slice(from, from + n);
        push(ops, { insert: (typeof part === 'string' ? part : part.map(jsonOf)) as T });
      }
    });
  }
  return ops;
}

/** Drop a trailing run of kept elements. */
function trimmed<T extends string | unknown[]>(ops: DeltaOp<T>[]): DeltaOp<T>[] {
  const last = ops[ops.length - 1];
  if (last !== undefined && 'retain' in last) ops.pop();
  return ops;
}

function mapChanges(before: Record<string, unknown>, after: Record<string, unknown>): KeyChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: KeyChange[] = [];
  for (const key of keys) {
    const b = before[key];
    const a = after[key];
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push({ key, before: b, after: a });
  }
  return out;
}

/**
 * What changed from `older` to `newer`, two versions of one document where `newer` descends
 * from `older` (it holds every id `older` holds, as snapshots along one history do). Texts and
 * lists as deltas by identity (texts with their formatting), maps by key (JSON values), counters
 * by value.
 */
export function diffVersions(older: Doc, newer: Doc): VersionDiff {
  const texts: Record<string, TextDeltaOp[]> = {};
  const lists: Record<string, DeltaOp<unknown[]>[]> = {};
  const maps: Record<string, KeyChange[]> = {};
  const counters: Record<string, { before: number; after: number }> = {};
  const names = new Map<string, Container>();
  for (const [name, c] of newer.rootEntries()) names.set(`${c.kind}:${name}`, c);
  for (const [name, c] of older.rootEntries())
    if (!names.has(`${c.kind}:${name}`)) names.set(`${c.kind}:${name}`, c);
  for (const c of names.values()) {
    const name = c.rootName as string;
    const inNewer = newer.findRoot(c.kind, name);
    const inOlder = older.findRoot(c.kind, name);
    if (c.kind === 'text' || c.kind === 'list') {
      if (inNewer === undefined) {
        const len = (inOlder as Seq).length;
        if (len === 0) continue;
        if (c.kind === 'text') texts[name] = [{ delete: len }];
        else lists[name] = [{ delete: len }];
        continue;
      }
      if (c.kind === 'text') {
        const ops = formatIdentityDelta(
          sequenceDelta<string>(older, inNewer as Text),
          (inOlder as Text | undefined)?.spans() ?? [],
          (inNewer as Text).spans(),
        );
        if (ops.length > 0) texts[name] = ops;
      } else {
        const ops = trimmed(sequenceDelta<unknown[]>(older, inNewer as List));
        if (ops.length > 0) lists[name] = ops;
      }
    } else if (c.kind === 'map') {
      const b = (inOlder as DocMap | undefined)?.toJSON() ?? {};
      const a = (inNewer as DocMap | undefined)?.toJSON() ?? {};
      const changes = mapChanges(b, a);
      if (changes.length > 0) maps[name] = changes;
    } else {
      const before = (inOlder as Counter | undefined)?.value ?? 0;
      const after = (inNewer as Counter | undefined)?.value ?? 0;
      if (before !== after) counters[name] = { before, after };
    }
  }
  return { texts, lists, maps, counters };
}

/** Plan a sequence restore in current coordinates: deletes and inserts, left to right. */
function planSequence(
  current: Seq,
  version: Doc,
): { at: number; del: number; ins: string | unknown[] | null }[] {
  const plan: { at: number; del: number; ins: string | unknown[] | null }[] = [];
  const ids = current.doc.clientIds;
  let index = 0;
  for (const it of itemsOf(current)) {
    const vid = ids[it.client] as number;
    const vi = version.knownClientIndex(vid);
    visibility(version, vid, it.clock, it.len, (from, n, inVersion) => {
      const now = !it.deleted;
      if (now && !inVersion) plan.push({ at: index, del: n, ins: null });
      else if (!now && inVersion && vi !== undefined) {
        // The content as the version holds it (the current document may have collected it).
        const src = version.store.find(vi, it.clock + from) as unknown as Item;
        const off = it.clock + from - src.clock;
        const part = (src.content as string | unknown[]).slice(off, off + n);
        plan.push({ at: index, del: 0, ins: typeof part === 'string' ? part : part.map(jsonOf) });
      }
      if (now) index += n;
    });
  }
  return plan;
}

function restoreSequence(current: Seq, version: Doc): void {
  const plan = planSequence(current, version);
  // Right to left, so every position planned on the current document stays valid.
  for (let i = plan.length - 1; i >= 0; i--) {
    const { at, del, ins } = plan[i] as (typeof plan)[number];
    if (del > 0) current.delete(at, del);
    if (ins !== null) {
      if (typeof ins === 'string') (current as Text).insert(at, ins);
      else (current as List).insert(at, ...ins);
    }
  }
}

/**
 * Give `current` (showing the same text as `target` now) the formatting of `target`: where the
 * attributes of a run differ, a format sets the target's values and removes the attributes the
 * target lacks.
 */
function restoreFormatting(current: Text, target: Text): void {
  if (current.marks === null && target.marks === null) return;
  if (current.toString() !== target.toString()) return;
  const want = target.spans();
  const have = current.spans();
  const cuts = new Set<number>();
  for (const sp of [...want, ...have]) cuts.add(sp.from).add(sp.to);
  const points = [...cuts].sort((a, b) => a - b);
  const at = (spans: readonly FormatSpan[], p: number): Record<string, unknown> =>
    spans.find((sp) => sp.from <= p && p < sp.to)?.attributes ?? {};
  const edits: [number, number, Record<string, unknown>][] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const w = at(want, from);
    const h = at(have, from);
    if (sameAttributes(w, h)) continue;
    const patch: Record<string, unknown> = { ...w };
    for (const k of Object.keys(h)) if (!Object.hasOwn(w, k)) setOwn(patch, k, null);
    edits.push([from, (points[i + 1] as number) - from, patch]);
  }
  for (const [from, n, patch] of edits) current.format(from, n, patch);
}

function restoreMap(current: DocMap, target: Record<string, unknown>): void {
  for (const key of current.keys()) if (!Object.hasOwn(target, key)) current.delete(key);
  for (const [key, value] of Object.entries(target)) {
    if (JSON.stringify(jsonOf(current.get(key))) === JSON.stringify(value)) continue;
    current.set(key, value);
  }
}

/**
 * Make `doc` show `version` again, as one new local transaction (origin `origin`): nothing is
 * rewritten, so edits other replicas make concurrently are kept and merge as usual. Texts and
 * lists: units the version lacks are deleted and units it shows that were deleted since are
 * inserted again where their tombstones are; texts then get the version's formatting (new
 * marks where it differs); maps: keys set to the version's values (nested
 * containers as their JSON), keys it lacks deleted; counters incremented by the difference.
 * `version` must be a version of `doc`'s history (a snapshot it descends from).
 * @throws {AccordError} `read-only` when `doc` is frozen.
 */
export function restoreVersion(doc: Doc, version: Doc, origin: unknown = 'restore'): void {
  if (doc.readOnly) throw new AccordError('read-only', 'cannot restore into a read-only document');
  doc.transact(() => {
    for (const [, c] of version.rootEntries()) {
      const cur = doc.getRoot(c.kind, c.rootName as string);
      if (c.kind === 'text' || c.kind === 'list') {
        restoreSequence(cur as Seq, version);
        if (c.kind === 'text') restoreFormatting(cur as Text, c as Text);
      } else if (c.kind === 'map') restoreMap(cur as DocMap, (c as DocMap).toJSON());
      else {
        const delta = (c as Counter).value - (cur as Counter).value;
        if (delta !== 0) (cur as Counter).increment(delta);
      }
    }
    // Roots created after the version are emptied.
    for (const [, c] of doc.rootEntries()) {
      if (version.findRoot(c.kind, c.rootName as string) !== undefined) continue;
      if (c.kind === 'text' || c.kind === 'list') {
        const len = (c as Seq).length;
        if (len > 0) (c as Seq).delete(0, len);
      } else if (c.kind === 'map') restoreMap(c as DocMap, {});
      else if ((c as Counter).value !== 0) (c as Counter).increment(-(c as Counter).value);
    }
  }, origin);
}
