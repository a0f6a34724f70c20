/**
 * `accordProsemirror`: the plugins an app adds to bind a ProseMirror editor to Accord blocks.
 */
import { Doc, RealScheduler, type Scheduler, type UndoManager } from '@accord/core';
import type { Node, Schema } from 'prosemirror-model';
import { Plugin } from 'prosemirror-state';
import { accordSyncKey, type BindingConfig, ChangeTracker } from './binding.js';
import { remoteCaretsPlugin } from './carets.js';
import { BlockMapping } from './convert.js';
import type { BlocksLike } from './flat.js';
import { normalizePlugin } from './normalize.js';
import type { PresenceSource } from './presence.js';
import { basicNames, type SchemaNames } from './schema.js';
import { AccordSync } from './sync.js';
import { accordRedo, accordUndo } from './undo.js';

/** Options of {@link accordProsemirror}. */
export interface AccordProsemirrorOptions {
  /**
   * Presence channel (a `WebsocketProvider` from `@accord/client` is one): remote carets are
   * drawn from it and, unless `publishCursor` is false, the local selection is published to it.
   */
  readonly presence?: PresenceSource;
  /** Publish the local selection as `cursor` through `presence` (default true). */
  readonly publishCursor?: boolean;
  /** At most one cursor publication per this many milliseconds (default 50). */
  readonly cursorThrottleMs?: number;
  /**
   * The undo manager for Mod-z and friends. It must track `origin`. Default: one per editor,
   * scoped to the blocks, tracking only that editor's changes.
   */
  readonly undoManager?: UndoManager;
  /** Origin of the Accord transactions made from the editor (default: the editor's binding). */
  readonly origin?: object;
  /** Bind Mod-z, Mod-Shift-z and Mod-y (and the browser's undo input events) (default true). */
  readonly undoKeys?: boolean;
  /** Node and mark names of the schema (default {@link basicNames}; Tiptap: `tiptapNames`). */
  readonly names?: SchemaNames;
  /** Clock and timers of the cursor throttle (default: real time). */
  readonly scheduler?: Scheduler;
}

const realScheduler: Scheduler = new RealScheduler({ unref: false });

/**
 * The plugins binding an editor to `blocks`. Create the state with the blocks' content
 * ({@link blocksToDoc}):
 *
 * ```ts
 * const state = EditorState.create({
 *   doc: blocksToDoc(blocks, accordSchema),
 *   plugins: [...accordProsemirror(blocks, { presence: provider }), keymap(baseKeymap)],
 * });
 * ```
 *
 * Every local change becomes one Accord transaction; every change made elsewhere one ProseMirror
 * transaction (`tr.getMeta(accordSyncKey) === 'remote'`, not added to history). Do not add
 * `prosemirror-history`: undo goes through Accord so it never reverts other people's edits. The
 * editor's document is kept in the shape the blocks show as (see `normalizePlugin`). One binding
 * per view; a view created with another document is reset to the blocks.
 */
export function accordProsemirror(blocks: BlocksLike, options: AccordProsemirrorOptions = {}): Plugin[] {
  const names = options.names ?? basicNames;
  const mappings = new WeakMap<Schema, BlockMapping>();
  const mappingFor = (schema: Schema): BlockMapping => {
    let mapping = mappings.get(schema);
    if (!mapping) {
      mapping = new BlockMapping(schema, names);
      mappings.set(schema, mapping);
    }
    return mapping;
  };
  const conf: BindingConfig = {
    blocks,
    doc: Doc.of(blocks.text),
    mappingFor,
    origin: options.origin,
    undoManager: options.undoManager,
    presence: options.presence,
    publishCursor: options.publishCursor ?? true,
    cursorThrottleMs: options.cursorThrottleMs ?? 50,
    scheduler: options.scheduler ?? realScheduler,
    tracker: new ChangeTracker(),
  };
  const plugins: Plugin[] = [
    new Plugin<BindingConfig>({
      key: accordSyncKey,
      state: {
        init: (_config, state) => {
          conf.tracker.reset(state.doc);
          return conf;
        },
        apply: (tr, value, oldState) => {
          if (tr.getMeta(accordSyncKey) === 'remote') conf.tracker.reset(tr.doc);
          else conf.tracker.note(tr, oldState.doc);
          return value;
        },
      },
      view: (view) => {
        const sync = new AccordSync(view, conf);
        return { update: (v) => sync.update(v), destroy: () => sync.destroy() };
      },
      props: {
        editable: () => !conf.doc.readOnly,
      },
    }),
    normalizePlugin(mappingFor),
  ];
  if (options.undoKeys !== false) plugins.push(undoKeysPlugin());
  if (options.presence) {
    const presence = options.presence;
    plugins.push(remoteCaretsPlugin(mappingFor, presence, blocks));
  }
  return plugins;
}

/** The document `blocks` show as, in `schema` (the editor's starting document). */
export function blocksToDoc(blocks: BlocksLike, schema: Schema, names: SchemaNames = basicNames): Node {
  return new BlockMapping(schema, names).toDoc(blocks.toJSON());
}

/** Mod-z, Mod-Shift-z, Mod-y and the browser's `historyUndo`/`historyRedo` input events. */
function undoKeysPlugin(): Plugin {
  return new Plugin({
    props: {
      handleKeyDown(view, event) {
        if (!(event.ctrlKey || event.metaKey) || event.altKey) return false;
        const key = event.key.toLowerCase();
        const command =
          key === 'z' ? (event.shiftKey ? accordRedo : accordUndo) : key === 'y' ? accordRedo : null;
        if (!command) return false;
        event.preventDefault();
        return command(view.state, view.dispatch, view);
      },
      handleDOMEvents: {
        beforeinput(view, event) {
          const type = (event as InputEvent).inputType;
          const command = type === 'historyUndo' ? accordUndo : type === 'historyRedo' ? accordRedo : null;
          if (!command) return false;
          event.preventDefault();
          return command(view.state, view.dispatch, view);
        },
      },
    },
  });
}
