/**
 * Content mirrors for the undo manager. A deleted run keeps no content (tombstones are lengths
 * only), so to undo a deletion the manager must know what the deleted units held. It keeps a
 * copy of each tracked text, list and map, brought up to date from the change events of every
 * transaction (local and remote): the copy from before a transaction holds the deleted content.
 *
 * Cost: one copy of the tracked content, and per transaction O(size of the changed container)
 * for texts and lists (string and array splices).
 */

import type { DocMap } from './collections.js';
import { type ChangeEvent, Container, type SequenceChange } from './container.js';
import { entryWins, type MapEntry } from './structs.js';

/** A map key's state before a transaction: its value and the entry holding it (if any). */
export interface MapPrev {
  key: string;
  had: boolean;
  prev: unknown;
  prevEntry: MapEntry | null;
}

/** The winning entry of `key` in `m` (as `DocMap.get` picks it), or null when unset. */
export function winnerEntry(m: DocMap, key: string): MapEntry | null {
  const live = m.live.get(key);
  if (live === undefined || live.length === 0) return null;
  let best = live[0] as MapEntry;
  for (const e of live) if (entryWins(e, best, m.doc.clientIds)) best = e;
  return best;
}

/** Text (a string) or list (an array) content. */
export type SeqContent = string | unknown[];

/** Units deleted by one transaction from one sequence, in document order (pre-transaction ranks). */
export type DeletedContent = SeqContent;

/** Largest chunk of a text mirror: edits copy one chunk, not the whole text. */
const CHUNK = 1024;

/** A text copy in chunks of at most 2 x {@link CHUNK} code units. */
export class ChunkedText {
  private chunks: string[] = [];
  /** Number of code units. */
  length = 0;

  constructor(s: string) {
    for (let i = 0; i < s.length; i += CHUNK) this.chunks.push(s.slice(i, i + CHUNK));
    this.length = s.length;
  }

  /** Chunk index and offset of position `pos` (0 <= pos <= length). */
  private locate(pos: number): [number, number] {
    const chunks = this.chunks;
    let p = 0;
    for (let i = 0; i < chunks.length; i++) {
      const n = (chunks[i] as string).length;
      if (pos < p + n) return [i, pos - p];
      p += n;
    }
    return [chunks.length, 0];
  }

  /** Code units `from .. to-1`. */
  slice(from: number, to: number): string {
    let [ci, off] = this.locate(from);
    let out = '';
    let need = to - from;
    while (need > 0 && ci < this.chunks.length) {
      const c = this.chunks[ci] as string;
      const part = c.slice(off, off + need);
      out += part;
      need -= part.length;
      ci++;
      off = 0;
    }
    return out;
  }

  /** Insert `s` at `pos`. */
  insert(pos: number, s: string): void {
    const [ci, off] = this.locate(pos);
    if (ci === this.chunks.length) {
      const last = this.chunks.length - 1;
      if (last >= 0 && (this.chunks[last] as string).length + s.length <= 2 * CHUNK) {
        this.chunks[last] += s;
      } else for (let i = 0; i < s.length; i += CHUNK) this.chunks.push(s.slice(i, i + CHUNK));
    } else {
      const c = this.chunks[ci] as string;
      const joined = c.slice(0, off) + s + c.slice(off);
      if (joined.length <= 2 * CHUNK) this.chunks[ci] = joined;
      else {
        const parts: string[] = [];
        for (let i = 0; i < joined.length; i += CHUNK) parts.push(joined.slice(i, i + CHUNK));
        this.chunks.splice(ci, 1, ...parts);
      }
    }
    this.length += s.length;
  }

  /** Delete `len` code units at `pos`. */
  delete(pos: number, len: number): void {
    let left = Math.min(len, this.length - pos);
    this.length -= left;
    while (left > 0) {
      const [ci, off] = this.locate(pos);
      const c = this.chunks[ci];
      if (c === undefined) return;
      const n = Math.min(left, c.length - off);
      const rest = c.slice(0, off) + c.slice(off + n);
      if (rest.length === 0) this.chunks.splice(ci, 1);
      else this.chunks[ci] = rest;
      left -= n;
    }
  }
}

/** Mirrors of the tracked containers. */
export class ContentMirror {
  private readonly seqs = new Map<Container, ChunkedText | unknown[]>();
  private readonly maps = new Map<Container, Map<string, { entry: MapEntry; value: unknown }>>();

  /** Copy `c` and every container inside it (when first tracked). */
  track(c: Container): void {
    if (c.kind === 'text') this.seqs.set(c, new ChunkedText(c.toString()));
    else if (c.kind === 'list') {
      const items = (c as unknown as { toArray(): unknown[] }).toArray();
      this.seqs.set(c, items);
      for (const v of items) if (v instanceof Container) this.track(v);
    } else if (c.kind === 'map') {
      const m = c as DocMap;
      const copy = new Map<string, { entry: MapEntry; value: unknown }>();
      for (const k of m.keys()) {
        const entry = winnerEntry(m, k) as MapEntry;
        copy.set(k, { entry, value: entry.value });
        if (entry.value instanceof Container) this.track(entry.value);
      }
      this.maps.set(c, copy);
    }
  }

