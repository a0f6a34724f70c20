/**
 * The messages of the client/relay wire protocol (see `docs/protocol.md`). One WebSocket
 * binary frame carries one message: `[version u8][type u8][fields…]`. Plain data only; the
 * codec lives in `message-codec.ts`.
 */
import type { ProtocolErrorCode } from './error-codes.js';
import type { PresenceValue } from './presence-value.js';
import type { RegisterValue } from './register-value.js';

/**
 * The protocol version this codec writes and the only one it reads. Version 2 added `hello.w`
 * and `welcome.readQuorum`; version 3 `hello.session` and `welcome.session`.
 */
export const PROTOCOL_VERSION = 3;

/** What a token lets a session do with its document. */
export type Scope = 'read' | 'write';

/**
 * How many nodes must hold a client's update durably before the relay acknowledges it: `1` the
 * serving node only (lowest latency; until it reaches others, a join elsewhere may miss it),
 * `'majority'` more than half of the N nodes, `'all'` every node (no acknowledgement while one
 * is down). Absent: the node's configured write quorum (`--write-quorum`, a majority by default).
 */
export type WriteConcern = 1 | 'majority' | 'all';

/**
 * Client → relay, first message on every connection: who I am and what I already have.
 * The relay answers `welcome` then `sync`, or an `error` and a close; it sends no document
 * byte before the token is checked.
 */
export interface HelloMessage {
  readonly type: 'hello';
  /** The document (room) to join; 1–512 UTF-8 bytes. */
  readonly docId: string;
  /** The signed access token, or `''` when the relay runs without auth. */
  readonly token: string;
  /** The client's encoded state vector (`encodeStateVector(doc)`), opaque to the codec. */
  readonly stateVector: Uint8Array;
  /** The write concern of this session's updates; absent for the node's own. */
  readonly w?: WriteConcern;
  /**
   * The session vector (an encoded state vector): what this client session read from the relays
   * or had acknowledged, on this or an earlier connection (`provider.sessionVector()`). The node
   * catches up from its peers until it holds all of it before answering, and says in
   * `welcome.session` whether it did. Absent: no session guarantee asked.
   */
  readonly session?: Uint8Array;
}

/**
 * Whether the serving node holds the session vector of `hello`: `'covered'` (every update the
 * session read or had acknowledged is in the state that follows: read-your-writes and monotonic
 * reads hold), `'behind'` (it could not catch up within the join's wait, e.g. a partition: the
 * state that follows lacks some of them, which arrive later by anti-entropy).
 */
export type SessionStatus = 'covered' | 'behind';

/** Relay → client, after a successful `hello`: the session's identity and rights. */
export interface WelcomeMessage {
  readonly type: 'welcome';
  /** This session's id, unique in the room; presence entries are keyed by it. */
  readonly sessionId: number;
  /** `'read'` sessions may not send updates (the relay refuses them with `read-only`). */
  readonly scope: Scope;
  /** The id of the node serving this connection. */
  readonly nodeId: number;
  /** Presence of a session silent for this long expires; send something (a ping) more often. */
  readonly presenceTtlMs: number;
  /**
   * Whether the state that follows was merged from the read quorum: this node and R − 1 others
   * (always true for a single node). False when fewer answered within the join's wait (a
   * partition, peers down): the state may lack updates acknowledged elsewhere, which arrive later
   * by anti-entropy.
   */
  readonly readQuorum: boolean;
  /** Whether this node holds the `hello.session` vector; absent when the hello had none. */
  readonly session?: SessionStatus;
}

/**
 * Relay → client, the answer to `hello` (and to `resync`): exactly the part of the document
 * the client lacks, and the relay's state vector so the client can send what the relay lacks
 * (as ordinary `update` messages).
 */
export interface SyncMessage {
  readonly type: 'sync';
  /** An update holding what the client's state vector does not cover (may be empty-state). */
  readonly update: Uint8Array;
  /** The relay's encoded state vector at the moment it computed `update`. */
  readonly stateVector: Uint8Array;
}

/** Client → relay: ask again for what I lack (e.g. after an update was held for missing deps). */
export interface ResyncMessage {
  readonly type: 'resync';
  readonly stateVector: Uint8Array;
}

/**
 * A document update, both directions. From a client, `id` is a client-chosen positive integer
 * the relay echoes in `ack` once the update is durable (or in `error` if it was refused);
 * resending the same update under the same or a new id is harmless (updates are idempotent).
 * From the relay, `id` is 0.
 */
export interface UpdateMessage {
  readonly type: 'update';
  readonly id: number;
  readonly update: Uint8Array;
}

/**
 * Relay → client: the update the client sent with this `id` is durable (stored on the write
 * quorum). Acks may arrive in any order.
 */
export interface AckMessage {
  readonly type: 'ack';
  readonly id: number;
}

/** Where a user is and who they are: relayed to the room, never stored. */
export interface PresenceState {
  /** Display name (at most 256 UTF-8 bytes). */
  readonly name: string;
  /** Display colour, e.g. `'#e91e63'` (at most 64 UTF-8 bytes). */
  readonly color: string;
  /** The cursor or selection, app-defined (e.g. `{ anchor, head }`), or `null`. */
  readonly cursor: PresenceValue;
  /** Any other small app-defined value, or `null`. */
  readonly data: PresenceValue;
}

/** Client → relay: set (or with `null`, clear) this session's presence. */
export interface PresenceMessage {
  readonly type: 'presence';
  readonly state: PresenceState | null;
}

