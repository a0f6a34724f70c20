/**
 * Large documents over peer links. A catch-up reply or a snapshot announcement carries a whole
 * document's worth of update, which can outgrow one peer frame (and the codec's payload limit):
 * the receiving side would drop the link, redial, ask again and never catch up. So a payload over
 * the limit is sent first as parts, each an ordinary catch-up `replicate` (update id 0: stored and
 * applied, not acknowledged), and the message itself follows with an empty update. Updates are
 * idempotent and order-free (a part whose dependencies have not arrived is held), and a link
 * delivers in order, so the receiver holds everything by the time it handles the message.
 */
import { splitUpdate } from '@accord/core';
import { encodeUpdate } from '@accord/core/protocol';
import type { ClusterMessage } from './messages.js';

/** An update that carries nothing. */
const EMPTY_UPDATE = encodeUpdate({ records: [], deletes: new Map() });

/**
 * Send `m` through `send`, first as parts of at most `maxBytes` when it is a catch-up
 * `replicate`, a `sync-reply`, a `causal-fill` or a `snapshot-announce` whose update exceeds
 * `maxBytes`. A client
 * write (`replicate` with an id, to be acknowledged) and every other message go as they are, and
 * so does an update that cannot be split (one value over the limit: the receiver refuses it as
 * before).
 */
export function sendSplit(send: (m: ClusterMessage) => void, m: ClusterMessage, maxBytes: number): void {
  let payload: Uint8Array | null = null;
  let docId = '';
  if (m.type === 'sync-reply' || m.type === 'causal-fill' || (m.type === 'replicate' && m.updateId === 0)) {
    payload = m.update;
    docId = m.docId;
  } else if (m.type === 'snapshot-announce') {
    payload = m.snapshot;
    docId = m.docId;
  }
  if (payload === null || payload.length <= maxBytes) {
    send(m);
    return;
  }
  let parts: Uint8Array[];
  try {
    parts = splitUpdate(payload, maxBytes);
  } catch {
    send(m);
    return;
  }
  for (const update of parts) send({ type: 'replicate', docId, updateId: 0, update });
  if (m.type === 'sync-reply' || m.type === 'causal-fill') send({ ...m, update: EMPTY_UPDATE });
  else if (m.type === 'snapshot-announce') send({ ...m, snapshot: EMPTY_UPDATE });
}
