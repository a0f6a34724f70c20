/**
 * Binary codec of {@link ClusterMessage}s: a version byte, a tag byte, then the fields as varints,
 * length-prefixed strings and byte arrays. Decoding is bounded (every length is checked against
 * the bytes left and against the limits) and range-checked (terms at most `MAX_TERM`, snapshot
 * sequence numbers at most `MAX_SNAPSHOT_SEQ`, ids non-zero), so no field a peer sends can make
 * a later `+ 1` leave the safe integer range. It throws only `DecodeError`.
 *
 * The wire constants live in `peer-wire.ts`, the message writer and reader in
 * `peer-message-writer.ts` and `peer-message-reader.ts`; this module turns them into bytes,
 * frames and messages.
 */
import { decodeWith, Encoder } from '@accord/core/protocol';
import type { ClusterMessage } from './messages.js';
import { readClusterMessage } from './peer-message-reader.js';
import { writeClusterMessage } from './peer-message-writer.js';
import { type ClusterCodecLimits, DEFAULT_CLUSTER_LIMITS } from './peer-wire.js';

export {
  CLUSTER_PROTOCOL_VERSION,
  type ClusterCodecLimits,
  DEFAULT_CLUSTER_LIMITS,
  MAX_SNAPSHOT_SEQ,
} from './peer-wire.js';

/**
 * The encoder every message is written with before one exact-size copy goes out: a new buffer
 * per message (2 KB for a replicated update) was an off-heap allocation per update and peer.
 * Replaced after a message larger than {@link SCRATCH_KEEP} so that one snapshot does not keep
 * its size for good.
 */
let scratch = new Encoder(4096);
const SCRATCH_KEEP = 256 * 1024;

/**
 * Encode a message. Throws `RangeError` when a numeric field is not a non-negative safe integer
 * (a caller bug, never an input problem).
 */
export function encodeClusterMessage(m: ClusterMessage): Uint8Array {
  const e = scratch;
  e.reset();
  writeClusterMessage(e, m);
  const out = e.toBytes();
  if (out.length > SCRATCH_KEEP) scratch = new Encoder(4096);
  return out;
}

/**
 * {@link encodeClusterMessage} as a peer-link frame (`[u32 length][message]`) in one buffer: a
 * small one is a slice of Node's buffer pool, so a replicated update costs one copy and no
 * off-heap allocation of its own. The same frame may be written to several links.
 */
export function encodeClusterFrame(m: ClusterMessage): Buffer {
  const e = scratch;
  e.reset();
  writeClusterMessage(e, m);
  const out = Buffer.allocUnsafe(4 + e.length);
  out.writeUInt32BE(e.length, 0);
  e.copyTo(out, 4);
  if (e.length > SCRATCH_KEEP) scratch = new Encoder(4096);
  return out;
}

/**
 * Decode one message. Throws `DecodeError` (`bad-version`, `bad-tag`, `truncated`, `too-large`,
 * `invalid`, `trailing-bytes`, ...) on any malformed, oversized or hostile input; never anything else.
 */
export function decodeClusterMessage(
  bytes: Uint8Array,
  limits: ClusterCodecLimits = DEFAULT_CLUSTER_LIMITS,
): ClusterMessage {
  return decodeWith(bytes, (d) => readClusterMessage(d, limits));
}
