/**
 * Conversion between a ProseMirror document and Accord's flat blocks, both ways, pure (no view,
 * no Accord document).
 *
 * - Every textblock of the ProseMirror document is one Accord block, in document order. Its type
 *   comes from its context: inside a list (at any depth) a `list_item` with `indent` (0 for the
 *   outer list) and `kind` (`bullet` or `ordered`); otherwise inside a blockquote a `blockquote`;
 *   otherwise a `heading` (with its `level`), a `code_block` or a `paragraph`.
 * - Text keeps its UTF-16 positions: a hard break is a `"\n"` in the Accord text, so a block's
 *   text is exactly as long as its ProseMirror content, and flat index `f` inside block `i` is
 *   ProseMirror position `contentStart(i) + (f - flatStart(i) - 1)`.
 * - Marks are attributes: `strong` is `bold: true`, `em` is `italic: true` (names configurable,
 *   see `SchemaNames`); a mark with attributes (a link's `href`) has them as its value, nulls left
 *   out.
 * - Building goes the other way: consecutive `list_item` blocks become nested lists (an indent
 *   deeper than one level below the item before is shown one level below it), consecutive
 *   `blockquote` blocks one blockquote of paragraphs. Marks a node does not allow (in a code
 *   block) and attributes no mark stands for are left out of the editor. Images, horizontal rules
 *   and other nodes with no block counterpart are not represented (the binding removes them).
 */
import type { Attributes, TextDeltaInsert } from '@accord/core';
import { Fragment, type Mark, type MarkType, type Node, type NodeType, type Schema } from 'prosemirror-model';
import { type BlockInfo, canonical, type FlatBlock } from './flat.js';
import { basicNames, type SchemaNames } from './schema.js';

/** One textblock of a document as the binding sees it. */
export interface LaidOutBlock {
  /** ProseMirror position just before the textblock. */
  readonly pos: number;
  readonly node: Node;
  readonly info: BlockInfo;
  /** Flat index of the block's marker. */
  readonly flatStart: number;
}

/** The textblocks of a document in order, with their positions on both sides. */
export interface Layout {
  readonly blocks: readonly LaidOutBlock[];
  /** Flat length of the whole document. */
  readonly flatLength: number;
}

interface Context {
  readonly depth: number;
  readonly kind: 'bullet' | 'ordered';
  readonly quote: boolean;
}

/** Converts between one schema's documents and flat blocks (see the module comment). */
export class BlockMapping {
  readonly schema: Schema;
  readonly names: SchemaNames;
  readonly #layouts = new WeakMap<Node, Layout>();
  readonly #attributeToMark = new Map<string, string>();

  constructor(schema: Schema, names: SchemaNames = basicNames) {
    this.schema = schema;
    this.names = names;
    for (const [mark, key] of Object.entries(names.marks)) this.#attributeToMark.set(key, mark);
  }

  /** The textblocks of `doc` (computed once per document node). */
  layout(doc: Node): Layout {
    let layout = this.#layouts.get(doc);
    if (layout === undefined) {
      const blocks: LaidOutBlock[] = [];
      let flat = 0;
      const push = (node: Node, pos: number, ctx: Context): void => {
        blocks.push({ pos, node, info: this.#infoFor(node, ctx), flatStart: flat });
        flat += 1 + node.content.size;
      };
      this.#walk(doc.content, 0, { depth: 0, kind: 'bullet', quote: false }, push);
      layout = { blocks, flatLength: flat };
      this.#layouts.set(doc, layout);
    }
    return layout;
  }

  #walk(
    content: Fragment,
    base: number,
    ctx: Context,
    push: (n: Node, pos: number, c: Context) => void,
  ): void {
    const n = this.names.nodes;
    content.forEach((child, offset) => {
      const pos = base + offset;
      if (child.isTextblock) push(child, pos, ctx);
      else if (child.type.name === n.bulletList || child.type.name === n.orderedList) {
        const kind = child.type.name === n.orderedList ? 'ordered' : 'bullet';
        const inner = { depth: ctx.depth + 1, kind, quote: ctx.quote } as const;
        child.forEach((item, itemOffset) => {
          const itemPos = pos + 1 + itemOffset;
          if (item.isTextblock) push(item, itemPos, inner);
          else this.#walk(item.content, itemPos + 1, inner, push);
        });
      } else if (child.type.name === n.blockquote) {
        this.#walk(child.content, pos + 1, { ...ctx, quote: true }, push);
      } else if (!child.isLeaf) {
        this.#walk(child.content, pos + 1, ctx, push);
      }
    });
  }

  #infoFor(node: Node, ctx: Context): BlockInfo {
    const n = this.names.nodes;
    if (ctx.depth > 0) return { type: 'list_item', attrs: { indent: ctx.depth - 1, kind: ctx.kind } };
    if (ctx.quote) return { type: 'blockquote', attrs: {} };
    if (node.type.name === n.heading)
      return { type: 'heading', attrs: { level: headingLevel(node.attrs.level) } };
    if (node.type.name === n.codeBlock) return { type: 'code_block', attrs: {} };
    return { type: 'paragraph', attrs: {} };
  }

