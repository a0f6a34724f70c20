/**
 * Owns the app's live session: reads the relay URLs once, opens the document named by
 * `#doc=…`, and closes it and opens another when the fragment changes. The host only renders
 * `session`, `docName` and `error`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { docNameFromHash } from '../config/doc-name.js';
import { loadRelayUrls } from '../config/relay-config.js';
import type { DemoSession } from '../session/demo-session.js';

/** Opens a session for `(docName, relayUrls)`; the real one lives in `session/open-session.ts`. */
export type SessionOpener = (docName: string, relayUrls: readonly string[]) => DemoSession;

/** The session of the document in the URL, kept in step with `location.hash`. */
export class SessionController implements ReactiveController {
  /** The open session, or `undefined` while the configuration loads. */
  session: DemoSession | undefined;
  /** The document being edited. */
  docName = docNameFromHash(location.hash);
  /** Relay URLs the page was configured with. */
  relayUrls: readonly string[] = [];
  /** Why no session could be opened, if so. */
  error: string | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #open: SessionOpener;
  #generation = 0;
  readonly #onHashChange = (): void => {
    const name = docNameFromHash(location.hash);
    if (name !== this.docName || !this.session) void this.#openSession(name);
  };

  constructor(host: ReactiveControllerHost, open: SessionOpener) {
    this.#host = host;
    this.#open = open;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('hashchange', this.#onHashChange);
    void this.#openSession(docNameFromHash(location.hash));
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
    this.#generation++;
    this.session?.destroy();
    this.session = undefined;
  }

  async #openSession(name: string): Promise<void> {
    const generation = ++this.#generation;
    this.session?.destroy();
    this.session = undefined;
    this.docName = name;
    document.title = `${name} · Accord demo`;
    this.#host.requestUpdate();
    try {
      if (this.relayUrls.length === 0) this.relayUrls = await loadRelayUrls(location);
      if (generation !== this.#generation) return;
      this.session = this.#open(name, this.relayUrls);
      this.error = undefined;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      console.warn('Accord demo: could not open the document', error);
    }
    this.#host.requestUpdate();
  }
}
