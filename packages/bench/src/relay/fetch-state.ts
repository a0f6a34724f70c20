/** Full mode's final check: load a document from the server into a fresh full client. */
import WebSocket from 'ws';
import type { FullReplica, LoadProtocol } from './protocols/types.js';
import { toBytes } from './ws-bytes.js';

/** What {@link fetchServerState} reads of the load options (a `LightLoadOptions` has them). */
export interface FetchStateOptions {
  /** Server URLs; the fresh client connects to the first. */
  readonly urls: readonly string[];
  /** How the fresh client speaks to the server. */
  readonly protocol: LoadProtocol;
  /** Seed of the fresh full client (default 1). */
  readonly seed?: number;
}

/**
 * Connects one fresh full client to `docId`, waits for the server's state, and returns the
 * replica holding it (null when the server does not answer within 10 s).
 */
export async function fetchServerState(
  opts: FetchStateOptions,
  docId: string,
  client: number,
): Promise<FullReplica | null> {
  const replica = opts.protocol.createFullReplica(client, opts.seed ?? 1);
  const ws = new WebSocket(opts.urls[0] as string, { perMessageDeflate: false });
  try {
    return await new Promise<FullReplica | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 10_000);
      ws.on('open', () => {
        for (const f of opts.protocol.openFrames(docId)) ws.send(f);
      });
      ws.on('message', (data) => {
        const msg = opts.protocol.parse(toBytes(data));
        if (msg.kind === 'update') replica.applyRemote(msg.payload);
        if (msg.kind === 'ready') {
          if (msg.state !== undefined) replica.applyRemote(msg.state);
          clearTimeout(timer);
          resolve(replica);
        }
      });
      ws.on('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
  } finally {
    ws.terminate();
  }
}