  /** The rich text of a textblock (hard breaks as `"\n"`; other inline leaves left out). */
  content(node: Node): TextDeltaInsert[] {
    const runs: TextDeltaInsert[] = [];
    let lastKey = '';
    node.forEach((child) => {
      let text: string;
      if (child.isText) text = child.text ?? '';
      else if (child.type.name === this.names.nodes.hardBreak) text = '\n';
      else return;
      const attributes = this.marksToAttributes(child.marks);
      const key = canonical(attributes);
      const last = runs[runs.length - 1];
      if (last && key === lastKey) runs[runs.length - 1] = withText(last, last.insert + text);
      else {
        runs.push(Object.keys(attributes).length > 0 ? { insert: text, attributes } : { insert: text });
        lastKey = key;
      }
    });
    return runs;
  }

  /** The flat blocks of a document: every textblock with its rich text. */
  toBlocks(doc: Node): FlatBlock[] {
    return this.layout(doc).blocks.map((b) => ({ ...b.info, content: this.content(b.node) }));
  }

  /** Accord attributes for a set of marks. */
  marksToAttributes(marks: readonly Mark[]): Attributes {
    const attributes: Attributes = {};
    for (const mark of marks) {
      const key = this.names.marks[mark.type.name] ?? mark.type.name;
      attributes[key] = markValue(mark);
    }
    return attributes;
  }

  /** The marks for Accord `attributes` that `parent` allows (others are left out). */
  attributesToMarks(attributes: Attributes | undefined, parent: NodeType): readonly Mark[] {
    if (attributes === undefined) return [];
    let marks: readonly Mark[] = [];
    for (const [key, value] of Object.entries(attributes)) {
      const type = this.markType(key);
      if (type === undefined || value === null || value === undefined || value === false) continue;
      if (!parent.allowsMarkType(type)) continue;
      try {
        const attrs = typeof value === 'object' && !Array.isArray(value) ? (value as Attributes) : null;
        marks = type.create(attrs).addToSet(marks);
      } catch {
        // A value the mark cannot take (a link without an href): not shown.
      }
    }
    return marks;
  }

