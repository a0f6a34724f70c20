/** fast-check arbitraries for protocol messages (shared by the protocol tests). */
import type {
  Message,
  PresenceState,
  PresenceValue,
  ProtocolErrorCode,
  RegisterValue,
} from '@accord/core/protocol';
import { ProtocolErrorCodes } from '@accord/core/protocol';
import fc from 'fast-check';

const id = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const smallId = fc.nat({ max: 1_000_000 });
const bytes = fc.uint8Array({ maxLength: 64 });
const shortString = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', maxLength })
    .filter((s) => new TextEncoder().encode(s).length <= maxLength * 1);

/** Presence values: JSON-like plus bytes, finite numbers, bounded depth. */
export const presenceValue: fc.Arbitrary<PresenceValue> = fc.letrec<{ value: PresenceValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    fc.string({ maxLength: 20 }),
    fc.uint8Array({ maxLength: 16 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Presence states within the codec's limits. */
export const presenceState: fc.Arbitrary<PresenceState> = fc.record({
  name: shortString(60),
  color: fc.string({ maxLength: 16 }),
  cursor: presenceValue,
  data: presenceValue,
});

/** Register values within the codec's limits (JSON scalars, null). */
export const registerValue: fc.Arbitrary<RegisterValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 60 }),
);

const errorCode: fc.Arbitrary<ProtocolErrorCode> = fc.constantFrom(...ProtocolErrorCodes);

/** Every message type with fields in range. */
export const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({
    type: fc.constant('hello' as const),
    docId: fc.string({ minLength: 1, maxLength: 40 }),
    token: fc.string({ maxLength: 200 }),
    stateVector: bytes,
  }),
  fc.record({
    type: fc.constant('hello' as const),
    docId: fc.string({ minLength: 1, maxLength: 40 }),
    token: fc.string({ maxLength: 200 }),
    stateVector: bytes,
    w: fc.constantFrom(1 as const, 'majority' as const, 'all' as const),
  }),
  fc.record({
    type: fc.constant('hello' as const),
    docId: fc.string({ minLength: 1, maxLength: 40 }),
    token: fc.string({ maxLength: 200 }),
    stateVector: bytes,
    session: bytes,
  }),
  fc.record({
    type: fc.constant('welcome' as const),
    sessionId: id,
    scope: fc.constantFrom('read' as const, 'write' as const),
    nodeId: smallId,
    presenceTtlMs: smallId,
    readQuorum: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('welcome' as const),
    sessionId: id,
    scope: fc.constantFrom('read' as const, 'write' as const),
    nodeId: smallId,
    presenceTtlMs: smallId,
    readQuorum: fc.boolean(),
    session: fc.constantFrom('covered' as const, 'behind' as const),
  }),
  fc.record({ type: fc.constant('sync' as const), update: bytes, stateVector: bytes }),
  fc.record({ type: fc.constant('resync' as const), stateVector: bytes }),
  fc.record({ type: fc.constant('update' as const), id, update: bytes }),
  fc.record({ type: fc.constant('ack' as const), id }),
  fc.record({ type: fc.constant('presence' as const), state: fc.option(presenceState, { nil: null }) }),
  fc.record({
    type: fc.constant('presence-update' as const),
    entries: fc.array(fc.record({ sessionId: id, state: fc.option(presenceState, { nil: null }) }), {
      maxLength: 5,
    }),
  }),
  fc.record({
    type: fc.constant('cluster' as const),
    nodeId: smallId,
    leaderId: fc.option(smallId, { nil: null }),
    term: id,
    successors: fc.array(smallId, { maxLength: 8 }),
    snapshotTerm: id,
    snapshotSeq: id,
  }),
  fc.record({
    type: fc.constant('error' as const),
    code: errorCode,
    message: fc.string({ maxLength: 100 }),
    id,
  }),
  fc.record({ type: fc.constant('ping' as const), nonce: id }),
  fc.record({ type: fc.constant('pong' as const), nonce: id }),
  fc.record({
    type: fc.constant('cas' as const),
    id,
    opId: fc.string({ minLength: 1, maxLength: 16 }),
    key: fc.string({ minLength: 1, maxLength: 40 }),
    expected: registerValue,
    next: registerValue,
  }),
  fc.record({
    type: fc.constant('cas-result' as const),
    id,
    status: fc.constantFrom('done' as const, 'retry' as const, 'unknown' as const, 'refused' as const),
    ok: fc.boolean(),
    value: registerValue,
  }),
);
