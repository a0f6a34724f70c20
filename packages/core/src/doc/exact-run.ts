/**
 * What a `Text` remembers of the text it last inserted with attributes, so that text typed on
 * right after it with the same attributes costs one check and makes no mark. An editor passes the
 * caret's formatting with every keystroke (after Ctrl+B, or wherever the caret's formatting is not
 * what the text would inherit), often a fresh object each time with the same names and values.
 */

import { setOwn } from '../own-keys.js';
import { checkAttributesAgainst } from './attribute-values.js';
import type { Attributes, AttributesPatch } from './text-delta.js';

/** The unit last given exact attributes, and the last patch known to give exactly those. */
export class ExactRun {
  /**
   * The attributes of the unit at {@link ExactRun.pos} (just inserted with attributes), valid
   * while the sequence is at {@link ExactRun.version} and no mark arrived (then null).
   */
  attrs: Attributes | null = null;
  /** How many names {@link ExactRun.attrs} has. */
  private count = 0;
  /** Visible position of that unit. */
  pos = -1;
  /** Sequence version at which {@link ExactRun.pos} holds. */
  private version = -1;
  /**
   * True when no mark's anchor can sit after the unit at {@link ExactRun.pos}: it was typed on
   * with the attributes before it, after every mark the text has (a new mark clears `attrs`).
   */
  free = false;
  /**
   * Names and values, in `Object.keys` order, of the last patch checked that gives exactly
   * {@link ExactRun.attrs}: a patch with the same names holding the same values (`===`) needs no
   * other check (null: none).
   */
  private lastKeys: string[] | null = null;
  private lastValues: unknown[] = [];

  /** Forget the attributes (a mark arrived). */
  clear(): void {
    this.attrs = null;
    this.lastKeys = null;
  }

  /** Whether text inserted at `index` (sequence at `version`) goes right after the unit. */
  isBefore(index: number, version: number): boolean {
    return this.attrs !== null && this.pos === index - 1 && this.version === version;
  }

  /**
   * Check `patch` as `checkAttributes` does, and tell whether it gives exactly
   * {@link ExactRun.attrs} (always false unless `compare`).
   * @throws {AccordError} `invalid-argument` as `checkAttributes`.
   */
  check(patch: unknown, compare: boolean): boolean {
    if (compare && this.sameAsLast(patch)) return true;
    const same = checkAttributesAgainst(patch, compare ? this.attrs : null, this.count);
    if (same) this.remember(patch as AttributesPatch);
    return same;
  }

  /** Text of `n` units was typed on at `at` with the same attributes (sequence now at `version`). */
  typedOn(at: number, n: number, version: number): void {
    this.pos = at + n - 1;
    this.version = version;
    this.free = true;
  }

  /**
   * Text of `n` units at `at` was just given exactly `patch` (checked; sequence now at `version`),
   * with marks that may end after its last unit.
   */
  set(patch: AttributesPatch, at: number, n: number, version: number): void {
    const exact: Attributes = {};
    let count = 0;
    for (const k of Object.keys(patch)) {
      const v = patch[k];
      if (v !== null && v !== undefined) {
        setOwn(exact, k, v);
        count++;
      }
    }
    this.attrs = exact;
    this.count = count;
    this.pos = at + n - 1;
    this.version = version;
    this.free = false;
    this.remember(patch);
  }

  /** True when `patch` has the names of the last patch remembered, with identical values. */
  private sameAsLast(patch: unknown): boolean {
    const keys = this.lastKeys;
    if (
      keys === null ||
      typeof patch !== 'object' ||
      patch === null ||
      Object.getPrototypeOf(patch) !== Object.prototype
    )
      return false;
    const p = patch as Record<string, unknown>;
    const names = Object.keys(p);
    if (names.length !== keys.length) return false;
    const values = this.lastValues;
    for (let i = 0; i < names.length; i++) {
      const k = names[i] as string;
      if (k !== keys[i] || p[k] !== values[i]) return false;
    }
    return true;
  }

  private remember(patch: AttributesPatch): void {
    const keys = Object.keys(patch);
    const values: unknown[] = [];
    for (const k of keys) values.push(patch[k]);
    this.lastKeys = keys;
    this.lastValues = values;
  }
}
