/**
 * Deriving edits from strings: what a native input event did to the textarea, and a bounded
 * character diff for changes whose delta the document did not report.
 */
import type { Delta, DeltaOp } from './delta.js';

/** A single-range replacement: remove `deleteCount` code units at `index`, then insert `insert`. */
export interface Splice {
  readonly index: number;
  readonly deleteCount: number;
  readonly insert: string;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * The edit that turned `before` into `after`, given where the caret ended up (`caretAfter`).
 * Text after the caret is unchanged by typing, pasting, deleting and composing, so the common
 * suffix never reaches left of the caret; this places a repeated character ("aa" → "aaa") where
 * the user typed it. The range never splits a surrogate pair. Returns `undefined` when equal.
 */
export function diffInput(before: string, after: string, caretAfter: number): Splice | undefined {
  if (before === after) return undefined;
  const caret = Math.min(Math.max(caretAfter, 0), after.length);
  let suffix = 0;
  const maxSuffix = Math.min(before.length, after.length - caret);
  while (
    suffix < maxSuffix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  let prefix = 0;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return {
    index: prefix,
    deleteCount: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

/** Edit distance above which `diffStrings` stops searching and reports one replaced range. */
const MAX_EDIT_DISTANCE = 256;

/**
 * A minimal delta from `before` to `after` (Myers' O(ND) diff on the part between the common
 * prefix and suffix), bounded: past an edit distance of 256 it returns one replaced range.
 */
export function diffStrings(before: string, after: string): Delta {
  let prefix = 0;
  const limit = Math.min(before.length, after.length);
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < limit - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  const a = before.slice(prefix, before.length - suffix);
  const b = after.slice(prefix, after.length - suffix);
  const ops: DeltaOp[] = [];
  if (prefix > 0) ops.push({ retain: prefix });
  const middle = myers(a, b) ?? replaceAll(a, b);
  for (const op of middle) push(ops, op);
  return ops;
}

function replaceAll(a: string, b: string): DeltaOp[] {
  const ops: DeltaOp[] = [];
  if (a.length > 0) ops.push({ delete: a.length });
  if (b.length > 0) ops.push({ insert: b });
  return ops;
}

/** Append `op`, merging it with the previous op of the same kind. */
function push(ops: DeltaOp[], op: DeltaOp): void {
  const last = ops[ops.length - 1];
  if (last && 'retain' in last && 'retain' in op) ops[ops.length - 1] = { retain: last.retain + op.retain };
  else if (last && 'insert' in last && 'insert' in op)
    ops[ops.length - 1] = { insert: last.insert + op.insert };
  else if (last && 'delete' in last && 'delete' in op)
    ops[ops.length - 1] = { delete: last.delete + op.delete };
  else ops.push(op);
}

/** Myers' greedy shortest edit script; `undefined` when the distance exceeds the bound. */
function myers(a: string, b: string): DeltaOp[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a.charCodeAt(x) === b.charCodeAt(y)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, offset, d);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], a: string, b: string, offset: number, depth: number): DeltaOp[] {
  const reversed: DeltaOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = depth; d > 0; d--) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      reversed.push({ retain: 1 });
      x--;
      y--;
    }
    if (down) reversed.push({ insert: b.charAt(prevY) });
    else reversed.push({ delete: 1 });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    reversed.push({ retain: 1 });
    x--;
    y--;
  }
  const ops: DeltaOp[] = [];
  for (let i = reversed.length - 1; i >= 0; i--) push(ops, reversed[i] as DeltaOp);
  return ops;
}
