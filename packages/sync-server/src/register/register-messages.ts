/**
 * Peer messages of the replicated compare-and-set register (see `cluster/register-replication.ts`).
 * A leader of term T first runs a prepare round (`register-prepare` → `register-promise`: each
 * node promises T and answers its records of the document), then write rounds (`register-write`
 * → `register-written`): a node accepts only when T is at least its promise and its election
 * term, and stores the records durably before it answers. A follower hands a client's `cas` to
 * the leader with `register-forward` and relays the `register-forwarded` outcome.
 */
import type { CasStatus, RegisterValue } from '@accord/core/protocol';
import type { RegisterEntry } from './register-state.js';

/** New leader of `term`: "promise `term` and tell me your register records of `docId`". */
export interface RegisterPrepareMessage {
  type: 'register-prepare';
  docId: string;
  term: number;
  reqId: number;
}

/** Answer to a prepare: promised (and the records), or refused (a newer term was promised). */
export interface RegisterPromiseMessage {
  type: 'register-promise';
  docId: string;
  term: number;
  reqId: number;
  accepted: boolean;
  records: RegisterEntry[];
}

/**
 * Leader of `term`: "store these records of `docId`" (none: only confirm that `term` is still
 * current, the round a read needs to be linearizable).
 */
export interface RegisterWriteMessage {
  type: 'register-write';
  docId: string;
  term: number;
  reqId: number;
  records: RegisterEntry[];
}

/** Answer to a write: stored durably (or confirmed), or refused (fenced by a newer term). */
export interface RegisterWrittenMessage {
  type: 'register-written';
  docId: string;
  term: number;
  reqId: number;
  accepted: boolean;
}

/** Follower → leader: a client's compare-and-set on `docId`. */
export interface RegisterForwardMessage {
  type: 'register-forward';
  reqId: number;
  docId: string;
  opId: string;
  key: string;
  expected: RegisterValue;
  next: RegisterValue;
}

/** Leader → follower: the outcome of forwarded request `reqId`. */
export interface RegisterForwardedMessage {
  type: 'register-forwarded';
  reqId: number;
  status: CasStatus;
  ok: boolean;
  value: RegisterValue;
}

/** Every register message on a peer link. */
export type RegisterMessage =
  | RegisterPrepareMessage
  | RegisterPromiseMessage
  | RegisterWriteMessage
  | RegisterWrittenMessage
  | RegisterForwardMessage
  | RegisterForwardedMessage;
