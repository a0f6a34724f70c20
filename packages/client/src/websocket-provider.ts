/**
 * `WebsocketProvider`: syncs an `@accord/core` `Doc` with an Accord relay cluster.
 */
import { applyUpdate, Doc } from '@accord/core';
import { bindDoc } from './doc-binding.js';
import type { ProviderOptions } from './provider-options.js';
import { SyncProvider } from './sync-provider.js';

/**
 * Keeps a {@link Doc} in sync with a relay cluster over WebSockets: a {@link SyncProvider} bound
 * to a `Doc` (through `bindDoc`), so every member and event of `SyncProvider` applies, plus `doc`
 * and `loadVersion`.
 *
 * ```ts
 * import { WebSocket } from 'ws'; // Node only; browsers use the native WebSocket
 * const provider = new WebsocketProvider(doc, ['ws://127.0.0.1:4001', 'ws://127.0.0.1:4002'], {
 *   docId: 'notes', token, WebSocket,
 * });
 * provider.on('status', ({ status }) => console.log(status));
 * await provider.whenAcknowledged(); // every local edit so far is durable on the relay
 * ```
 *
 * Behaviour:
 * - connects to a random URL of the list, rotates to the next one on every loss or refusal,
 *   reconnecting with capped exponential backoff and full jitter;
 * - every local update (and the content the document had when the provider was created) goes
 *   into an outbox until the relay acknowledges it as durable; after a reconnect or failover all
 *   unacknowledged updates are sent again (merged into batches when many piled up offline);
 * - on connect it sends its state vector, applies what the relay says it lacks, and sends what
 *   the relay lacks; concurrent edits on both sides merge (CRDT updates are idempotent and
 *   commutative), so a reconnect never loses or duplicates an edit;
 * - fails over when the node is silent (`livenessTimeoutMs`), sits on an update (`ackTimeoutMs`)
 *   or cannot reach its write quorum (`unavailable`);
 * - reports `status`, `sync`, `presence`, `cluster`, `connected-node`, `connection-close` and
 *   typed `error` events; auth refusals are retried at most `maxAuthRetries` times in a row.
 *
 * @throws TypeError from the constructor for an empty URL list, a non-ws URL, an empty `docId`,
 *   or when no WebSocket class is available (Node without the `WebSocket` option).
 */
export class WebsocketProvider extends SyncProvider {
  /** The document this provider syncs. */
  readonly doc: Doc;

  /** Sync `doc` through the relays at `urls` (see the class docs); connects at once unless `options.connect` is false. */
  constructor(doc: Doc, urls: readonly string[], options: ProviderOptions) {
    super(bindDoc(doc), urls, options);
    this.doc = doc;
  }

  /**
   * Load version `number` of the document (see `versions()`) as a new, read-only `Doc` (frozen:
   * edits throw `AccordError('read-only')`). Compare two with `diffVersions`, bring one back with
   * `restoreVersion(provider.doc, version)`.
   * @throws {VersionError} `not-found`, `timeout`, `destroyed` (as a rejection).
   */
  async loadVersion(number: { readonly term: number; readonly seq: number }): Promise<Doc> {
    const v = await this.fetchVersion(number);
    const doc = new Doc();
    applyUpdate(doc, v.update, 'version');
    doc.freeze();
    return doc;
  }
}
