/**
 * How a `Text` writes formatting: one mark over a range (`addMark`, with the Peritext edge
 * rules of `marks.ts`) and exact attributes for text just inserted with attributes
 * (`setExactly`). Every write runs inside the caller's transaction.
 */

import { heldValue } from '../format/held-values.js';
import { NO_CLIENT } from '../sequence/item.js';
import type { Sequence } from '../sequence/sequence.js';
import { jsonEqual } from './attribute-values.js';
import type { Container, DocCore } from './container.js';
import { MarkOp, markExpands } from './marks.js';
import type { Attributes, AttributesPatch } from './text-delta.js';

/** What the mark writes read and call on a `Text`. @internal */
export interface FormattedText extends Container {
  /** The document (clock, store, hybrid logical clock). */
  readonly doc: DocCore;
  /** The characters. */
  readonly seq: Sequence;
  /** Formatting marks, in arrival order; null until the first one. */
  readonly marks: MarkOp[] | null;
  /** The attributes of the unit at `index`. */
  attributesAt(index: number): Attributes;
  /** Add a mark made here to the text. */
  integrateMark(op: MarkOp): void;
}

/**
 * Give units `index .. index + length - 1` of `text` (just inserted, one format) exactly
 * `attributes` (`known`: the attributes they have, when known). @internal
 */
export function setExactly(
  text: FormattedText,
  index: number,
  length: number,
  attributes: AttributesPatch,
  known: Attributes | null = null,
): void {
  const current = known ?? (text.marks === null ? {} : text.attributesAt(index));
  // The names whose value changes, marked in name order (usually one or two of many).
  const changed: string[] = [];
  for (const k of Object.keys(attributes)) {
    const want = attributes[k] ?? null;
    const has = Object.hasOwn(current, k) ? current[k] : null;
    if (!jsonEqual(want, has)) changed.push(k);
  }
  for (const k of Object.keys(current)) if (!Object.hasOwn(attributes, k)) changed.push(k);
  changed.sort();
  for (const k of changed) addMark(text, index, length, k, attributes[k] ?? null);
}

/**
 * Make a mark of `key` over the non-empty range `index .. index + length - 1` of `text` (in a
 * transaction). @internal
 */
export function addMark(
  text: FormattedText,
  index: number,
  length: number,
  key: string,
  value: unknown,
  expands = markExpands(key),
): void {
  const seq = text.seq;
  const idx = seq.index;
  const first = idx.find(index);
  const sClient = first.client;
  const sClock = first.clock + idx.fOffset;
  let eClient = NO_CLIENT;
  let eClock = 0;
  let eAfter = false;
  const end = index + length;
  if (!expands) {
    const last = idx.find(end - 1);
    eClient = last.client;
    eClock = last.clock + idx.fOffset;
    eAfter = true;
  } else if (end < seq.length) {
    const next = idx.find(end);
    eClient = next.client;
    eClock = next.clock + idx.fOffset;
  }
  const doc = text.doc;
  const ts = doc.hlc.tick();
  // Held as an immutable whole: a frozen copy of an array or object (see `held-values.ts`).
  const held = heldValue(value);
  const op = new MarkOp(
    0,
    doc.nextClock,
    text,
    sClient,
    sClock,
    false,
    eClient,
    eClock,
    eAfter,
    key,
    held,
    ts.wall,
    ts.logical,
  );
  doc.store.add(op);
  text.integrateMark(op);
}
