/**
 * What the relay load generator needs to know about a server's wire protocol: the handshake,
 * how to wrap a pre-encoded update, and how to classify what arrives, without applying it.
 */

/** The relays the bench knows. */
export const relayLibs = ['accord', 'hocuspocus'] as const;

/** One of {@link relayLibs}. */
export type RelayLib = (typeof relayLibs)[number];

/** One pre-encoded document update of a light client, with the key that identifies it on arrival. */
export interface LightUpdate {
  readonly key: number;
  readonly payload: Uint8Array;
  /**
   * The id of the one unit the update inserts (its author's replica and clock), when the protocol
   * can find updates inside a merged one ({@link LoadProtocol.unitsOf}).
   */
  readonly unit?: readonly [replica: number, clock: number];
}

/** A frame from the server, classified. */
export type Incoming =
  /** The handshake is complete (the client may start sending). */
  | { readonly kind: 'ready'; readonly state?: Uint8Array }
  /** An acknowledgement: by id (protocols with ids) or of the oldest unacknowledged update (`id` 0). */
  | { readonly kind: 'ack'; readonly id: number; readonly ok: boolean }
  /** A document update relayed from some client, identified by its key. */
  | { readonly kind: 'update'; readonly key: number; readonly payload: Uint8Array }
  /** The server refused something; `id` names the refused update or is 0. */
  | { readonly kind: 'error'; readonly id: number; readonly message: string }
  /** The answer to a protocol-level ping. */
  | { readonly kind: 'pong'; readonly nonce: number }
  /** Anything else (presence, cluster info, pings, sync replies). */
  | { readonly kind: 'other' };

/** Where an update ends in its author's history: `replica`'s state-vector entry after it. */
export interface UpdateMark {
  readonly replica: number;
  readonly upTo: number;
}

/** A client holding a real document (`--full`): it edits, applies what arrives, and is compared at the end. */
export interface FullReplica {
  /** Makes one local edit and returns its update and how far it takes this replica's history. */
  edit(): LightUpdate & { readonly mark: UpdateMark };
  /** Applies an update or sync state that arrived from the server. */
  applyRemote(update: Uint8Array): void;
  /** The document content, for comparing replicas. */
  digest(): string;
  /** Whether this replica holds everything up to `mark`. */
  contains(mark: UpdateMark): boolean;
}

/** A relay's wire protocol as the load generator speaks it. */
export interface LoadProtocol {
  readonly lib: RelayLib;
  /** True when acknowledgements name the update they acknowledge (else they come in order). */
  readonly ackById: boolean;
  /** Frames a client sends right after its socket opens (handshake). */
  openFrames(docId: string): Uint8Array[];
  /** Wraps a pre-encoded update in a frame; `id` is this client's update counter (1, 2, …). */
  updateFrame(docId: string, id: number, update: LightUpdate): Uint8Array;
  /** Classifies a frame from the server. Must not throw on any frame the server sends. */
  parse(frame: Uint8Array): Incoming;
  /**
   * The units (replica, first clock, count) a relayed update inserts, for an update whose bytes
   * are none of the run's (a relay's merged catch-up); empty when it cannot tell. Must not throw.
   */
  unitsOf?(payload: Uint8Array): readonly (readonly [replica: number, clock: number, count: number])[];
  /**
   * Pre-encodes `count` updates for light client number `client` (0-based, unique in the run):
   * each only extends that client's own text, so it applies whatever else the document holds.
   */
  makeUpdates(client: number, count: number): LightUpdate[];
  /** A full client (`--full`) number `client` with an empty document. */
  createFullReplica(client: number, seed: number): FullReplica;
}
