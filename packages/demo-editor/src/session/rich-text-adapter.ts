/** The rich-text model over `doc.getBlocks(name)`, with an undo manager of this tab's edits. */
import { type Doc, UndoManager } from '@accord/core';
import type { RichTextModel } from '../model/rich-text-model.js';

/** A `RichTextModel` over the blocks `name` of `doc`. */
export function docRichTextModel(doc: Doc, name: string): RichTextModel {
  const blocks = doc.getBlocks(name);
  const origin = { source: 'accord-demo-rich-editor' };
  const undoManager = new UndoManager(doc, { scope: blocks.text, trackedOrigins: [origin] });
  return { blocks, undoManager, origin, destroy: () => undoManager.destroy() };
}
