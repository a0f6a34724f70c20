/**
 * The demo's shell: header with the document name and a way to switch documents, the shared
 * editor, and a sidebar with presence, the cluster panel, the counter and the todo list. The
 * session (document + connection) is owned by `SessionController`; this view only renders it.
 */
import { css, html, LitElement } from 'lit';
import { hashForDoc } from '../config/doc-name.js';
import { type EditorKind, hashForView, viewFromHash } from '../config/view-name.js';
import { LocalPresenceController } from '../controllers/local-presence-controller.js';
import { SessionController, type SessionOpener } from '../controllers/session-controller.js';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import { sharedStyles } from '../styles/shared.js';
import './cluster-panel.js';
import './collab-editor.js';
import './history-panel.js';
import './presence-list.js';
import './shared-counter.js';
import './todo-list.js';

/** `<accord-app>`: the whole demo. Set `opener` before connecting it to the page. */
export class AccordApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        min-height: 100vh;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 10px 20px;
        padding: 14px clamp(14px, 3vw, 32px);
        border-bottom: 1px solid var(--border);
        background: var(--surface);
      }
      .brand {
        display: flex;
        align-items: baseline;
        gap: 10px;
        min-width: 0;
      }
      h1 {
        margin: 0;
        font-size: 1.25rem;
        font-weight: 700;
        letter-spacing: -0.01em;
      }
      .doc {
        color: var(--muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .doc strong {
        color: var(--fg);
        font-weight: 600;
      }
      form {
        display: flex;
        gap: 6px;
      }
      form input {
        width: 12rem;
      }
      main {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(280px, 360px);
        gap: 20px;
        padding: 20px clamp(14px, 3vw, 32px) 32px;
        max-width: 1440px;
        margin: 0 auto;
      }
      .editor-pane {
        min-width: 0;
      }
      nav.views {
        display: flex;
        gap: 4px;
        margin-bottom: 10px;
        border-bottom: 1px solid var(--border);
      }
      nav.views a {
        padding: 6px 14px;
        border-radius: 8px 8px 0 0;
        color: var(--muted);
        text-decoration: none;
        font-weight: 600;
        font-size: 0.92rem;
      }
      nav.views a[aria-current='page'] {
        color: var(--fg);
        background: var(--surface);
        border: 1px solid var(--border);
        border-bottom-color: var(--surface);
        margin-bottom: -1px;
      }
      aside {
        display: grid;
        gap: 16px;
        align-content: start;
      }
      .error {
        grid-column: 1 / -1;
        margin: 0;
        padding: 10px 14px;
        border-radius: var(--radius);
        background: var(--error-bg);
        color: var(--error-fg);
      }
      @media (max-width: 820px) {
        main {
          grid-template-columns: minmax(0, 1fr);
        }
        form input {
          width: 9rem;
        }
      }
    `,
  ];

  /** Opens sessions; set by `main.ts` (tests and other hosts may pass their own). */
  static opener: SessionOpener | undefined;

  readonly #session: SessionController;
  readonly #presence: LocalPresenceController;

  constructor() {
    super();
    const opener = AccordApp.opener;
    if (!opener) throw new Error('AccordApp.opener must be set before <accord-app> is created');
    this.#session = new SessionController(this, opener);
    this.#presence = new LocalPresenceController(this, () => this.#session.session?.connection);
    new SubscriptionController(this, () => this.#session.session?.connection);
  }

  override render() {
    const session = this.#session.session;
    const { name, color } = this.#presence.identity;
    return html`
      <header>
        <div class="brand">
          <h1>Accord</h1>
          <span class="doc">document <strong data-testid="doc-name">${this.#session.docName}</strong></span>
        </div>
        <form @submit=${this.#onOpenDoc} aria-label="Open another document">
          <label class="visually-hidden" for="doc-input">Document name</label>
          <input id="doc-input" type="text" placeholder="another document" pattern="[A-Za-z0-9._~\\-]{1,64}" maxlength="64" />
          <button type="submit">Open</button>
        </form>
      </header>
      <main>
        ${this.#session.error ? html`<p class="error" role="alert">${this.#session.error}</p>` : null}
        <div class="editor-pane">
          <nav class="views" aria-label="Editor">
            ${this.#viewLink('plain', 'Plain text')} ${this.#viewLink('rich', 'Rich text')}
          </nav>
          ${
            this.#editorView === 'rich'
              ? html`<rich-editor .model=${session?.richText} .connection=${session?.connection}></rich-editor>`
              : html`<collab-editor .text=${session?.text} .connection=${session?.connection}></collab-editor>`
          }
        </div>
        <aside>
          <presence-list
            .connection=${session?.connection}
            .name=${name}
            .color=${color}
            @name-change=${(e: CustomEvent<string>) => this.#presence.setName(e.detail)}
          ></presence-list>
          <cluster-panel .connection=${session?.connection}></cluster-panel>
          <shared-counter .counter=${session?.counter}></shared-counter>
          <todo-list .todos=${session?.todos}></todo-list>
          <history-panel .history=${session?.history}></history-panel>
        </aside>
      </main>
    `;
  }

  /** Which editor the URL shows (`#…&view=rich`). */
  #editorView: EditorKind = viewFromHash(location.hash);

  readonly #onHashChange = (): void => {
    const view = viewFromHash(location.hash);
    if (view === this.#editorView) return;
    this.#editorView = view;
    this.#loadRichEditor();
    this.requestUpdate();
  };

  /** The rich-text editor (ProseMirror) is its own chunk, loaded when first shown. */
  #loadRichEditor(): void {
    if (this.#editorView === 'rich') void import('./rich-editor.js');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHashChange);
    this.#loadRichEditor();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  #viewLink(view: EditorKind, label: string) {
    return html`<a
      href=${hashForView(location.hash, view)}
      data-testid=${`view-${view}`}
      aria-current=${this.#editorView === view ? 'page' : 'false'}
      >${label}</a
    >`;
  }

  #onOpenDoc(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#doc-input');
    if (!input?.checkValidity() || input.value.trim() === '') return;
    location.hash = hashForDoc(location.hash, input.value.trim());
    input.value = '';
  }
}

customElements.define('accord-app', AccordApp);

declare global {
  interface HTMLElementTagNameMap {
    'accord-app': AccordApp;
  }
}
