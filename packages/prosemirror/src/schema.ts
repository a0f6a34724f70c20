/**
 * The ProseMirror side of the mapping: which node and mark names of a schema stand for Accord's
 * block types and text attributes. The defaults are the names of `prosemirror-schema-basic` with
 * `prosemirror-schema-list`; {@link tiptapNames} are those of Tiptap's starter kit.
 */
import { Schema } from 'prosemirror-model';
import { schema as basicSchema } from 'prosemirror-schema-basic';
import { addListNodes } from 'prosemirror-schema-list';

/**
 * Node names of the schema for each kind of block the binding maps. A name may be absent from the
 * schema (then that kind is never produced on the ProseMirror side: such blocks show as
 * paragraphs).
 */
export interface NodeNames {
  readonly paragraph: string;
  readonly heading: string;
  readonly codeBlock: string;
  readonly blockquote: string;
  readonly bulletList: string;
  readonly orderedList: string;
  readonly listItem: string;
  /** An inline line break, stored in the Accord text as `"\n"`. */
  readonly hardBreak: string;
}

/** How a schema's names map to Accord's block types and text attributes. */
export interface SchemaNames {
  readonly nodes: NodeNames;
  /**
   * ProseMirror mark name to Accord attribute name. Marks not listed keep their own name
   * (`link`, `code`, ...). Attribute names no mark maps to are kept in Accord and not shown.
   */
  readonly marks: Readonly<Record<string, string>>;
}

/** Names of `prosemirror-schema-basic` plus `prosemirror-schema-list` (the default). */
export const basicNames: SchemaNames = {
  nodes: {
    paragraph: 'paragraph',
    heading: 'heading',
    codeBlock: 'code_block',
    blockquote: 'blockquote',
    bulletList: 'bullet_list',
    orderedList: 'ordered_list',
    listItem: 'list_item',
    hardBreak: 'hard_break',
  },
  marks: { strong: 'bold', em: 'italic' },
};

/** Names of Tiptap's starter kit (`paragraph`, `bulletList`, `bold`, `italic`, ...). */
export const tiptapNames: SchemaNames = {
  nodes: {
    paragraph: 'paragraph',
    heading: 'heading',
    codeBlock: 'codeBlock',
    blockquote: 'blockquote',
    bulletList: 'bulletList',
    orderedList: 'orderedList',
    listItem: 'listItem',
    hardBreak: 'hardBreak',
  },
  marks: {},
};

/** Node names of {@link accordSchema}. */
export type AccordNodeName =
  | 'doc'
  | 'paragraph'
  | 'blockquote'
  | 'horizontal_rule'
  | 'heading'
  | 'code_block'
  | 'text'
  | 'image'
  | 'hard_break'
  | 'ordered_list'
  | 'bullet_list'
  | 'list_item';

/** Mark names of {@link accordSchema}. */
export type AccordMarkName = 'link' | 'em' | 'strong' | 'code';

/**
 * The basic schema with lists (`bullet_list`, `ordered_list`, `list_item` holding
 * `paragraph block*`), the schema the binding is tested with. Images and horizontal rules exist
 * in it but have no Accord counterpart: the binding removes them from the editor.
 */
export const accordSchema: Schema<AccordNodeName, AccordMarkName> = new Schema<
  AccordNodeName,
  AccordMarkName
>({
  nodes: addListNodes(basicSchema.spec.nodes, 'paragraph block*', 'block'),
  marks: basicSchema.spec.marks,
});
