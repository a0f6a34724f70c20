/**
 * The binding's configuration as CodeMirror sees it: one facet holding the Accord text, its
 * document, the origin of this editor's transactions and the undo manager, shared by the sync
 * plugin, the remote carets and the undo commands.
 */
import type { Doc, Scheduler, Text, UndoManager } from '@accord/core';
import { Annotation, Facet } from '@codemirror/state';
import type { PresenceSource } from './presence.js';

/** Everything one binding needs, resolved from `accordCollab`'s options. */
export interface BindingConfig {
  readonly text: Text;
  readonly doc: Doc;
  /** Origin of the Accord transactions made from this editor's changes (default: the plugin). */
  readonly origin: object | undefined;
  /** The undo manager to use, or undefined to create one per view (tracking `origin`). */
  readonly undoManager: UndoManager | undefined;
  readonly presence: PresenceSource | undefined;
  /** Publish the local selection through `presence`. */
  readonly publishCursor: boolean;
  /** At most one cursor publication per this many milliseconds. */
  readonly cursorThrottleMs: number;
  /** Clock and timers of the binding (the cursor throttle, catching up after a composition). */
  readonly scheduler: Scheduler;
}

/** The binding of a state (at most one per editor). */
export const bindingFacet = Facet.define<BindingConfig, BindingConfig | undefined>({
  combine: (values) => values[0],
});

/**
 * Marks the CodeMirror transactions that bring in changes made elsewhere (other replicas, undo
 * and redo, direct edits of the `Text`), so the binding does not send them back to Accord.
 */
export const accordRemote = Annotation.define<true>();
