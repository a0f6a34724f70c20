/**
 * fast-check arbitraries for the cluster tests (election schedules, cluster messages).
 */
import type { PresenceValue } from '@accord/core/protocol';
import fc from 'fast-check';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { MAX_SNAPSHOT_SEQ } from '../../src/cluster/peer-codec.js';
import type { SimNetwork } from '../../src/election/simulated-cluster.js';
import { MAX_TERM } from '../../src/election/types.js';

/** One fault injected into a simulated cluster, after `afterMs` of virtual time. */
export type SimFault =
  | { kind: 'crash'; node: number; afterMs: number }
  | { kind: 'restart'; node: number; afterMs: number }
  | { kind: 'partition'; groups: number[]; afterMs: number }
  | { kind: 'cut'; from: number; to: number; afterMs: number }
  | { kind: 'heal'; afterMs: number };

/** Network behaviour: loss up to 30 %, duplicates up to 20 %, delay up to 60 ms (so heavy reordering). */
export const networkArb: fc.Arbitrary<SimNetwork> = fc
  .record({
    minDelayMs: fc.double({ min: 0, max: 5, noNaN: true }),
    spread: fc.double({ min: 0.1, max: 55, noNaN: true }),
    loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.2, noNaN: true }),
  })
  .map(({ minDelayMs, spread, loss, duplicate }) => ({
    minDelayMs,
    maxDelayMs: minDelayMs + spread,
    loss,
    duplicate,
  }));

/** A fault for a cluster of `n` nodes numbered 1..n; `groups[i]` is node i+1's partition side. */
export function faultArb(n: number): fc.Arbitrary<SimFault> {
  const node = fc.integer({ min: 1, max: n });
  const after = fc.integer({ min: 0, max: 1500 });
  return fc.oneof(
    fc.record({ kind: fc.constant('crash' as const), node, afterMs: after }),
    fc.record({ kind: fc.constant('restart' as const), node, afterMs: after }),
    fc.record({
      kind: fc.constant('partition' as const),
      groups: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
      afterMs: after,
    }),
    fc.record({ kind: fc.constant('cut' as const), from: node, to: node, afterMs: after }),
    fc.record({ kind: fc.constant('heal' as const), afterMs: after }),
  );
}

/**
 * A fault of the read-lease property: any {@link SimFault}, a link reset (cut and restored at
 * once, so the receiving side is told `peerDown` while both nodes live: the case leases must
 * survive), a flapping link (reset every `everyMs` for `forMs`), a SIGSTOP of `pauseMs`, or
 * `undermine`: the current leader's link to one follower (the `pick`-th) is cut, so it times out
 * and stands, while its links to the others flap, so they hear `peerDown` and would vote for it;
 * after `forMs` the leader's links to all followers go silent (its last promises run out).
 */
export type LeaseFault =
  | SimFault
  | { kind: 'reset'; from: number; to: number; afterMs: number }
  | { kind: 'flap'; from: number; to: number; everyMs: number; forMs: number; afterMs: number }
  | { kind: 'undermine'; pick: number; everyMs: number; forMs: number; afterMs: number }
  | { kind: 'pause'; node: number; pauseMs: number; afterMs: number };

/** A {@link LeaseFault} for `n` nodes. */
export function leaseFaultArb(n: number): fc.Arbitrary<LeaseFault> {
  const node = fc.integer({ min: 1, max: n });
  const after = fc.integer({ min: 0, max: 600 });
  return fc.oneof(
    faultArb(n),
    fc.record({ kind: fc.constant('reset' as const), from: node, to: node, afterMs: after }),
    fc.record({
      kind: fc.constant('flap' as const),
      from: node,
      to: node,
      everyMs: fc.integer({ min: 3, max: 40 }),
      forMs: fc.integer({ min: 100, max: 1500 }),
      afterMs: after,
    }),
    fc.record({
      kind: fc.constant('undermine' as const),
      pick: fc.nat({ max: n - 1 }),
      everyMs: fc.integer({ min: 3, max: 40 }),
      forMs: fc.integer({ min: 300, max: 1500 }),
      afterMs: after,
    }),
    fc.record({
      kind: fc.constant('pause' as const),
      node,
      pauseMs: fc.integer({ min: 1, max: 900 }),
      afterMs: after,
    }),
  );
}

const term = fc.nat({ max: MAX_TERM });
const updateId = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const pos = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const docId = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
const bytes = fc.uint8Array({ maxLength: 200 });
const mark = fc.record({
  node: pos,
  epoch: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  seq: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
});
const stamp = fc.record({
  epoch: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  seq: pos,
  deps: fc.array(mark, { maxLength: 6 }),
  pull: fc.boolean(),
});
const registerTerm = fc.integer({ min: 1, max: MAX_TERM });
const registerValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 30 }),
);
const registerEntries = fc.array(
  fc.record({
    key: fc.string({ minLength: 1, maxLength: 20 }),
    record: fc.record({
      value: registerValue,
      term,
      seq: fc.nat(),
      ops: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 4 }),
    }),
  }),
  { maxLength: 4 },
);
const number = fc.record({
  term: fc.integer({ min: 1, max: MAX_TERM }),
  seq: fc.integer({ min: 1, max: MAX_SNAPSHOT_SEQ }),
});

