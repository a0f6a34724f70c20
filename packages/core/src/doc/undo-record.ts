/**
 * What a local transaction did, read back by the undo manager after it committed: this
 * replica's new structs (sequence insertions, map writes, increments, formatting marks) from the struct store, and
 * the sequence units it deleted (ids from the transaction's update) matched with the content the
 * mirrors saw disappear.
 */

import { decodeUpdate } from '../format/update-codec.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { DocMap } from './collections.js';
import type { Container } from './container.js';
import type { Counter } from './counter.js';
import type { Doc } from './doc.js';
import { MarkOp } from './marks.js';
import { CounterOp, MapEntry } from './structs.js';
import type { Text } from './text.js';
import type { DeletedContent, MapPrev } from './undo-mirror.js';
import type { UndoStep } from './undo-step.js';

/** Own structs created by the transaction: sequence insertions, map writes, increments. */
export function recordOwnStructs(
  doc: Doc,
  step: UndoStep,
  from: number,
  to: number,
  inScope: (c: Container) => boolean,
): void {
  const store = doc.store;
  let clock = from;
  while (clock < to) {
    const s = store.find(0, clock);
    if (s === undefined) return;
    const end = Math.min(to, s.clock + s.len);
    if (s instanceof Item) {
      if (s.leaf !== null && inScope(Sequence.of(s).listener as unknown as Container))
        step.addInserted(clock, end - clock);
    } else if (s instanceof MapEntry) {
      const map = s.parent as DocMap;
      if (inScope(map) && !step.mapChanges.get(map)?.has(s.key)) {
        step.addMapChange(map, s.key, NO_PREV, ownEntry(map, s.key, from));
      }
    } else if (s instanceof CounterOp) {
      if (inScope(s.parent)) step.addCounter(s.parent as Counter, s.delta);
    } else if (s instanceof MarkOp) {
      if (inScope(s.parent)) step.addMark(s);
    }
    clock = end;
  }
}

/**
 * Sequence units deleted by the transaction (ids from its update), matched in document order
 * with the content the mirrors saw disappear.
 */
export function recordDeletes(
  doc: Doc,
  step: UndoStep,
  update: Uint8Array,
  ownBefore: number,
  content: Map<Container, DeletedContent>,
  inScope: (c: Container) => boolean,
): void {
  if (content.size === 0) return;
  const parts = new Map<Container, { client: number; clock: number; len: number; k: number[] }[]>();
  for (const [replica, ranges] of decodeUpdate(update).deletes) {
    const ci = doc.knownClientIndex(replica);
    if (ci === undefined) continue;
    for (let i = 0; i < ranges.length; i += 2) {
      let clock = ranges[i] as number;
      let end = clock + (ranges[i + 1] as number);
      if (ci === 0) end = Math.min(end, ownBefore);
      while (clock < end) {
        const s = doc.store.find(ci, clock);
        if (s === undefined) break;
        const partEnd = Math.min(end, s.clock + s.len);
        if (s instanceof Item && s.leaf !== null) {
          const c = Sequence.of(s).listener as unknown as Container;
          if (content.has(c)) {
            let list = parts.get(c);
            if (list === undefined) {
              list = [];
              parts.set(c, list);
            }
            const k = [s.leaf.index, s.leaf.items.indexOf(s), clock - s.clock];
            list.push({ client: ci, clock, len: partEnd - clock, k });
          }
        }
        clock = partEnd;
      }
    }
  }
  for (const [c, list] of parts) {
    const deleted = content.get(c) as DeletedContent;
    if (!inScope(c)) continue;
    list.sort(
      (a, b) =>
        (a.k[0] as number) - (b.k[0] as number) ||
        (a.k[1] as number) - (b.k[1] as number) ||
        (a.k[2] as number) - (b.k[2] as number),
    );
    let total = 0;
    for (const p of list) total += p.len;
    // Defensive: if the ids and the mirrored content disagree, record nothing rather than guess.
    if (total !== deleted.length) continue;
    // A formatted text: how many marks it had, so an undo gives the units the formatting they
    // had when deleted (marks that came later do not count).
    const marks = c.kind === 'text' ? (c as Text).marks : null;
    let at = 0;
    for (const p of list) {
      const content = deleted.slice(at, at + p.len);
      if (marks === null) step.deleted.push({ client: p.client, clock: p.clock, content });
      else step.deleted.push({ client: p.client, clock: p.clock, content, marksAt: marks.length });
      at += p.len;
    }
  }
}

/** A key that had no value. */
const NO_PREV: MapPrev = { key: '', had: false, prev: undefined, prevEntry: null };

/** This replica's live entry for `key` written at or after own clock `since`, or null. */
export function ownEntry(map: DocMap, key: string, since: number): MapEntry | null {
  const live = map.live.get(key);
  if (live === undefined) return null;
  for (let i = live.length - 1; i >= 0; i--) {
    const e = live[i] as MapEntry;
    if (e.client === 0 && e.clock >= since) return e;
  }
  return null;
}
