/**
 * The binding's configuration as the plugins see it, and the plugin keys.
 */
import type { Doc, Scheduler, UndoManager } from '@accord/core';
import type { Node, Schema } from 'prosemirror-model';
import { PluginKey, type Transaction } from 'prosemirror-state';
import { ReplaceAroundStep, type StepMap } from 'prosemirror-transform';
import type { BlockMapping } from './convert.js';
import type { BlocksLike } from './flat.js';
import type { PresenceSource } from './presence.js';

/** Everything one binding needs, resolved from `accordProsemirror`'s options. */
export interface BindingConfig {
  readonly blocks: BlocksLike;
  readonly doc: Doc;
  /** The conversion for a schema (one per schema, created on first use). */
  mappingFor(schema: Schema): BlockMapping;
  /** Origin of the Accord transactions made from this editor's changes (default: the binding). */
  readonly origin: object | undefined;
  /** The undo manager to use, or undefined to create one per view (tracking the origin). */
  readonly undoManager: UndoManager | undefined;
  readonly presence: PresenceSource | undefined;
  /** Publish the local selection through `presence`. */
  readonly publishCursor: boolean;
  /** At most one cursor publication per this many milliseconds. */
  readonly cursorThrottleMs: number;
  readonly scheduler: Scheduler;
  /** Where local transactions changed the document (fed by the sync plugin's state). */
  readonly tracker: ChangeTracker;
}

/** Meta value of the binding's own transactions (see {@link accordSyncKey}). */
export type AccordMeta = 'remote' | 'presence';

/**
 * Key of the sync plugin. Transactions that bring in changes made elsewhere (other replicas, undo
 * and redo, direct edits of the blocks) carry `tr.getMeta(accordSyncKey) === 'remote'`; the
 * binding does not send them back. `accordSyncKey.get(state)?.spec` holds the configuration, and
 * the view's binding is `accordSync(view)`.
 */
export const accordSyncKey: PluginKey<BindingConfig> = new PluginKey<BindingConfig>('accord-sync');

/**
 * Where local transactions replaced content since the binding last read it (in the current
 * document's positions): a hint that lets the binding tell typed text from equal text next to it
 * (see `localDelta`). Fed by the sync plugin's state for every transaction; `valid` is false when
 * a transaction was applied to a state the tracker did not see, or kept content between two
 * changed ranges (then no hint is given).
 */
export class ChangeTracker {
  #doc: Node | null = null;
  #range: { from: number; to: number } | null = null;
  #valid = false;

  /** Start from `doc` with nothing changed. */
  reset(doc: Node): void {
    this.#doc = doc;
    this.#range = null;
    this.#valid = true;
  }

  /** Record `tr`, applied to `oldDoc`. */
  note(tr: Transaction, oldDoc: Node): void {
    if (this.#doc !== oldDoc) this.#valid = false;
    this.#doc = tr.doc;
    if (!tr.docChanged) return;
    // A step that keeps content between its two changed ranges (wrapping, lifting, a new block
    // type) has no single range of new content: no hint (the comparison alone finds it kept).
    if (tr.steps.some((step) => step instanceof ReplaceAroundStep)) this.#valid = false;
    let range = this.#range;
    if (range !== null) range = { from: tr.mapping.map(range.from, -1), to: tr.mapping.map(range.to, 1) };
    const maps = tr.mapping.maps;
    for (let i = 0; i < maps.length; i++) {
      const rest = tr.mapping.slice(i + 1);
      (maps[i] as StepMap).forEach((_oldStart, _oldEnd, newStart, newEnd) => {
        const from = rest.map(newStart, -1);
        const to = rest.map(newEnd, 1);
        range =
          range === null ? { from, to } : { from: Math.min(range.from, from), to: Math.max(range.to, to) };
      });
    }
    this.#range = range;
  }

  /** The range changed since the last `take` in `doc`, or undefined when unknown; then starts over. */
  take(doc: Node): { from: number; to: number } | undefined {
    const range = this.#valid && this.#doc === doc ? (this.#range ?? undefined) : undefined;
    this.reset(doc);
    return range;
  }
}
