/**
 * The binding's configuration as the plugins see it, and the plugin keys.
 */
import type { Doc, Scheduler, UndoManager } from '@accord/core';
import type { Schema } from 'prosemirror-model';
import { PluginKey } from 'prosemirror-state';
import type { BlockMapping } from './convert.js';
import type { BlocksLike } from './flat.js';
import type { PresenceSource } from './presence.js';
import type { AccordSync } from './sync.js';

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

/** Live bindings by view (set by the sync plugin's view). */
export const bindings: WeakMap<object, AccordSync> = new WeakMap();
