/**
 * The shared plain-text editor: a CodeMirror 6 view bound to the document's text by
 * `@accord/codemirror` (local edits as Accord transactions, remote ones with the selection kept on
 * its characters, the other users' carets and selections in their colours with their names, undo
 * of this tab's own edits). The editable element (CodeMirror's content) carries
 * `data-testid="editor"`; `editorView` gives tests and tools the view.
 */
import { accordCollab } from '@accord/codemirror';
import { EditorState } from '@codemirror/state';
import { EditorView, placeholder } from '@codemirror/view';
import { css, html, LitElement } from 'lit';
import { EditorViewController } from '../controllers/editor-view-controller.js';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import type { ConnectionModel } from '../model/connection-model.js';
import type { TextModel } from '../model/text-model.js';
import { sharedStyles } from '../styles/shared.js';

/** The editor's look: the demo's colours and fonts (custom properties cross the shadow root). */
const editorTheme = EditorView.theme({
  '&': {
    minHeight: 'min(62vh, 560px)',
    border: '1px solid var(--border)',
    borderRadius: 'var(--radius)',
    background: 'var(--input)',
    color: 'var(--fg)',
    boxShadow: 'var(--shadow)',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '0' },
  '.cm-scroller': { font: '15px/1.6 var(--mono)', minHeight: 'inherit' },
  '.cm-content': { padding: '16px 18px', caretColor: 'var(--fg)', tabSize: '4' },
  '.cm-line': { padding: '0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-placeholder': { color: 'var(--muted)' },
});

/** `<collab-editor>`: edits `text`, shows the carets of the peers on `connection`. */
export class CollabEditor extends LitElement {
  static override properties = {
    text: { attribute: false },
    connection: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .toolbar {
        display: flex;
        gap: 6px;
        margin-bottom: 8px;
      }
      .toolbar button {
        min-height: 30px;
        padding: 3px 10px;
        font-size: 0.88rem;
      }
      .surface {
        min-height: min(62vh, 560px);
      }
      .connecting {
        min-height: min(62vh, 560px);
        padding: 16px 18px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--input);
        color: var(--muted);
        font: 15px/1.6 var(--mono);
        opacity: 0.6;
      }
      @media (max-width: 600px) {
        .surface,
        .connecting {
          min-height: 45vh;
        }
        .surface .cm-scroller {
          font-size: 16px;
        }
      }
      .help {
        margin: 8px 2px 0;
        font-size: 0.82rem;
        color: var(--muted);
      }
      kbd {
        font: 0.78rem var(--mono);
        padding: 0 4px;
        border: 1px solid var(--border);
        border-radius: 4px;
        background: var(--button);
      }
    `,
  ];

  declare text: TextModel | undefined;
  declare connection: ConnectionModel | undefined;

  readonly #editor = new EditorViewController<TextModel, EditorView>(
    this,
    () => this.text,
    (model, parent) => {
      const { text, undoManager, origin } = model.binding();
      const presence = this.connection?.presence();
      return new EditorView({
        parent,
        root: this.renderRoot as ShadowRoot,
        state: EditorState.create({
          doc: text.toString(),
          extensions: [
            accordCollab(text, { undoManager, origin, ...(presence ? { presence } : {}) }),
            EditorView.lineWrapping,
            placeholder('Start typing: everyone on this document sees it live.'),
            EditorView.contentAttributes.of({
              'data-testid': 'editor',
              'aria-label': 'Shared text',
              'aria-describedby': 'editor-help',
              spellcheck: 'false',
              autocapitalize: 'off',
              autocorrect: 'off',
            }),
            editorTheme,
          ],
        }),
      });
    },
  );

  constructor() {
    super();
    this.text = undefined;
    this.connection = undefined;
    new SubscriptionController(this, () => this.text?.historyChanges);
  }

  /** The CodeMirror view while a text is bound (for tests and tools). */
  get editorView(): EditorView | undefined {
    return this.#editor.view;
  }

  override render() {
    const history = this.text?.history() ?? { canUndo: false, canRedo: false };
    return html`
      <div class="toolbar" role="toolbar" aria-label="Editing">
        <button
          type="button"
          data-testid="undo"
          title="Undo your last edit (Ctrl/⌘+Z)"
          ?disabled=${!history.canUndo}
          @click=${() => this.#historyStep('undo')}
        >
          ↶ Undo
        </button>
        <button
          type="button"
          data-testid="redo"
          title="Redo (Shift+Ctrl/⌘+Z)"
          ?disabled=${!history.canRedo}
          @click=${() => this.#historyStep('redo')}
        >
          ↷ Redo
        </button>
      </div>
      <div class="surface"></div>
      ${this.text ? null : html`<div class="connecting" aria-busy="true">Connecting…</div>`}
      <p class="help" id="editor-help">
        Plain text, shared live. <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Z</kbd> undoes only your own edits,
        <kbd>Shift</kbd>+<kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Z</kbd> redoes them.
      </p>
    `;
  }

  /** Undo or redo from the toolbar, then give the focus back to the text. */
  #historyStep(step: 'undo' | 'redo'): void {
    if (step === 'undo') this.text?.undo();
    else this.text?.redo();
    this.#editor.view?.focus();
  }
}

customElements.define('collab-editor', CollabEditor);

declare global {
  interface HTMLElementTagNameMap {
    'collab-editor': CollabEditor;
  }
}
