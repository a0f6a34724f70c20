/**
 * The rich-trace generator's own view of the text's formatting (`rich-trace.ts`): runs of
 * characters with equal attributes, including the marker of places next to deleted links or
 * comments, where the generator asks its oracle instead (see `rich-trace.ts`'s module comment).
 */
import type { AttributesPatch } from '@accord/core';

/** Attribute values of one character (names to JSON values), never `null` values. */
export type Attrs = Readonly<Record<string, unknown>>;

/** Marker of a place where characters carrying a non-growing attribute were deleted (never output). */
export const UNSAFE = '\u0000unsafe';

/** A canonical string of `a` (names sorted), for equality. */
export function keyOf(a: Attrs): string {
  return JSON.stringify(
    Object.keys(a)
      .sort()
      .map((k) => [k, a[k]]),
  );
}

/** No attributes (the frozen empty set). */
export const EMPTY: Attrs = Object.freeze({});

/**
 * The formatting of a text as runs of equal attributes, with a cursor so edits near the previous
 * one (most of them) find their run in a few steps.
 */
export class RunModel {
  private lens: number[] = [];
  private attrs: Attrs[] = [];
  private keys: string[] = [];
  private curRun = 0;
  private curStart = 0;
  private total = 0;

  /** Run index and its start for position `pos` (0 <= pos < length). */
  private locate(pos: number): [number, number] {
    let i = Math.min(this.curRun, Math.max(0, this.lens.length - 1));
    let start = i === this.curRun ? this.curStart : 0;
    if (i !== this.curRun) i = 0;
    while (start > pos) {
      i--;
      start -= this.lens[i] as number;
    }
    while (start + (this.lens[i] as number) <= pos) {
      start += this.lens[i] as number;
      i++;
    }
    this.curRun = i;
    this.curStart = start;
    return [i, start];
  }

  /** Split so that a run starts at `pos` (0 < pos < length); returns that run's index. */
  private splitAt(pos: number): number {
    const [i, start] = this.locate(pos);
    if (start === pos) return i;
    const len = this.lens[i] as number;
    this.lens.splice(i, 1, pos - start, len - (pos - start));
    this.attrs.splice(i + 1, 0, this.attrs[i] as Attrs);
    this.keys.splice(i + 1, 0, this.keys[i] as string);
    this.curRun = i + 1;
    this.curStart = pos;
    return i + 1;
  }

  /** Set the cursor: run `i` starts at `start` (or the cursor goes to the start when there is none). */
  private at0(i: number, start: number): void {
    if (i < this.lens.length) {
      this.curRun = i;
      this.curStart = start;
    } else {
      this.curRun = 0;
      this.curStart = 0;
    }
  }

  /** The number of characters. */
  length(): number {
    return this.total;
  }

  /** The attributes of the character at `pos`. */
  at(pos: number): Attrs {
    return this.attrs[this.locate(pos)[0]] as Attrs;
  }

  /** Delete `del` characters at `pos`, then insert `ins` characters with `a` there. */
  splice(pos: number, del: number, ins: number, a: Attrs, total: number): void {
    if (del > 0) {
      const from = pos === 0 ? 0 : this.splitAt(pos);
      const to = pos + del === total ? this.lens.length : this.splitAt(pos + del);
      this.lens.splice(from, to - from);
      this.attrs.splice(from, to - from);
      this.keys.splice(from, to - from);
      this.at0(from, pos);
      total -= del;
      this.total -= del;
    }
    if (ins > 0) {
      const at = pos === 0 ? 0 : pos === total ? this.lens.length : this.splitAt(pos);
      this.lens.splice(at, 0, ins);
      this.attrs.splice(at, 0, a);
      this.keys.splice(at, 0, keyOf(a));
      this.at0(at, pos);
      this.total += ins;
    }
    this.mergeAround(pos);
  }

  /** Apply `patch` (null removes) to characters `from .. to - 1`. */
  format(from: number, to: number, patch: AttributesPatch, total: number): void {
    const a = from === 0 ? 0 : this.splitAt(from);
    const b = to === total ? this.lens.length : this.splitAt(to);
    for (let i = a; i < b; i++) {
      const next: Record<string, unknown> = { ...(this.attrs[i] as Attrs) };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === undefined) delete next[k];
        else next[k] = v;
      }
      this.attrs[i] = next;
      this.keys[i] = keyOf(next);
    }
    this.at0(a, from);
    this.mergeAll(from, to);
  }

  /** Mark the character at `pos` (0 <= pos < length) unsafe (see `rich-trace.ts`'s module comment). */
  markUnsafe(pos: number, total: number): void {
    const a = this.at(pos);
    if (a[UNSAFE] === true) return;
    this.format(pos, pos + 1, { [UNSAFE]: true }, total);
  }

  private mergeAround(pos: number): void {
    if (this.lens.length < 2) return;
    this.mergeAll(pos, pos);
  }

  /** Join neighbouring runs with equal attributes around positions `from .. to`. */
  private mergeAll(from: number, to: number): void {
    if (this.total === 0) return;
    const [i0, s0] = this.locate(Math.min(from, this.total - 1));
    const lo = Math.max(0, i0 - 2);
    let loStart = s0;
    for (let k = lo; k < i0; k++) loStart -= this.lens[k] as number;
    const hi = Math.min(this.lens.length - 1, this.locate(Math.min(to, this.total - 1))[0] + 2);
    for (let i = hi; i > lo; i--) {
      if (this.keys[i] === this.keys[i - 1]) {
        this.lens[i - 1] = (this.lens[i - 1] as number) + (this.lens[i] as number);
        this.lens.splice(i, 1);
        this.attrs.splice(i, 1);
        this.keys.splice(i, 1);
      }
    }
    this.at0(lo, loStart);
  }

  /** The formatting as a delta over `text` (attribute names sorted, the unsafe marker left out). */
  delta(text: string): { insert: string; attributes?: Record<string, unknown> }[] {
    const out: { insert: string; attributes?: Record<string, unknown> }[] = [];
    let pos = 0;
    let lastKey = '';
    for (let i = 0; i < this.lens.length; i++) {
      const len = this.lens[i] as number;
      const a = visible(this.attrs[i] as Attrs);
      const k = keyOf(a);
      const insert = text.slice(pos, pos + len);
      pos += len;
      const last = out[out.length - 1];
      if (last !== undefined && k === lastKey) last.insert += insert;
      else out.push(Object.keys(a).length === 0 ? { insert } : { insert, attributes: sorted(a) });
      lastKey = k;
    }
    return out;
  }
}

/** `a` without the unsafe marker. */
export function visible(a: Attrs): Attrs {
  if (!(UNSAFE in a)) return a;
  const { [UNSAFE]: _, ...rest } = a;
  return rest;
}

/** `a` as a new object with its names in sorted order. */
function sorted(a: Attrs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a).sort()) out[k] = a[k];
  return out;
}