/** One session's presence in a `presence-update`; `state: null` means it left or expired. */
export interface PresenceEntry {
  readonly sessionId: number;
  readonly state: PresenceState | null;
}

/**
 * Relay → client: presence changes in the room (on join: everyone currently present).
 * Entries with `state: null` are sessions that left, cleared or went silent.
 */
export interface PresenceUpdateMessage {
  readonly type: 'presence-update';
  readonly entries: readonly PresenceEntry[];
}

/**
 * Relay → client: the cluster as the serving node sees it, sent after `welcome` and whenever
 * it changes.
 */
export interface ClusterMessage {
  readonly type: 'cluster';
  /** The serving node. */
  readonly nodeId: number;
  /** The current leader, or `null` while none is known (election in progress). */
  readonly leaderId: number | null;
  /** The current election term (1 for a single node). */
  readonly term: number;
  /** Next-in-line leaders, in order. */
  readonly successors: readonly number[];
  /** Term of this document's latest snapshot (0: none yet). */
  readonly snapshotTerm: number;
  /** Sequence number of this document's latest snapshot (0: none yet); the document's version. */
  readonly snapshotSeq: number;
}

/**
 * Either direction: something went wrong. From the relay it may be followed by a close.
 * `id` names the refused update (`read-only`, `bad-update`, `unavailable`), else 0.
 */
export interface ErrorMessage {
  readonly type: 'error';
  readonly code: ProtocolErrorCode;
  readonly message: string;
  readonly id: number;
}

/** Either direction: liveness probe; the receiver answers `pong` with the same `nonce`. */
export interface PingMessage {
  readonly type: 'ping';
  readonly nonce: number;
}

/** The answer to `ping`. */
export interface PongMessage {
  readonly type: 'pong';
  readonly nonce: number;
}

/**
 * Client → relay: list the document's versions, the numbered snapshots the cluster's leader
 * made (any scope may ask). Answered by `versions` with the same `id`.
 */
export interface ListVersionsMessage {
  readonly type: 'list-versions';
  readonly id: number;
}

/** One version of a document: its snapshot number, time, size and the state it covers. */
export interface VersionInfo {
  /** Snapshot number: the leader's term, then the document's sequence number (ordered by both). */
  readonly term: number;
  readonly seq: number;
  /** When the leader numbered it (ms since the epoch). */
  readonly at: number;
  /** Bytes of its snapshot. */
  readonly size: number;
  /** The encoded state vector its snapshot covers. */
  readonly stateVector: Uint8Array;
}

/** Relay → client: the versions this node keeps of the document, oldest first. */
export interface VersionsMessage {
  readonly type: 'versions';
  readonly id: number;
  readonly versions: readonly VersionInfo[];
}

/** Client → relay: fetch version (`term`, `seq`) of the document. Answered by `version`. */
export interface GetVersionMessage {
  readonly type: 'get-version';
  readonly id: number;
  readonly term: number;
  readonly seq: number;
}

/**
 * Relay → client: version (`term`, `seq`): a full-state update of the document as it was, or
 * `found: false` (and an empty update) when this node does not keep it.
 */
export interface VersionMessage {
  readonly type: 'version';
  readonly id: number;
  readonly term: number;
  readonly seq: number;
  readonly found: boolean;
  readonly at: number;
  readonly update: Uint8Array;
}

/**
 * Client → relay: compare-and-set register `key` of the document: set it to `next` if its value
 * is `expected` (`null`: absent). Linearizable: served by the cluster's leader (a follower
 * forwards it). `opId` names the operation across retries: a `cas` resent with the same `opId`
 * (after a failover) is applied at most once and answered with the first outcome. Answered by
 * `cas-result` with the same `id`. Write scope only.
 */
export interface CasMessage {
  readonly type: 'cas';
  readonly id: number;
  /** The client's operation id, 1–64 UTF-8 bytes, unique per operation (not per attempt). */
  readonly opId: string;
  readonly key: string;
  readonly expected: RegisterValue;
  readonly next: RegisterValue;
}

/**
 * How a `cas` ended: `done` (applied or refused by comparison: see `ok`), `retry` (not applied:
 * no leader, or the leader is still taking over; send it again), `unknown` (it may or may not
 * have been applied: resend with the same `opId` to learn which), `refused` (never applied: the
 * session may not write, or a limit was hit).
 */
export type CasStatus = 'done' | 'retry' | 'unknown' | 'refused';

/** Relay → client: the outcome of `cas` `id`. `ok` and `value` mean something only when `done`. */
export interface CasResultMessage {
  readonly type: 'cas-result';
  readonly id: number;
  readonly status: CasStatus;
  /** Whether the value was `expected` (and is now `next`). */
  readonly ok: boolean;
  /** The register's value after the operation (`null`: absent). */
  readonly value: RegisterValue;
}

/** Messages a client sends. */
export type ClientMessage =
  | HelloMessage
  | ResyncMessage
  | UpdateMessage
  | PresenceMessage
  | ErrorMessage
  | PingMessage
  | PongMessage
  | ListVersionsMessage
  | GetVersionMessage
  | CasMessage;

/** Messages a relay sends. */
export type ServerMessage =
  | WelcomeMessage
  | SyncMessage
  | UpdateMessage
  | AckMessage
  | PresenceUpdateMessage
  | ClusterMessage
  | ErrorMessage
  | PingMessage
  | PongMessage
  | VersionsMessage
  | VersionMessage
  | CasResultMessage;

/** Any protocol message. */
export type Message = ClientMessage | ServerMessage;

/** The `type` of any protocol message. */
export type MessageType = Message['type'];
