/**
 * Pure translation between CodeMirror change sets and Accord text changes, with no DOM and no
 * view: what the binding applies in each direction, tested on its own.
 *
 * Positions on both sides are UTF-16 code units. The binding sets CodeMirror's line separator to
 * `"\n"`, so a CodeMirror document and an Accord `Text` holding the same string have the same
 * length and the same positions (a `"\r"` stays one character instead of becoming a line break).
 */
import { ChangeSet, EditorSelection, type SelectionRange } from '@codemirror/state';

/** The line separator the binding gives CodeMirror, so both sides count characters alike. */
export const LINE_SEPARATOR = '\n';

/** One replacement of a text: delete `deleteCount` code units at `index`, then insert `insert`. */
export interface Splice {
  readonly index: number;
  readonly deleteCount: number;
  readonly insert: string;
}

/** One change as Accord reports it (`SequenceChange` of a text): an index plus insert and/or delete. */
export interface TextChange {
  readonly index: number;
  readonly insert?: string | readonly unknown[];
  readonly delete?: number;
}

/**
 * The splices that perform `changes`, in order: each `index` refers to the text that the earlier
 * splices produced, so applying them one after the other to the old text gives the new text.
 */
export function changeSetToSplices(changes: ChangeSet): Splice[] {
  const splices: Splice[] = [];
  changes.iterChanges((fromA, toA, fromB, _toB, inserted) => {
    // fromB: where this change starts once the earlier (lower) changes are applied.
    splices.push({ index: fromB, deleteCount: toA - fromA, insert: inserted.toString() });
  });
  return splices;
}

/**
 * A change set for a document of `length` code units that applies Accord's `changes` (which are
 * sequential: each index refers to the text after the previous change). Non-string inserts (a
 * list's elements, never sent for a text) are ignored.
 * @throws RangeError when a change falls outside the document (the two sides disagree).
 */
export function textChangesToChangeSet(changes: readonly TextChange[], length: number): ChangeSet {
  let result: ChangeSet | undefined;
  let current = length;
  for (const change of changes) {
    const insert = typeof change.insert === 'string' ? change.insert : '';
    const remove = change.delete ?? 0;
    const next = ChangeSet.of(
      { from: change.index, to: change.index + remove, insert },
      current,
      LINE_SEPARATOR,
    );
    result = result === undefined ? next : result.compose(next);
    current = next.newLength;
  }
  return result ?? ChangeSet.empty(length);
}

/**
 * Where a caret goes after an undo or redo: just after the last text it inserted, or where its
 * last deletion was (in the new document). Undefined for an empty change set.
 */
export function caretAfterChanges(changes: ChangeSet): number | undefined {
  let caret: number | undefined;
  changes.iterChanges((_fromA, _toA, _fromB, toB) => {
    caret = toB; // the end of what was inserted, or where the deletion was (toB === fromB)
  });
  return caret;
}

/**
 * Rebase a local change made on a document that lacks `pending` (remote changes not shown yet)
 * onto the document that has them. Returns the local change in the coordinates of the document
 * with `pending` applied, and `pending` in the coordinates of the document with the local change
 * applied; both orders give the same text:
 * `pending ∘ local' = local ∘ pending'` (where both insert at one spot, the remote text comes first).
 */
export function rebase(local: ChangeSet, pending: ChangeSet): { local: ChangeSet; pending: ChangeSet } {
  return { local: local.map(pending), pending: pending.map(local, true) };
}

/** A selection range from `anchor` to `head`, each clamped to `[0, length]`. */
export function clampedRange(anchor: number, head: number, length: number): SelectionRange {
  const clamp = (n: number): number => Math.min(Math.max(0, n), length);
  return EditorSelection.range(clamp(anchor), clamp(head));
}
