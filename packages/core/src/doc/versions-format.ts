/**
 * The formatting half of a text's version diff: an identity delta (which units were kept,
 * deleted or inserted between two versions) gains the attributes of its inserts and, on kept
 * units whose formatting changed, the attribute patch that turns the older formatting into the
 * newer one, so `older.applyDelta(diff)` gives the newer text with its formatting.
 */

import { attributesPatch, canonicalJson } from './attribute-values.js';
import type { FormatSpan } from './marks.js';
import type { Attributes, AttributesPatch, TextDeltaOp } from './text-delta.js';

/** An identity op over units: kept, deleted, or inserted (with the newer text's units). */
export type IdentityOp =
  | { readonly retain: number }
  | { readonly insert: string }
  | { readonly delete: number };

/** Reads the attributes of consecutive positions of one version from its spans. */
class SpanCursor {
  #i = 0;
  constructor(private readonly spans: readonly FormatSpan[]) {}

  /** Attributes at `pos` (null: none) and how many units from `pos` share them. */
  at(pos: number): { attributes: Attributes | null; run: number } {
    while (this.#i < this.spans.length && (this.spans[this.#i] as FormatSpan).to <= pos) this.#i++;
    const span = this.spans[this.#i];
    if (span === undefined || span.from > pos) return { attributes: null, run: Number.POSITIVE_INFINITY };
    return { attributes: span.attributes, run: span.to - pos };
  }
}

function samePatch(a: AttributesPatch | undefined, b: AttributesPatch | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

/** Append `op`, merging it into the last op when both are kept units with the same patch. */
function pushOp(out: TextDeltaOp[], op: TextDeltaOp): void {
  const last = out[out.length - 1];
  if (last !== undefined && 'retain' in last && 'retain' in op && samePatch(last.attributes, op.attributes)) {
    out[out.length - 1] =
      op.attributes === undefined
        ? { retain: last.retain + op.retain }
        : { retain: last.retain + op.retain, attributes: op.attributes };
    return;
  }
  out.push(op);
}

/**
 * `ops` (an identity delta from the older text to the newer one, trailing kept units included)
 * with formatting: `older` and `newer` are the two versions' spans. A trailing run of kept units
 * whose formatting did not change is dropped.
 */
export function formatIdentityDelta(
  ops: readonly IdentityOp[],
  older: readonly FormatSpan[],
  newer: readonly FormatSpan[],
): TextDeltaOp[] {
  const before = new SpanCursor(older);
  const after = new SpanCursor(newer);
  const out: TextDeltaOp[] = [];
  let po = 0;
  let pn = 0;
  for (const op of ops) {
    if ('delete' in op) {
      out.push({ delete: op.delete });
      po += op.delete;
    } else if ('insert' in op) {
      let at = 0;
      while (at < op.insert.length) {
        const { attributes, run } = after.at(pn + at);
        const n = Math.min(run, op.insert.length - at);
        const insert = op.insert.slice(at, at + n);
        out.push(attributes === null ? { insert } : { insert, attributes: { ...attributes } });
        at += n;
      }
      pn += op.insert.length;
    } else {
      let left = op.retain;
      while (left > 0) {
        const b = before.at(po);
        const a = after.at(pn);
        const n = Math.min(left, b.run, a.run);
        const patch = attributesPatch(b.attributes, a.attributes);
        pushOp(out, patch === null ? { retain: n } : { retain: n, attributes: patch });
        po += n;
        pn += n;
        left -= n;
      }
    }
  }
  const last = out[out.length - 1];
  if (last !== undefined && 'retain' in last && last.attributes === undefined) out.pop();
  return out;
}
