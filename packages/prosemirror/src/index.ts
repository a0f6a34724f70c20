/**
 * @accord/prosemirror: binds a ProseMirror editor to Accord's shared blocks and marks, with
 * remote carets from presence and undo of your own edits.
 * @packageDocumentation
 */
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
export { flatToPos, posToFlat } from './positions.js';
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
