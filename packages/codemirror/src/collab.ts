/**
 * `accordCollab`: the one extension an app adds to bind a CodeMirror editor to an Accord `Text`.
 */
import { Doc, RealScheduler, type Scheduler, type Text, type UndoManager } from '@accord/core';
import { EditorState, type Extension } from '@codemirror/state';
import { bindingFacet } from './binding.js';
import { LINE_SEPARATOR } from './changes.js';
import type { PresenceSource } from './presence.js';
import { remoteCaretsPlugin, remoteCaretsTheme } from './remote-carets.js';
import { syncPlugin } from './sync-plugin.js';
import { accordUndoBindings } from './undo.js';

/** Options of {@link accordCollab}. */
export interface AccordCollabOptions {
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
   * The undo manager for Mod-z and friends. It must track `origin` (or the `AccordSync` class).
   * Default: one per editor, scoped to the text, tracking only that editor's changes.
   */
  readonly undoManager?: UndoManager;
  /** Origin of the Accord transactions made from the editor (default: the editor's binding). */
  readonly origin?: object;
  /** Bind Mod-z, Mod-Shift-z and Mod-y to the undo manager (default true). */
  readonly undoKeys?: boolean;
  /**
   * Clock and timers of the binding: the cursor-publication throttle, and the task that shows
   * remote changes held during an IME composition once it ends. Default: core's `RealScheduler`
   * (`performance.now()` and `setTimeout`; in Node its timers keep the process alive). Tests pass
   * a `ManualScheduler` from `@accord/core/testing` to drive the throttle in virtual time.
   */
  readonly scheduler?: Scheduler;
}

/** The default clock and timers: real time, timers that keep a Node process alive (as `setTimeout`'s do). */
const realScheduler: Scheduler = new RealScheduler({ unref: false });

/**
 * Bind an editor to `text`. Create the state with the text's content:
 *
 * ```ts
 * new EditorView({
 *   parent,
 *   state: EditorState.create({ doc: text.toString(), extensions: [accordCollab(text, { presence: provider })] }),
 * });
 * ```
 *
 * Every local change becomes one Accord transaction; every change made elsewhere becomes one
 * CodeMirror transaction (annotated `accordRemote`, not added to CodeMirror's history) that keeps
 * the local selection on its characters. Do not add CodeMirror's own `history()`: undo goes
 * through Accord so it never reverts other people's edits. Sets the line separator to `"\n"` so
 * both sides count characters alike. One binding per view; a view created with a document that
 * differs from the text is reset to the text. The editor of a frozen (read-only) document is
 * read-only; if the document is frozen later, refused edits are undone in the editor and logged.
 */
export function accordCollab(text: Text, options: AccordCollabOptions = {}): Extension {
  const conf = bindingFacet.of({
    text,
    doc: Doc.of(text),
    origin: options.origin,
    undoManager: options.undoManager,
    presence: options.presence,
    publishCursor: options.publishCursor ?? true,
    cursorThrottleMs: options.cursorThrottleMs ?? 50,
    scheduler: options.scheduler ?? realScheduler,
  });
  const extensions: Extension[] = [EditorState.lineSeparator.of(LINE_SEPARATOR), conf, syncPlugin];
  // A frozen document (a version from the history) takes no edits: neither does its editor.
  if (Doc.of(text).readOnly) extensions.push(EditorState.readOnly.of(true));
  if (options.presence) extensions.push(remoteCaretsPlugin, remoteCaretsTheme);
  if (options.undoKeys !== false) extensions.push(accordUndoBindings());
  return extensions;
}