/** Any valid peer message. */
/** Small JSON-like presence values (what the client protocol's presence value codec carries). */
const presenceValue: fc.Arbitrary<PresenceValue> = fc.letrec<{ v: PresenceValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.string({ maxLength: 10 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('anchor', 'head', 'k'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

export const clusterMessageArb: fc.Arbitrary<ClusterMessage> = fc.oneof(
  fc.record({ type: fc.constant('heartbeat' as const), term, successors: fc.array(pos, { maxLength: 10 }) }),
  fc.record({
    type: fc.constant('heartbeat' as const),
    term,
    successors: fc.array(pos, { maxLength: 10 }),
    lease: pos,
  }),
  fc.record({ type: fc.constant('heartbeat-ack' as const), term, lease: pos }),
  fc.record({ type: fc.constantFrom('heartbeat-ack' as const, 'pre-vote' as const, 'elect' as const), term }),
  fc.record({ type: fc.constantFrom('alive' as const, 'vote-request' as const), term }),
  fc.record({
    type: fc.constantFrom('pre-vote-reply' as const, 'vote-reply' as const),
    term,
    granted: fc.boolean(),
  }),
  fc.record({ type: fc.constant('replicate' as const), docId, updateId, update: bytes }),
  fc.record({ type: fc.constant('replicate' as const), docId, updateId, update: bytes, causal: stamp }),
  fc.record({ type: fc.constant('causal-pull' as const), docId, stateVector: bytes }),
  fc.record({
    type: fc.constant('causal-fill' as const),
    docId,
    update: bytes,
    frontier: fc.array(mark, { maxLength: 6 }),
    untracked: fc.array(pos, { maxLength: 6 }),
  }),
  fc.record({
    type: fc.constant('witness-offer' as const),
    docId,
    probeId: updateId,
    reqId: updateId,
    entries: fc.array(fc.record({ origin: pos, stamp, update: bytes }), { maxLength: 4 }),
  }),
  fc.record({ type: fc.constant('replicate-ack' as const), docId, updateId }),
  fc.record({
    type: fc.constant('replicate-acks' as const),
    acks: fc.array(fc.record({ docId, updateId }), { maxLength: 6 }),
  }),
  fc.record({ type: fc.constant('sync-request' as const), docId, reqId: updateId, stateVector: bytes }),
  fc.record({
    type: fc.constant('sync-reply' as const),
    docId,
    reqId: updateId,
    update: bytes,
    stateVector: bytes,
  }),
  fc.record({ type: fc.constant('snapshot-query' as const), docId, term }),
  fc.record({
    type: fc.constant('snapshot-answer' as const),
    docId,
    term,
    highest: fc.option(number, { nil: null }),
  }),
  fc.record({
    type: fc.constant('snapshot-announce' as const),
    docId,
    number,
    at: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    stateVector: bytes,
    snapshot: bytes,
  }),
  fc.record({
    type: fc.constant('snapshot-reply' as const),
    docId,
    number,
    accepted: fc.boolean(),
    promisedTerm: term,
  }),
  fc.record({
    type: fc.constant('presence' as const),
    docId,
    entries: fc.array(
      fc.record({
        sessionId: pos,
        state: fc.option(
          fc.record({
            name: fc.string({ maxLength: 20 }),
            color: fc.string({ maxLength: 8 }),
            cursor: presenceValue,
            data: presenceValue,
          }),
          { nil: null },
        ),
      }),
      { maxLength: 5 },
    ),
  }),
  fc.record({ type: fc.constant('presence-reset' as const) }),
  fc.record({ type: fc.constant('register-prepare' as const), docId, term: registerTerm, reqId: fc.nat() }),
  fc.record({
    type: fc.constant('register-promise' as const),
    docId,
    term: registerTerm,
    reqId: fc.nat(),
    accepted: fc.boolean(),
    records: registerEntries,
  }),
  fc.record({
    type: fc.constant('register-write' as const),
    docId,
    term: registerTerm,
    reqId: fc.nat(),
    records: registerEntries,
  }),
  fc.record({
    type: fc.constant('register-written' as const),
    docId,
    term: registerTerm,
    reqId: fc.nat(),
    accepted: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('register-forward' as const),
    reqId: fc.nat(),
    docId,
    opId: fc.string({ minLength: 1, maxLength: 20 }),
    key: fc.string({ minLength: 1, maxLength: 20 }),
    expected: registerValue,
    next: registerValue,
  }),
  fc.record({
    type: fc.constant('register-forwarded' as const),
    reqId: fc.nat(),
    status: fc.constantFrom('done' as const, 'retry' as const, 'unknown' as const, 'refused' as const),
    ok: fc.boolean(),
    value: registerValue,
  }),
  fc.record({ type: fc.constantFrom('election-request' as const, 'ring-ack' as const), term }),
  fc.record({
    type: fc.constant('ring-election' as const),
    term,
    initiator: pos,
    ranks: fc.array(pos, { maxLength: 10 }),
  }),
  fc.record({ type: fc.constant('ring-leader' as const), term, initiator: pos, leader: pos }),
  fc.record({ type: fc.constant('invite' as const), term, size: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    type: fc.constantFrom('invite-accept' as const, 'group-beat' as const),
    term,
    members: fc.array(pos, { maxLength: 10 }),
  }),
  fc.record({ type: fc.constant('invite-merge' as const), term, coordinator: pos }),
);