  /** The mark type standing for attribute `key`, if the schema has one. */
  markType(key: string): MarkType | undefined {
    return this.schema.marks[this.#attributeToMark.get(key) ?? key];
  }

  /** The document for `blocks` (an empty paragraph when there are none). */
  toDoc(blocks: readonly FlatBlock[]): Node {
    const nodes = this.toNodes(blocks);
    const top = this.schema.topNodeType;
    return top.create(
      null,
      nodes.length > 0 ? nodes : [this.#textblock({ type: 'paragraph', attrs: {}, content: [] })],
    );
  }

  /** The top-level nodes for `blocks` (lists and blockquotes grouped, see the module comment). */
  toNodes(blocks: readonly FlatBlock[]): Node[] {
    const nodes: Node[] = [];
    const n = this.names.nodes;
    const lists =
      this.schema.nodes[n.bulletList] !== undefined && this.schema.nodes[n.listItem] !== undefined;
    const quote = this.schema.nodes[n.blockquote];
    for (let i = 0; i < blocks.length; ) {
      const block = blocks[i] as FlatBlock;
      if (block.type === 'list_item' && lists) {
        let j = i;
        while (j < blocks.length && (blocks[j] as FlatBlock).type === 'list_item') j++;
        nodes.push(...this.#lists(blocks.slice(i, j)));
        i = j;
      } else if (block.type === 'blockquote' && quote !== undefined) {
        let j = i;
        while (j < blocks.length && (blocks[j] as FlatBlock).type === 'blockquote') j++;
        nodes.push(
          quote.create(
            null,
            blocks.slice(i, j).map((b) => this.#textblock(b)),
          ),
        );
        i = j;
      } else {
        nodes.push(this.#textblock(block));
        i++;
      }
    }
    return nodes;
  }

  /** Nested lists for a run of list items (indents clamped to one below the item before). */
  #lists(items: readonly FlatBlock[]): Node[] {
    const depth: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const wanted = listIndent((items[i] as FlatBlock).attrs.indent);
      depth.push(i === 0 ? 0 : Math.min(wanted, (depth[i - 1] as number) + 1));
    }
    const n = this.names.nodes;
    const itemType = this.schema.nodes[n.listItem] as NodeType;
    const kindOf = (i: number): 'bullet' | 'ordered' =>
      (items[i] as FlatBlock).attrs.kind === 'ordered' && this.schema.nodes[n.orderedList]
        ? 'ordered'
        : 'bullet';
    let i = 0;
    const build = (level: number): Node[] => {
      const lists: Node[] = [];
      while (i < items.length && (depth[i] as number) >= level) {
        const kind = kindOf(i);
        const listItems: Node[] = [];
        while (i < items.length && (depth[i] as number) === level && kindOf(i) === kind) {
          const children = [this.#textblock({ ...(items[i] as FlatBlock), type: 'paragraph', attrs: {} })];
          i++;
          if (i < items.length && (depth[i] as number) > level) children.push(...build(level + 1));
          listItems.push(itemType.create(null, children));
        }
        const listType = this.schema.nodes[kind === 'ordered' ? n.orderedList : n.bulletList] as NodeType;
        lists.push(listType.create(null, listItems));
      }
      return lists;
    };
    return build(0);
  }

  #textblock(block: FlatBlock): Node {
    const n = this.names.nodes;
    const s = this.schema.nodes;
    let type = s[n.paragraph] as NodeType;
    let attrs: Attributes | null = null;
    if (block.type === 'heading' && s[n.heading]) {
      type = s[n.heading] as NodeType;
      attrs = { level: headingLevel(block.attrs.level) };
    } else if (block.type === 'code_block' && s[n.codeBlock]) type = s[n.codeBlock] as NodeType;
    return type.create(attrs, this.inline(block.content, type));
  }

  /** Inline nodes for rich text inside a node of `parent`'s type. */
  inline(content: readonly TextDeltaInsert[], parent: NodeType): Fragment {
    const nodes: Node[] = [];
    const hardBreak = this.schema.nodes[this.names.nodes.hardBreak];
    const breaks = !parent.spec.code && hardBreak !== undefined;
    for (const run of content) {
      if (run.insert.length === 0) continue;
      const marks = this.attributesToMarks(run.attributes, parent);
      if (!breaks) {
        nodes.push(this.schema.text(run.insert, marks));
        continue;
      }
      const parts = run.insert.split('\n');
      parts.forEach((part, k) => {
        if (k > 0) nodes.push(hardBreak.create(null, null, marks));
        if (part.length > 0) nodes.push(this.schema.text(part, marks));
      });
    }
    return Fragment.from(nodes);
  }
}

function withText(run: TextDeltaInsert, insert: string): TextDeltaInsert {
  return run.attributes ? { insert, attributes: run.attributes } : { insert };
}

function markValue(mark: Mark): unknown {
  const keys = Object.keys(mark.type.spec.attrs ?? {});
  if (keys.length === 0) return true;
  const value: Record<string, unknown> = {};
  for (const key of keys) {
    const v = mark.attrs[key];
    if (v !== null && v !== undefined) value[key] = v;
  }
  return value;
}

/** A heading level from an attribute: an integer in 1..6 (1 when missing). */
export function headingLevel(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(6, Math.max(1, Math.round(value)))
    : 1;
}

/** A list indent from an attribute: a non-negative integer (0 when missing), at most 32. */
export function listIndent(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(32, Math.max(0, Math.round(value)))
    : 0;
}
