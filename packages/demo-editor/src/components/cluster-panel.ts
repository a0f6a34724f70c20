/**
 * The cluster as this tab sees it: the node it is connected to, the leader and term, the
 * document's latest snapshot number and the connection status, live; plus the offline switch.
 */
import { css, html, LitElement } from 'lit';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import type { ConnectionModel, ConnectionStatus } from '../model/connection-model.js';
import { sharedStyles } from '../styles/shared.js';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected, syncing…',
  synced: 'Synced',
  offline: 'Offline',
};

/** `<cluster-panel>`: status of `connection`. */
export class ClusterPanel extends LitElement {
  static override properties = {
    connection: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 6px 14px;
        margin: 0 0 12px;
      }
      dt {
        color: var(--muted);
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
        font-weight: 600;
        text-align: right;
      }
      .status {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .light {
        width: 9px;
        height: 9px;
        border-radius: 50%;
        background: var(--warn);
      }
      .light.synced {
        background: var(--ok);
      }
      .light.offline {
        background: var(--muted);
      }
      .switch {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 10px;
        width: 100%;
        text-align: left;
      }
      .track {
        position: relative;
        flex: none;
        width: 38px;
        height: 22px;
        border-radius: 11px;
        background: var(--muted);
        transition: background 0.15s;
      }
      .track::after {
        content: '';
        position: absolute;
        top: 3px;
        left: 3px;
        width: 16px;
        height: 16px;
        border-radius: 50%;
        background: #fff;
        transition: transform 0.15s;
      }
      [aria-checked='true'] .track {
        background: var(--ok);
      }
      [aria-checked='true'] .track::after {
        transform: translateX(16px);
      }
    `,
  ];

  declare connection: ConnectionModel | undefined;

  constructor() {
    super();
    this.connection = undefined;
    new SubscriptionController(this, () => this.connection);
  }

  override render() {
    const connection = this.connection;
    const cluster = connection?.cluster();
    const status = connection?.status() ?? 'connecting';
    const online = connection?.wantsOnline() ?? true;
    const copy = connection?.localCopy?.();
    const show = (value: number | undefined) => (value === undefined ? '—' : String(value));
    return html`
      <section class="panel" aria-labelledby="cluster-heading">
        <h2 id="cluster-heading">Cluster</h2>
        <dl>
          <dt>Status</dt>
          <dd>
            <span class="status" role="status">
              <span class="light ${status}" aria-hidden="true"></span>
              <span data-testid="status" data-status=${status}>${status}</span>
            </span>
            <span class="visually-hidden">${STATUS_TEXT[status]}</span>
          </dd>
          <dt>Connected node</dt>
          <dd data-testid="node-id">${show(cluster?.nodeId)}</dd>
          <dt>Leader</dt>
          <dd data-testid="leader-id">${show(cluster?.leaderId)}</dd>
          <dt>Term</dt>
          <dd data-testid="term">${show(cluster?.term)}</dd>
          <dt>Latest snapshot</dt>
          <dd data-testid="snapshot-seq">${show(cluster?.snapshotSeq)}</dd>
          ${
            copy
              ? html`<dt>This browser</dt>
            <dd data-testid="local-copy" data-state=${copy.state} data-reason=${copy.reason ?? ''} data-problem=${copy.problem ?? ''}
              title=${copy.state === 'off' ? 'Not kept in this browser: edits sync through the network only' : 'Kept in this browser (IndexedDB)'}>
              ${copy.state === 'off' ? `off (${copy.reason})` : copy.state}${copy.problem ? ` · ${copy.problem}` : ''}
            </dd>`
              : null
          }
        </dl>
        <button
          type="button"
          class="switch"
          role="switch"
          data-testid="offline-toggle"
          aria-checked=${online ? 'true' : 'false'}
          ?disabled=${!connection}
          @click=${() => connection?.setOnline(!online)}
        >
          <span>${online ? 'Online: edits sync live' : 'Offline: edits stay in this browser'}</span>
          <span class="track" aria-hidden="true"></span>
        </button>
      </section>
    `;
  }
}

customElements.define('cluster-panel', ClusterPanel);

declare global {
  interface HTMLElementTagNameMap {
    'cluster-panel': ClusterPanel;
  }
}
