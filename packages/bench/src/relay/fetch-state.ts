/** Full mode's final check: load a document from the server into a fresh full client. */
import WebSocket from 'ws';
import type { LightLoadOptions } from './load-generator.js';
import type { FullReplica } from './protocols/types.js';
import { toBytes } from './ws-bytes.js';

/**
 * Connects one fresh full client to `docId`, waits for the server's state, and returns the
 * replica holding it (null when the server does not answer within 10 s).
 */
export async function fetchServerState(
  opts: LightLoadOptions,
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
