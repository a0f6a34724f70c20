/**
 * @accord/prosemirror: binds a ProseMirror editor to Accord's shared blocks and marks, with
 * remote carets from presence and undo of your own edits.
 * @packageDocumentation
 */

export { type AccordMeta, accordSyncKey, type BindingConfig } from './binding.js';
export { type RemoteCaret, remoteCarets, remoteCaretsCss, remoteCaretsPlugin } from './carets.js';
export { type AccordProsemirrorOptions, accordProsemirror, blocksToDoc } from './collab.js';
export { BlockMapping, headingLevel, type LaidOutBlock, type Layout, listIndent } from './convert.js';
export type {
  BlockAttrs,
  BlockEntry,
  BlockInfo,
  BlocksChangeEvent,
  BlocksLike,
  FlatBlock,
  FlatDelete,
  FlatDeltaOp,
  FlatInsertBlock,
  FlatInsertText,
  FlatRetain,
  FlatRetainBlock,
} from './flat.js';
export { attributePatch, type BlockRange, changedBlocks, DeltaBuilder, localDelta } from './local.js';
export { normalizePlugin, topRange } from './normalize.js';
export { flatToPos, posToFlat } from './positions.js';
export {
  type AnchorResolver,
  type CursorValue,
  FALLBACK_COLOR,
  MAX_NAME_LENGTH,
  type PeerPresence,
  type PresenceSource,
  resolveCursor,
  safeColor,
  safeName,
} from './presence.js';
export { applyRemoteDelta, type BlocksSource } from './remote.js';
export {
  type AccordMarkName,
  type AccordNodeName,
  accordSchema,
  basicNames,
  type NodeNames,
  type SchemaNames,
  tiptapNames,
} from './schema.js';
export { AccordSync } from './sync.js';
export { accordRedo, accordSync, accordUndo, accordUndoKeys } from './undo.js';
