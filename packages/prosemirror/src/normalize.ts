/**
 * Keeps the editor's document in the shape Accord's blocks show as: after every local change, the
 * top-level nodes around it are compared with what their blocks build to, and replaced where they
 * differ (a list item holding two paragraphs becomes two items, a heading inside a list item a
 * list item, an image or a horizontal rule, which have no block, is removed, two lists of one
 * kind that became neighbours merge). So every replica shows the same document for the same
 * blocks, and the flat positions of both sides stay aligned.
 */
import { Fragment, type Node, type Schema } from 'prosemirror-model';
import { Plugin, PluginKey, type Transaction } from 'prosemirror-state';
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from 'prosemirror-transform';
import { accordSyncKey } from './binding.js';
import type { BlockMapping } from './convert.js';
import { groups, replaceNarrowly, topIndex } from './remote.js';

const normalizeKey = new PluginKey('accord-normalize');

/** The top-level range `[from, to)` of `doc` around positions `start..end`, widened over lists. */
export function topRange(
  mapping: BlockMapping,
  doc: Node,
  start: number,
  end: number,
): { from: number; to: number } {
  if (doc.childCount === 0) return { from: 0, to: 0 };
  let t0 = Math.max(0, topIndex(doc, start) - 1);
  let t1 = Math.min(doc.childCount, topIndex(doc, Math.max(start, end - 1)) + 2);
  while (t0 > 0 && groups(mapping, doc.child(t0 - 1))) t0--;
  while (t1 < doc.childCount && groups(mapping, doc.child(t1))) t1++;
  let from = 0;
  for (let i = 0; i < t0; i++) from += doc.child(i).nodeSize;
  let to = from;
  for (let i = t0; i < t1; i++) to += doc.child(i).nodeSize;
  return { from, to };
}

/** The plugin (see the module comment); `mappingFor` gives the conversion for a schema. */
export function normalizePlugin(mappingFor: (schema: Schema) => BlockMapping): Plugin {
  return new Plugin({
    key: normalizeKey,
    appendTransaction(trs, oldState, newState) {
      const local = trs.filter((tr) => tr.docChanged && tr.getMeta(accordSyncKey) !== 'remote');
      if (local.length === 0) return null;
      const mapping = mappingFor(newState.schema);
      // Typing and formatting inside textblocks keep the shape: no need to look (this keeps a
      // keystroke in a long list from rebuilding the list).
      if (local.every((tr) => inlineOnly(tr, mapping))) return null;
      const doc = newState.doc;
      const start = oldState.doc.content.findDiffStart(doc.content);
      if (start === null) return null;
      const end = oldState.doc.content.findDiffEnd(doc.content);
      const endB = Math.max(start, end?.b ?? doc.content.size);
      const { from, to } = topRange(mapping, doc, start, endB);
      const region = doc.content.cut(from, to);
      const blocks = mapping
        .layout(doc)
        .blocks.filter((b) => b.pos >= from && b.pos < to)
        .map((b) => ({ ...b.info, content: mapping.content(b.node) }));
      let nodes = mapping.toNodes(blocks);
      if (nodes.length === 0 && from === 0 && to === doc.content.size)
        nodes = mapping.toDoc([]).content.content.slice();
      const canonical = Fragment.from(nodes);
      if (canonical.eq(region)) return null;
      const tr = newState.tr;
      replaceNarrowly(tr, doc.type, region, canonical, from);
      return tr.docChanged ? tr.setMeta(normalizeKey, true) : null;
    },
  });
}

/**
 * True when every step of `tr` changes only text and marks inside one textblock (text, hard
 * breaks and marks inserted, deleted or changed), which never changes the document's shape.
 */
export function inlineOnly(tr: Transaction, mapping: BlockMapping): boolean {
  const hardBreak = mapping.names.nodes.hardBreak;
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i];
    if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) continue;
    if (!(step instanceof ReplaceStep)) return false;
    const { slice } = step;
    if (slice.openStart !== 0 || slice.openEnd !== 0) return false;
    let inline = true;
    slice.content.forEach((node) => {
      if (!node.isText && node.type.name !== hardBreak) inline = false;
    });
    if (!inline) return false;
    const doc = tr.docs[i] as Node;
    const $from = doc.resolve(step.from);
    if (!$from.parent.isTextblock || !$from.sameParent(doc.resolve(step.to))) return false;
  }
  return true;
}
