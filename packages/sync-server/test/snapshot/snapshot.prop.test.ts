import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { majorityOf } from '../../src/election/config.js';
import { SnapshotFence } from '../../src/snapshot/snapshot-fence.js';
import type { SnapshotNumber } from '../../src/snapshot/snapshot-number.js';
import { SnapshotSequencer } from '../../src/snapshot/snapshot-sequencer.js';

type Msg =
  | { kind: 'query'; from: number; to: number; docId: string; term: number }
  | { kind: 'answer'; from: number; to: number; docId: string; term: number; highest: SnapshotNumber | null }
  | { kind: 'announce'; from: number; to: number; docId: string; number: SnapshotNumber }
  | {
      kind: 'reply';
      from: number;
      to: number;
      docId: string;
      number: SnapshotNumber;
      ok: boolean;
      promised: number;
    };

type Step =
  | { op: 'new-leader'; node: number; voters: number }
  | { op: 'issue'; leader: number; doc: number }
  | { op: 'deliver'; pick: number }
  | { op: 'drop'; pick: number }
  | { op: 'write'; pick: number; ok: boolean };

/** A node's durable write of a number it accepted (or issued), still running. */
interface Write {
  node: number;
  docId: string;
  number: SnapshotNumber;
  /** What follows the write's end: the reply, or the leader's announcements. */
  done: (ok: boolean) => void;
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('new-leader' as const), node: fc.nat(4), voters: fc.nat(1000) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('issue' as const), leader: fc.nat(10), doc: fc.nat(1) }),
  },
  { weight: 12, arbitrary: fc.record({ op: fc.constant('deliver' as const), pick: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), pick: fc.nat(1000) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('write' as const),
      pick: fc.nat(1000),
      ok: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
);

/** Schedules per run: a write ending late against a newer term's query is rare (about one in 5,000). */
const RUNS = 2000;

describe('ordered snapshots under competing leaders, loss and reordering', () => {
  // Numbers are written asynchronously, as a relay writes them on its commit thread: a node
  // replies "stored" (a leader announces) only once its write ended well; a write may fail
  // (taken back: retract, and a leader's issue abandoned); one node's writes of one document end
  // in the order they began.
  it('commits strictly increasing, never reused, gap-free numbers and fences old terms', () => {
    const stats: number[] = [];
    fc.assert(
      fc.property(
        fc.constantFrom(3, 5),
        fc.array(stepArb, { minLength: 100, maxLength: 400 }),
        (n, steps) => {
          const members = Array.from({ length: n }, (_, i) => i + 1);
          const majority = majorityOf(n);
          const fences = new Map(members.map((m) => [m, new SnapshotFence()]));
          const leaders: { node: number; term: number; seq: SnapshotSequencer }[] = [];
          const pool: Msg[] = [];
          const accepted = new Map<string, SnapshotNumber[]>(); // per node+doc, in order
          const storedSeqs = new Map<string, Set<number>>(); // per doc, by any node
          const committed: { docId: string; number: SnapshotNumber; ackers: number[] }[] = [];
          const learned: { docId: string; term: number; nextSeq: number }[] = [];
          const writes: Write[] = [];
          /** Issues whose leader's own write ended well (`node/term/doc/seq`): only those are announced. */
          const announced = new Set<string>();
          let term = 0;
          const announce = (node: number, docId: string, number: SnapshotNumber) => {
            if (!announced.has(`${node}/${number.term}/${docId}/${number.seq}`)) return;
            for (const to of members)
              if (to !== node) pool.push({ kind: 'announce', from: node, to, docId, number });
          };

          const store = (node: number, docId: string, num: SnapshotNumber) => {
            const key = `${node}/${docId}`;
            accepted.set(key, [...(accepted.get(key) ?? []), num]);
            storedSeqs.set(docId, (storedSeqs.get(docId) ?? new Set()).add(num.seq));
          };
          const onCommitted = (docId: string, number: SnapshotNumber, ackers: number[]) => {
            expect(ackers.length).toBeGreaterThanOrEqual(majority);
            // every acker counted has the number stored (durably) by now
            for (const a of ackers) {
              const mine = accepted.get(`${a}/${docId}`) ?? [];
              expect(mine.some((n) => n.term === number.term && n.seq === number.seq)).toBe(true);
            }
            committed.push({ docId, number, ackers });
          };

          for (const step of steps) {
            if (step.op === 'new-leader') {
              // the election guarantees one leader per term, elected by a majority that persisted the term
              term++;
              const node = members[step.node % n]!;
              const voters = [node, ...members.filter((m) => m !== node)].slice(0, majority);
              for (let i = step.voters % n, k = 0; k < n; k++, i = (i + 1) % n) {
                if (voters.length >= majority) break;
                if (!voters.includes(members[i]!)) voters.push(members[i]!);
              }
              for (const v of voters) fences.get(v)!.observeTerm(term);
              const seq = new SnapshotSequencer(node, members, fences.get(node)!);
              seq.lead(term);
              leaders.push({ node, term, seq });
            } else if (step.op === 'issue') {
              // any leader, including deposed ones that do not know it yet
              const l = leaders[step.leader % Math.max(1, leaders.length)];
              if (l === undefined) continue;
              const docId = `d${step.doc}`;
              const r = l.seq.issue(docId);
              if (r.status === 'learning') {
                for (const q of r.send)
                  for (const to of members)
                    if (to !== l.node) pool.push({ kind: 'query', from: l.node, to, docId, term: q.term });
              } else if (r.status === 'issued') {
                const number = r.number;
                const fence = fences.get(l.node)!;
                writes.push({
                  node: l.node,
                  docId,
                  number,
                  done: (ok) => {
                    if (!ok) {
                      fence.retract(docId, number);
                      l.seq.abandon(docId, number);
                      return;
                    }
                    const live = fence.stored(docId, number);
                    store(l.node, docId, number);
                    if (!live) {
                      // a newer term's query was answered meanwhile: never announced
                      l.seq.outdated(number);
                      return;
                    }
                    if (r.committed) onCommitted(docId, number, [l.node]);
                    announced.add(`${l.node}/${number.term}/${docId}/${number.seq}`);
                    announce(l.node, docId, number);
                  },
                });
              } else if (r.status === 'busy') {
                announce(l.node, docId, r.inFlight); // retransmit, once stored
              }
            } else if (step.op === 'write') {
              // a write that is the first still running for its node and document ends
              const heads = writes.filter(
                (w, i) => writes.findIndex((x) => x.node === w.node && x.docId === w.docId) === i,
              );
              const w = heads[step.pick % Math.max(1, heads.length)];
              if (w === undefined) continue;
              writes.splice(writes.indexOf(w), 1);
              w.done(step.ok);
            } else if (pool.length > 0) {
              const [m] = pool.splice(step.pick % pool.length, 1);
              if (step.op === 'drop' || m === undefined) continue;
              const fence = fences.get(m.to)!;
              if (m.kind === 'query') {
                const a = fence.answerQuery(m.docId, m.term);
                pool.push({
                  kind: 'answer',
                  from: m.to,
                  to: m.from,
                  docId: m.docId,
                  term: m.term,
                  highest: a.highest,
                });
              } else if (m.kind === 'announce') {
                const reply = (ok: boolean) =>
                  pool.push({
                    kind: 'reply',
                    from: m.to,
                    to: m.from,
                    docId: m.docId,
                    number: m.number,
                    ok,
                    promised: fence.promisedTerm,
                  });
                const again = fence.holds(m.docId, m.number);
                const v = again ? { ok: true } : fence.accept(m.docId, m.number);
                if (!v.ok || again) reply(v.ok);
                else
                  writes.push({
                    node: m.to,
                    docId: m.docId,
                    number: m.number,
                    done: (ok) => {
                      if (ok) {
                        const live = fence.stored(m.docId, m.number);
                        store(m.to, m.docId, m.number);
                        reply(live);
                      } else {
                        fence.retract(m.docId, m.number);
                        reply(false);
                      }
                    },
                  });
              } else {
                for (const l of leaders.filter((x) => x.node === m.to)) {
                  const events =
                    m.kind === 'answer'
                      ? l.seq.onQueryAnswer(m.from, m.docId, m.term, m.highest)
                      : l.seq.onAnnounceReply(m.from, m.docId, m.number, m.ok, m.promised);
                  for (const e of events) {
                    if (e.type === 'learned') learned.push(e);
                    if (e.type === 'committed') onCommitted(e.docId, e.number, e.ackers);
                  }
                }
              }
            }
          }

          stats.push(committed.length);
          // every node stored strictly increasing numbers per document
          for (const list of accepted.values()) {
            for (let i = 1; i < list.length; i++) {
              const a = list[i - 1]!;
              const b = list[i]!;
              expect(b.term > a.term || (b.term === a.term && b.seq > a.seq)).toBe(true);
            }
          }
          for (const docId of new Set(committed.map((c) => c.docId))) {
            // a reply may reach the leader late, so commits are compared by number, not arrival
            const mine = committed
              .filter((c) => c.docId === docId)
              .map((c) => c.number)
              .sort((a, b) => a.seq - b.seq);
            for (let i = 1; i < mine.length; i++) {
              // no seq committed twice, and terms never go back as seqs go up
              expect(mine[i]!.seq).toBeGreaterThan(mine[i - 1]!.seq);
              expect(mine[i]!.term).toBeGreaterThanOrEqual(mine[i - 1]!.term);
            }
            // fencing: a newer leader numbers above every snapshot an older term managed to commit
            for (const c of mine) {
              for (const l of learned) {
                if (l.docId === docId && l.term > c.term) expect(c.seq).toBeLessThan(l.nextSeq);
              }
            }
            // gap-free: every seq up to the last committed one was stored somewhere
            const top = mine.at(-1)!.seq;
            const seen = storedSeqs.get(docId)!;
            for (let s = 1; s <= top; s++) expect(seen.has(s)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    // the schedules must actually exercise commits (in a good share of runs)
    expect(stats.filter((c) => c > 0).length).toBeGreaterThan(RUNS / 4);
  });
});
