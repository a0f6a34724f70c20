/**
 * The shared rich-text editor: a ProseMirror view (basic schema with lists) bound to the
 * document's blocks by `@accord/prosemirror` (local steps as Accord transactions, remote changes
 * as ProseMirror transactions, the other users' carets and selections from presence, undo of this
 * tab's own edits). Bold, italic, links and inline code follow Peritext: bold and italic grow
 * when text is typed at their end, links do not. The editable element carries
 * `data-testid="rich-editor"`; `editorView` gives tests and tools the view, `accordJSON()` the
 * document the shared blocks show as.
 */
import {
  accordProsemirror,
  accordRedo,
  accordSchema,
  accordUndo,
  blocksToDoc,
  remoteCaretsCss,
} from '@accord/prosemirror';
import { css, html, LitElement, unsafeCSS } from 'lit';
import { baseKeymap, lift, setBlockType, toggleMark, wrapIn } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import type { MarkType } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { type Command, EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { EditorViewController } from '../controllers/editor-view-controller.js';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import type { ConnectionModel } from '../model/connection-model.js';
import type { RichTextModel } from '../model/rich-text-model.js';
import { sharedStyles } from '../styles/shared.js';

const schema = accordSchema;
const { nodes, marks } = schema;

/** Toggle a link on the selection: off where there is one, else on, with the URL asked for. */
const toggleLink: Command = (state, dispatch) => {
  const link = marks.link as MarkType;
  const { from, to, empty } = state.selection;
  if (empty) return false;
  if (state.doc.rangeHasMark(from, to, link)) return toggleMark(link)(state, dispatch);
  if (!dispatch) return true;
  const href = window.prompt('Link to', 'https://')?.trim();
  if (!href) return false;
  return toggleMark(link, { href })(state, dispatch);
};

type CommandName =
  | 'bold'
  | 'italic'
  | 'code'
  | 'link'
  | 'h1'
  | 'h2'
  | 'paragraph'
  | 'codeBlock'
  | 'bullet'
  | 'ordered'
  | 'quote';

/** The toolbar's and the keys' commands, by name. */
const commands: Record<CommandName, Command> = {
  bold: toggleMark(marks.strong as MarkType),
  italic: toggleMark(marks.em as MarkType),
  code: toggleMark(marks.code as MarkType),
  link: toggleLink,
  h1: setBlockType(nodes.heading, { level: 1 }),
  h2: setBlockType(nodes.heading, { level: 2 }),
  paragraph: setBlockType(nodes.paragraph),
  codeBlock: setBlockType(nodes.code_block),
  bullet: wrapInList(nodes.bullet_list),
  ordered: wrapInList(nodes.ordered_list),
  quote: (state, dispatch) => wrapIn(nodes.blockquote)(state, dispatch) || lift(state, dispatch),
};

const TOOLS: readonly { name: CommandName; label: string; title: string }[] = [
  { name: 'bold', label: 'B', title: 'Bold (Ctrl/⌘+B)' },
  { name: 'italic', label: 'I', title: 'Italic (Ctrl/⌘+I)' },
  { name: 'link', label: 'Link', title: 'Link (Ctrl/⌘+K)' },
  { name: 'code', label: '</>', title: 'Inline code (Ctrl/⌘+E)' },
  { name: 'h1', label: 'H1', title: 'Heading 1' },
  { name: 'h2', label: 'H2', title: 'Heading 2' },
  { name: 'paragraph', label: '¶', title: 'Paragraph' },
  { name: 'bullet', label: '• List', title: 'Bulleted list' },
  { name: 'ordered', label: '1. List', title: 'Numbered list' },
  { name: 'quote', label: '❝', title: 'Quote' },
  { name: 'codeBlock', label: '{ }', title: 'Code block' },
];

/** `<rich-editor>`: edits `model`, shows the carets of the peers on `connection`. */
export class RichEditor extends LitElement {
  static override properties = {
    model: { attribute: false },
    connection: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin-bottom: 8px;
      }
      .toolbar button {
        min-height: 30px;
        padding: 3px 10px;
        font-size: 0.88rem;
      }
      .toolbar .sep {
        width: 1px;
        background: var(--border);
        margin: 0 4px;
      }
      .surface .ProseMirror {
        min-height: min(62vh, 560px);
        padding: 16px 18px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--input);
        color: var(--fg);
        box-shadow: var(--shadow);
        font: 16px/1.6 var(--sans);
        white-space: pre-wrap;
        word-wrap: break-word;
        outline: none;
        position: relative;
      }
      .surface .ProseMirror:focus {
        outline: 2px solid var(--accent);
      }
      .surface .ProseMirror > :first-child {
        margin-top: 0;
      }
      .surface pre {
        font: 14px/1.5 var(--mono);
        background: var(--button);
        padding: 8px 10px;
        border-radius: 6px;
      }
      .surface code {
        font-family: var(--mono);
        background: var(--button);
        border-radius: 4px;
        padding: 0 3px;
      }
      .surface blockquote {
        margin: 0.5em 0;
        padding-left: 12px;
        border-left: 3px solid var(--border);
        color: var(--muted);
      }
      .surface a {
        color: var(--accent);
      }
      .help {
        margin: 8px 2px 0;
        font-size: 0.82rem;
        color: var(--muted);
      }
      ${unsafeCSS(remoteCaretsCss)}
    `,
  ];

  declare model: RichTextModel | undefined;
  declare connection: ConnectionModel | undefined;

  readonly #editor = new EditorViewController<RichTextModel, EditorView>(
    this,
    () => this.model,
    (model, parent) => {
      const presence = this.connection?.presence();
      const { blocks, undoManager, origin } = model;
      return new EditorView(parent, {
        state: EditorState.create({
          doc: blocksToDoc(blocks, schema),
          plugins: [
            ...accordProsemirror(blocks, { undoManager, origin, ...(presence ? { presence } : {}) }),
            keymap({
              'Mod-b': commands.bold,
              'Mod-i': commands.italic,
              'Mod-e': commands.code,
              'Mod-k': commands.link,
              Enter: splitListItem(nodes.list_item),
              Tab: sinkListItem(nodes.list_item),
              'Shift-Tab': liftListItem(nodes.list_item),
            }),
            keymap(baseKeymap),
          ],
        }),
        attributes: {
          'data-testid': 'rich-editor',
          'aria-label': 'Shared rich text',
          'aria-describedby': 'rich-help',
          spellcheck: 'false',
        },
      });
    },
  );

  constructor() {
    super();
    this.model = undefined;
    this.connection = undefined;
    new SubscriptionController(this, () => {
      const undo = this.model?.undoManager;
      return undo
        ? { subscribe: (listener: () => void) => undo.on('stack-change', () => listener()) }
        : undefined;
    });
  }

  /** The ProseMirror view while blocks are bound (for tests and tools). */
  get editorView(): EditorView | undefined {
    return this.#editor.view;
  }

  /** The document the shared blocks show as, as ProseMirror JSON (for tests and tools). */
  accordJSON(): unknown {
    return this.model ? blocksToDoc(this.model.blocks, schema).toJSON() : null;
  }

  override render() {
    const undo = this.model?.undoManager;
    return html`
      <div class="toolbar" role="toolbar" aria-label="Formatting">
        ${TOOLS.map(
          (tool) => html`<button
            type="button"
            data-testid=${`rich-${tool.name}`}
            title=${tool.title}
            @mousedown=${(e: Event) => e.preventDefault()}
            @click=${() => this.#run(tool.name)}
          >
            ${tool.label}
          </button>`,
        )}
        <span class="sep" aria-hidden="true"></span>
        <button
          type="button"
          data-testid="rich-undo"
          title="Undo your last edit (Ctrl/⌘+Z)"
          ?disabled=${!undo?.canUndo()}
          @mousedown=${(e: Event) => e.preventDefault()}
          @click=${() => this.#history(accordUndo)}
        >
          ↶ Undo
        </button>
        <button
          type="button"
          data-testid="rich-redo"
          title="Redo (Shift+Ctrl/⌘+Z)"
          ?disabled=${!undo?.canRedo()}
          @mousedown=${(e: Event) => e.preventDefault()}
          @click=${() => this.#history(accordRedo)}
        >
          ↷ Redo
        </button>
      </div>
      <div class="surface"></div>
      ${this.model ? null : html`<div class="connecting" aria-busy="true">Connecting…</div>`}
      <p class="help" id="rich-help">
        Rich text, shared live: headings, lists, quotes, code, bold, italic and links. Ctrl/⌘+Z undoes
        only your own edits.
      </p>
    `;
  }

  #run(name: CommandName): void {
    const view = this.#editor.view;
    if (!view) return;
    commands[name](view.state, view.dispatch, view);
    view.focus();
  }

  #history(command: Command): void {
    const view = this.#editor.view;
    if (!view) return;
    command(view.state, view.dispatch, view);
    view.focus();
  }
}

customElements.define('rich-editor', RichEditor);

declare global {
  interface HTMLElementTagNameMap {
    'rich-editor': RichEditor;
  }
}
