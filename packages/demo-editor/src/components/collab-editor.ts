/**
 * The shared plain-text editor: a native textarea bound to the document's text, with the other
 * users' carets and selections drawn over it in their colours, labelled with their names.
 * Fires `cursor-change` (detail: `CursorRange`) when the local selection moves.
 */
import { css, html, LitElement } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { CaretLayoutController, type RemoteCaret } from '../controllers/caret-layout-controller.js';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import { type LocalSelection, TextBindingController } from '../controllers/text-binding-controller.js';
import type { ConnectionModel, CursorRange } from '../model/connection-model.js';
import type { TextModel } from '../model/text-model.js';
import { sharedStyles } from '../styles/shared.js';

/** Below this distance from the top (px), a caret's name tag goes under the caret, not above. */
const TAG_ROOM = 30;

/** `<collab-editor>`: edits `text`, shows the carets of the peers on `connection`. */
export class CollabEditor extends LitElement {
  static override properties = {
    text: { attribute: false },
    connection: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .surface {
        position: relative;
      }
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
      textarea {
        display: block;
        width: 100%;
        min-height: min(62vh, 560px);
        resize: vertical;
        margin: 0;
        padding: 16px 18px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--input);
        color: var(--fg);
        font: 15px/1.6 var(--mono);
        tab-size: 4;
        white-space: pre-wrap;
        overflow-wrap: break-word;
        word-break: normal;
        box-shadow: var(--shadow);
      }
      @media (max-width: 600px) {
        textarea {
          font-size: 16px;
          min-height: 45vh;
          padding: 12px 14px;
        }
      }
      textarea:focus-visible {
        outline: 2px solid var(--accent);
        outline-offset: 0;
      }
      textarea:disabled {
        opacity: 0.6;
      }
      .overlay {
        position: absolute;
        overflow: hidden;
        pointer-events: none;
      }
      .mirror {
        position: absolute;
        top: 0;
        left: 0;
        color: transparent;
        visibility: hidden;
        box-sizing: border-box;
        margin: 0;
        border: 0;
      }
      .selection {
        position: absolute;
        opacity: 0.22;
        border-radius: 2px;
      }
      .bar {
        position: absolute;
        border-radius: 1px;
      }
      .tag {
        position: absolute;
        transform: translateY(-100%);
        padding: 1px 5px;
        border-radius: 4px 4px 4px 0;
        font: 600 11px/1.35 var(--sans);
        color: #fff;
        white-space: nowrap;
      }
      .tag.below {
        transform: none;
        border-radius: 0 4px 4px 4px;
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

  /** What the textarea shows (the mirror renders the same text). */
  #shown = '';

  constructor() {
    super();
    this.text = undefined;
    this.connection = undefined;
    new SubscriptionController(this, () => this.connection);
    new SubscriptionController(this, () => this.text?.historyChanges);
    new TextBindingController(this, {
      model: () => this.text,
      textarea: () => this.#textarea,
      onSelection: (selection) => this.#onSelection(selection),
      onContent: () => {
        this.#shown = this.#textarea?.value ?? '';
        this.requestUpdate();
      },
    });
    this.#layout = new CaretLayoutController(
      this,
      () => ({
        textarea: this.#textarea,
        overlay: this.renderRoot.querySelector<HTMLElement>('.overlay'),
        mirror: this.renderRoot.querySelector<HTMLElement>('.mirror'),
      }),
      () => this.#remoteCarets(),
    );
  }

  readonly #layout: CaretLayoutController;

  get #textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  #onSelection(selection: LocalSelection): void {
    const text = this.text;
    if (!text) return;
    const forward = selection.direction !== 'backward';
    const anchorIndex = forward ? selection.start : selection.end;
    const headIndex = forward ? selection.end : selection.start;
    const cursor: CursorRange = {
      anchor: text.anchor(anchorIndex, 'left'),
      head: text.anchor(headIndex, 'left'),
    };
    this.dispatchEvent(new CustomEvent<CursorRange>('cursor-change', { detail: cursor }));
  }

  #remoteCarets(): RemoteCaret[] {
    const text = this.text;
    if (!text || !this.connection) return [];
    const carets: RemoteCaret[] = [];
    for (const peer of this.connection.peers()) {
      if (peer.self || !peer.cursor) continue;
      const anchor = text.resolve(peer.cursor.anchor);
      const head = text.resolve(peer.cursor.head);
      if (anchor === undefined || head === undefined) continue;
      carets.push({
        id: peer.id,
        name: peer.name,
        color: peer.color,
        start: Math.min(anchor, head),
        end: Math.max(anchor, head),
        head,
      });
    }
    return carets;
  }

  override render() {
    const layout = this.#layout.layout;
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
      <div class="surface">
        <label class="visually-hidden" for="editor">Shared text</label>
        <textarea
          id="editor"
          data-testid="editor"
          spellcheck="false"
          autocomplete="off"
          autocapitalize="off"
          aria-describedby="editor-help"
          placeholder=${this.text ? 'Start typing: everyone on this document sees it live.' : 'Connecting…'}
          ?disabled=${!this.text}
          @input=${this.#onDomInput}
        ></textarea>
        <div class="overlay" aria-hidden="true" style=${styleMap(this.#layout.overlayStyle)}>
          <div class="mirror" style=${styleMap(this.#layout.mirrorStyle)}>${`${this.#shown}\u200b`}</div>
          ${layout.map(
            ({ caret, bar, boxes }) => html`
              ${boxes.map(
                (b) =>
                  html`<div
                    class="selection"
                    style=${styleMap({ left: `${b.x}px`, top: `${b.y}px`, width: `${b.w}px`, height: `${b.h}px`, background: caret.color })}
                  ></div>`,
              )}
              ${
                bar
                  ? html`<div
                      class="bar"
                      style=${styleMap({ left: `${bar.x - 1}px`, top: `${bar.y}px`, width: '2px', height: `${bar.h}px`, background: caret.color })}
                    ></div>
                    <div
                      class="tag ${bar.y < TAG_ROOM ? 'below' : ''}"
                      style=${styleMap({ left: `${bar.x - 1}px`, top: `${bar.y < TAG_ROOM ? bar.y + bar.h : bar.y}px`, background: caret.color })}
                    >
                      ${caret.name}
                    </div>`
                  : null
              }
            `,
          )}
        </div>
      </div>
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
    this.#textarea?.focus();
  }

  #onDomInput(): void {
    this.#shown = this.#textarea?.value ?? '';
    this.requestUpdate();
  }
}

customElements.define('collab-editor', CollabEditor);

declare global {
  interface HTMLElementTagNameMap {
    'collab-editor': CollabEditor;
  }
}
