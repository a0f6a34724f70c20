/**
 * @accord/codemirror: a CodeMirror 6 extension that binds an editor to an Accord `Text`, with
 * remote carets from presence and undo of your own edits only.
 * @packageDocumentation
 */
export { accordRemote } from './binding.js';
export {
  caretAfterChanges,
  changeSetToSplices,
  LINE_SEPARATOR,
  rebase,
  type Splice,
  type TextChange,
  textChangesToChangeSet,
} from './changes.js';
export { type AccordCollabOptions, accordCollab } from './collab.js';
export {
  type CursorValue,
  cursorValue,
  FALLBACK_COLOR,
  MAX_NAME_LENGTH,
  type PeerPresence,
  type PresenceSource,
  resolveCursor,
  safeColor,
  safeName,
} from './presence.js';
export { type RemoteCaret, remoteCarets, remoteCaretsTheme } from './remote-carets.js';
export { AccordSync, boundText, syncPlugin } from './sync-plugin.js';
export { accordRedo, accordUndo, accordUndoBindings, accordUndoKeymap } from './undo.js';
