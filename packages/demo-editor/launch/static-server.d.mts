/** A running static server for the built demo. */
export interface StaticServer {
  /** Base URL, e.g. `http://127.0.0.1:5173/`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serve the directory `root` on `host:port` (port 0 picks a free one), with `config` as JSON at
 * `/config.json` and `index.html` for unknown extensionless paths. Rejects if the port is taken.
 */
export function serveStatic(options: {
  root: string;
  host?: string;
  port?: number;
  config: unknown;
}): Promise<StaticServer>;