  /** Forget every mirror. */
  clear(): void {
    this.seqs.clear();
    this.maps.clear();
  }

  /**
   * Apply a sequence event to its mirror. When `collect` is true, returns the content of the
   * units that existed before the transaction and were deleted by it, in document order (units
   * both inserted and deleted within the transaction are left out). A container without a
   * mirror was created after tracking began and had no change yet, so it starts empty.
   */
  applySequence(ev: ChangeEvent, collect: boolean): DeletedContent | null {
    const target = ev.target;
    let cur = this.seqs.get(target);
    if (cur === undefined) {
      cur = target.kind === 'text' ? new ChunkedText('') : [];
      this.seqs.set(target, cur);
    }
    const deleted = collect ? deletedRanks(cur.length, ev.changes) : null;
    let out: DeletedContent | null = null;
    if (deleted !== null) {
      if (cur instanceof ChunkedText) {
        let s = '';
        for (let i = 0; i < deleted.length; i += 2)
          s += cur.slice(deleted[i] as number, (deleted[i] as number) + (deleted[i + 1] as number));
        out = s;
      } else {
        const a: unknown[] = [];
        for (let i = 0; i < deleted.length; i += 2) {
          const from = deleted[i] as number;
          for (let k = from; k < from + (deleted[i + 1] as number); k++) a.push(cur[k]);
        }
        out = a;
      }
    }
    for (const ch of ev.changes) {
      if (cur instanceof ChunkedText) {
        if (ch.delete !== undefined) cur.delete(ch.index, ch.delete);
        if (typeof ch.insert === 'string') cur.insert(ch.index, ch.insert);
      } else {
        if (ch.delete !== undefined) cur.splice(ch.index, ch.delete);
        if (Array.isArray(ch.insert)) {
          cur.splice(ch.index, 0, ...ch.insert);
          for (const v of ch.insert) if (v instanceof Container) this.track(v);
        }
      }
    }
    return out;
  }

  /**
   * Apply a map event to its mirror; returns, per changed key, whether it had a value before
   * the transaction, which, and the entry that held it.
   */
  applyMap(ev: ChangeEvent): MapPrev[] {
    const m = ev.target as DocMap;
    let copy = this.maps.get(m);
    if (copy === undefined) {
      copy = new Map();
      this.maps.set(m, copy);
    }
    const out: MapPrev[] = [];
    for (const key of ev.keysChanged) {
      const old = copy.get(key);
      out.push({ key, had: old !== undefined, prev: old?.value, prevEntry: old?.entry ?? null });
      const entry = winnerEntry(m, key);
      if (entry !== null) {
        copy.set(key, { entry, value: entry.value });
        const v = entry.value;
        if (v instanceof Container && !this.maps.has(v) && !this.seqs.has(v)) this.track(v);
      } else copy.delete(key);
    }
    return out;
  }
}

/**
 * Which pre-transaction positions a sequence of changes deleted: `[start, len, ...]` ascending.
 * Tracks segments of the current content as either pre-transaction ranks or inserted units.
 */
export function deletedRanks(preLength: number, changes: readonly SequenceChange[]): number[] {
  // Segments: [pre, len] pairs where pre = -1 marks units inserted by the transaction.
  let segs: number[] = preLength > 0 ? [0, preLength] : [];
  const deleted: number[] = [];
  for (const ch of changes) {
    if (ch.delete !== undefined && ch.delete > 0) {
      const end = ch.index + ch.delete;
      const next: number[] = [];
      let pos = 0;
      for (let i = 0; i < segs.length; i += 2) {
        const pre = segs[i] as number;
        const len = segs[i + 1] as number;
        const a = Math.max(pos, ch.index);
        const b = Math.min(pos + len, end);
        if (a >= b) next.push(pre, len);
        else {
          if (a > pos) next.push(pre, a - pos);
          if (pre >= 0) deleted.push(pre + (a - pos), b - a);
          if (b < pos + len) next.push(pre < 0 ? -1 : pre + (b - pos), pos + len - b);
        }
        pos += len;
      }
      segs = next;
    }
    const n = ch.insert?.length ?? 0;
    if (n > 0) {
      const next: number[] = [];
      let pos = 0;
      let placed = false;
      for (let i = 0; i < segs.length; i += 2) {
        const pre = segs[i] as number;
        const len = segs[i + 1] as number;
        if (!placed && ch.index <= pos + len) {
          const cut = ch.index - pos;
          if (cut > 0) next.push(pre, cut);
          next.push(-1, n);
          if (cut < len) next.push(pre < 0 ? -1 : pre + cut, len - cut);
          placed = true;
        } else next.push(pre, len);
        pos += len;
      }
      if (!placed) next.push(-1, n);
      segs = next;
    }
  }
  // Sort and merge the deleted ranges.
  const pairs: [number, number][] = [];
  for (let i = 0; i < deleted.length; i += 2) pairs.push([deleted[i] as number, deleted[i + 1] as number]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [s, l] of pairs) {
    const k = out.length;
    if (k > 0 && (out[k - 2] as number) + (out[k - 1] as number) === s)
      out[k - 1] = (out[k - 1] as number) + l;
    else out.push(s, l);
  }
  return out;
}
