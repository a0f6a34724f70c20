/**
 * Hostile input to one election machine of every algorithm: random election messages (any type,
 * small and huge terms, ids inside and outside the cluster) from members, non-members and itself,
 * mixed with timer fires and link changes. The machine never throws, never lowers its term, never
 * gives two votes in one term, never sends to a non-member, and ignores non-members and itself;
 * under candidates, a node that is not a candidate never stands.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ELECTION_ALGORITHMS } from '../../src/election/algorithm.js';
import { createElection } from '../../src/election/create-election.js';
import type { ElectionMessage, ElectionTimer } from '../../src/election/types.js';
import { MAX_TERM } from '../../src/election/types.js';

const MEMBERS = [1, 2, 3, 4, 5];
const ME = 3;
const term = fc.oneof(fc.nat({ max: 6 }), fc.constantFrom(MAX_TERM - 1, MAX_TERM, MAX_TERM + 1, -1, 0.5));
const id = fc.integer({ min: 0, max: 8 });
const ids = fc.array(id, { maxLength: 6 });

const messageArb: fc.Arbitrary<ElectionMessage> = fc.oneof(
  fc.record({ type: fc.constant('heartbeat' as const), term, successors: ids }),
  fc.record({
    type: fc.constantFrom(
      'heartbeat-ack' as const,
      'pre-vote' as const,
      'elect' as const,
      'alive' as const,
      'vote-request' as const,
      'election-request' as const,
      'ring-ack' as const,
    ),
    term,
  }),
  fc.record({
    type: fc.constantFrom('pre-vote-reply' as const, 'vote-reply' as const),
    term,
    granted: fc.boolean(),
  }),
  fc.record({ type: fc.constant('ring-election' as const), term, initiator: id, ranks: ids }),
  fc.record({ type: fc.constant('ring-leader' as const), term, initiator: id, leader: id }),
  fc.record({ type: fc.constant('invite' as const), term, size: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ type: fc.constantFrom('invite-accept' as const, 'group-beat' as const), term, members: ids }),
  fc.record({ type: fc.constant('invite-merge' as const), term, coordinator: id }),
);

type Step =
  | { kind: 'message'; from: number; message: ElectionMessage; dt: number }
  | { kind: 'fire'; timer: ElectionTimer; dt: number }
  | { kind: 'link'; peer: number; up: boolean; dt: number };

const dt = fc.integer({ min: 0, max: 400 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('message' as const), from: id, message: messageArb, dt }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fire' as const),
      timer: fc.constantFrom<ElectionTimer>('election', 'heartbeat', 'round', 'retry'),
      dt,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('link' as const), peer: id, up: fc.boolean(), dt }) },
);

describe.each(ELECTION_ALGORITHMS)('%s machine under hostile input', (algorithm) => {
  it('never throws, never lowers its term, votes once per term, ignores strangers', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const node = createElection(
          algorithm,
          { id: ME, members: MEMBERS, candidates: [2, 5] }, // this node is not a candidate
          { term: 0, votedFor: null },
          () => 0.5,
        );
        let now = 0;
        let persisted = { term: 0, votedFor: null as number | null };
        node.start(now);
        for (const s of steps) {
          now += s.dt;
          const before = node.status();
          const out =
            s.kind === 'message'
              ? node.receive(s.from, s.message, now)
              : s.kind === 'fire'
                ? node.fire(s.timer, now)
                : s.up
                  ? node.peerUp(s.peer, now)
                  : node.peerDown(s.peer, now);
          const after = node.status();
          expect(after.term).toBeGreaterThanOrEqual(before.term);
          expect(after.term).toBeLessThanOrEqual(MAX_TERM);
          if (out.persist !== undefined) {
            const p = out.persist;
            expect(p.term).toBeGreaterThanOrEqual(persisted.term);
            // a vote once given in a term is never changed to another node
            if (p.term === persisted.term && persisted.votedFor !== null)
              expect(p.votedFor).toBe(persisted.votedFor);
            persisted = { term: p.term, votedFor: p.votedFor };
          }
          expect({ term: after.term, votedFor: after.votedFor }).toEqual(persisted);
          for (const o of out.send) expect(MEMBERS.filter((m) => m !== ME)).toContain(o.to);
          if (s.kind === 'message' && (s.from === ME || !MEMBERS.includes(s.from))) {
            expect(after).toEqual(before);
            expect(out).toEqual({ send: [], timers: [], events: [] });
          }
          // an ordinary node never stands, whatever it is told
          if (algorithm === 'candidates')
            expect(['leader', 'candidate', 'pre-candidate']).not.toContain(after.role);
        }
      }),
      { numRuns: 150 },
    );
  });
});
