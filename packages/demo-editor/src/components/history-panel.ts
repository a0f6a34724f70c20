/**
 * The version history: the document's numbered snapshots, newest last, a slider over them, the
 * selected version's text read-only with what it added highlighted (and what it deleted listed
 * below), and "restore this version", which brings it back as a new change everyone receives.
 */
import { css, html, LitElement, nothing } from 'lit';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import type { HistoryModel, VersionEntry, VersionView } from '../model/history-model.js';
import { sharedStyles } from '../styles/shared.js';

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** `<history-panel>`: shows and restores versions of `history`. */
export class HistoryPanel extends LitElement {
  static override properties = {
    history: { attribute: false },
    selected: { state: true },
    shown: { state: true },
    busy: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      ol {
        list-style: none;
        margin: 0 0 8px;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      ol button {
        font-size: 0.8rem;
        padding: 2px 8px;
        min-height: 28px;
      }
      ol button[aria-pressed='true'] {
        background: var(--accent);
        color: var(--accent-fg, #fff);
      }
      input[type='range'] {
        width: 100%;
      }
      pre {
        white-space: pre-wrap;
        word-break: break-word;
        max-height: 14rem;
        overflow: auto;
        margin: 8px 0;
        padding: 8px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        font: 0.9rem/1.4 var(--mono, monospace);
      }
      mark {
        background: #c8f7c5;
        color: inherit;
      }
      .deleted del {
        background: #ffd6d6;
        margin-right: 6px;
      }
      .muted {
        color: var(--muted);
        font-size: 0.85rem;
      }
    `,
  ];

  declare history: HistoryModel | undefined;
  declare selected: VersionEntry | null;
  declare shown: VersionView | null;
  declare busy: boolean;
  #loadSeq = 0;

  constructor() {
    super();
    this.history = undefined;
    this.selected = null;
    this.shown = null;
    this.busy = false;
    new SubscriptionController(this, () => this.history);
  }

  override render() {
    const versions = this.history?.versions() ?? [];
    const selected = this.selected;
    const index =
      selected === null ? -1 : versions.findIndex((v) => v.term === selected.term && v.seq === selected.seq);
    return html`
      <section class="panel" data-testid="history-panel" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        ${
          versions.length === 0
            ? html`<p class="muted">No versions yet: one is numbered a few seconds after editing pauses.</p>`
            : html`
              <ol aria-label="Versions">
                ${versions.map(
                  (v, i) => html`<li>
                    <button
                      type="button"
                      data-testid="version-item"
                      data-term=${v.term}
                      data-seq=${v.seq}
                      aria-pressed=${i === index ? 'true' : 'false'}
                      title=${`version (${v.term}, ${v.seq}) at ${timeFormat.format(v.at)}`}
                      @click=${() => this.#select(versions, i)}
                    >
                      ${v.seq}
                    </button>
                  </li>`,
                )}
              </ol>
              <input
                type="range"
                aria-label="Browse versions"
                min="0"
                max=${versions.length - 1}
                .value=${String(index < 0 ? versions.length - 1 : index)}
                @input=${(e: Event) => this.#select(versions, Number((e.target as HTMLInputElement).value))}
              />
            `
        }
        ${this.#renderShown()}
      </section>
    `;
  }

  #renderShown() {
    const shown = this.shown;
    if (shown === null) return nothing;
    const { term, seq, at } = shown.entry;
    return html`
      <p class="muted">Version (${term}, ${seq}) at ${timeFormat.format(at)}: added text highlighted.</p>
      <pre data-testid="version-preview">${shown.pieces.map((p) => (p.inserted ? html`<mark>${p.text}</mark>` : p.text))}</pre>
      ${
        shown.deleted.length > 0
          ? html`<p class="deleted muted">Deleted: ${shown.deleted.map((d) => html`<del>${d}</del>`)}</p>`
          : nothing
      }
      <button type="button" data-testid="version-restore" ?disabled=${this.busy} @click=${this.#restore}>
        Restore this version
      </button>
    `;
  }

  async #select(versions: readonly VersionEntry[], i: number): Promise<void> {
    const entry = versions[i];
    if (entry === undefined || this.history === undefined) return;
    this.selected = entry;
    const seq = ++this.#loadSeq;
    try {
      const view = await this.history.view(entry, versions[i - 1] ?? null);
      if (seq === this.#loadSeq) this.shown = view;
    } catch (error) {
      console.warn('Accord demo: could not load the version', error);
    }
  }

  async #restore(): Promise<void> {
    const entry = this.selected;
    if (entry === null || this.history === undefined) return;
    this.busy = true;
    try {
      await this.history.restore(entry);
    } finally {
      this.busy = false;
    }
  }
}

customElements.define('history-panel', HistoryPanel);

declare global {
  interface HTMLElementTagNameMap {
    'history-panel': HistoryPanel;
  }
}
