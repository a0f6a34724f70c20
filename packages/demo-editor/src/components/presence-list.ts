/**
 * Who is on this document: one row per user with their colour; this tab's row holds an editable
 * name. Fires `name-change` (detail: the new name) when the user renames themselves.
 */
import { css, html, LitElement } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import type { ConnectionModel, Peer } from '../model/connection-model.js';
import { MAX_NAME_LENGTH } from '../session/identity.js';
import { sharedStyles } from '../styles/shared.js';

/** `<presence-list>`: the peers of `connection`, with this tab's `name` editable. */
export class PresenceList extends LitElement {
  static override properties = {
    connection: { attribute: false },
    name: { attribute: false },
    color: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      li {
        display: flex;
        align-items: center;
        gap: 8px;
        min-height: 34px;
      }
      .dot {
        flex: none;
        width: 12px;
        height: 12px;
        border-radius: 50%;
      }
      .you {
        color: var(--muted);
        font-size: 0.85rem;
        flex: none;
      }
      .count {
        font-weight: 500;
        text-transform: none;
        letter-spacing: 0;
      }
    `,
  ];

  declare connection: ConnectionModel | undefined;
  declare name: string;
  declare color: string;

  constructor() {
    super();
    this.connection = undefined;
    this.name = '';
    this.color = '#888';
    new SubscriptionController(this, () => this.connection);
  }

  override render() {
    const others = (this.connection?.peers() ?? []).filter((peer) => !peer.self);
    return html`
      <section class="panel" aria-labelledby="presence-heading">
        <h2 id="presence-heading">People here <span class="count">· ${others.length + 1}</span></h2>
        <ul>
          <li data-testid="presence-user" data-self="true">
            <span class="dot" style="background:${this.color}" aria-hidden="true"></span>
            <label class="visually-hidden" for="my-name">Your name</label>
            <input
              id="my-name"
              type="text"
              data-testid="name-input"
              maxlength=${MAX_NAME_LENGTH}
              .value=${this.name}
              autocomplete="nickname"
              @change=${this.#onName}
              @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
            />
            <span class="you">(you)</span>
          </li>
          ${repeat(
            others,
            (peer) => peer.id,
            (peer) => this.#renderPeer(peer),
          )}
        </ul>
      </section>
    `;
  }

  #renderPeer(peer: Peer) {
    return html`
      <li data-testid="presence-user" data-self="false">
        <span class="dot" style="background:${peer.color}" aria-hidden="true"></span>
        <span>${peer.name}</span>
      </li>
    `;
  }

  #onName(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.dispatchEvent(new CustomEvent<string>('name-change', { detail: input.value }));
    input.value = this.name;
  }
}

customElements.define('presence-list', PresenceList);

declare global {
  interface HTMLElementTagNameMap {
    'presence-list': PresenceList;
  }
}
