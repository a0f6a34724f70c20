/**
 * A session's `cas` requests: checked (write scope, key and value bounds, a bounded number in
 * flight per session), handed to the replicator, and answered with `cas-result`. The replicator
 * never rejects; anything unexpected still ends in an answer (`unknown`), never an unhandled
 * rejection.
 */
import {
  type CasMessage,
  type CasResultMessage,
  registerKeyProblem,
  registerValueProblem,
} from '@accord/core/protocol';
import type { Replicator } from './replicator.js';
import type { Session } from './session.js';

/** Register requests one session may have in flight; more are answered `refused`. */
export const MAX_CAS_IN_FLIGHT = 16;

const inFlight = new WeakMap<Session, number>();

/** Serve `msg` from `session` on document `docId`. */
export function serveCas(session: Session, replicator: Replicator, docId: string, msg: CasMessage): void {
  const answer = (o: Omit<CasResultMessage, 'type' | 'id'>) => {
    if (session.open) session.send({ type: 'cas-result', id: msg.id, ...o });
  };
  const n = inFlight.get(session) ?? 0;
  if (
    session.scope !== 'write' ||
    n >= MAX_CAS_IN_FLIGHT ||
    registerKeyProblem(msg.key) !== null ||
    registerValueProblem(msg.expected) !== null ||
    registerValueProblem(msg.next) !== null
  ) {
    answer({ status: 'refused', ok: false, value: null });
    return;
  }
  inFlight.set(session, n + 1);
  const { opId, key, expected, next } = msg;
  replicator
    .cas(docId, { opId, key, expected, next })
    .then(answer, () => answer({ status: 'unknown', ok: false, value: null }))
    .finally(() => inFlight.set(session, (inFlight.get(session) ?? 1) - 1));
}
