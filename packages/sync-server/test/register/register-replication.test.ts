import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../src/election/types.js';
import type { RegisterMessage } from '../../src/register/register-messages.js';
import { RegisterReplication } from '../../src/register/register-replication.js';
import type { CasRequest } from '../../src/register/register-state.js';
import { RegisterStore } from '../../src/register/register-store.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

/** Three register nodes on an in-memory network with virtual time; links can be cut. */
class Sim {
  readonly scheduler = new ManualScheduler();
  readonly nodes = new Map<
    NodeId,
    { rep: RegisterReplication; store: RegisterStore; view: { term: number; leader: NodeId | null } }
  >();
  /** Nodes whose messages (both ways) are dropped. */
  readonly cut = new Set<NodeId>();
  sent = 0;
  /** The election's read lease as the register sees it: whether the leader holds one, reads noted. */
  readonly lease = { held: false, noted: 0 };

  constructor(members: NodeId[] = [1, 2, 3]) {
    for (const id of members) {
      const meta = new Map<string, string>();
      const store = new RegisterStore({
        getMeta: (k) => meta.get(k),
        setMeta: (k, v) => void meta.set(k, v),
      });
      const view = { term: 1, leader: 1 as NodeId | null };
      const rep = new RegisterReplication({
        nodeId: id,
        members,
        store,
        send: (to, m) => this.deliver(id, to, m),
        setTimer: (ms, fn) => this.scheduler.setTimer(ms, fn),
        election: () => ({ term: view.term, leader: view.leader, isLeader: view.leader === id }),
        roundTimeoutMs: 100,
        readLease: {
          noteRead: () => {
            this.lease.noted++;
          },
          holds: (term) => this.lease.held && view.leader === id && view.term === term,
        },
      });
      this.nodes.set(id, { rep, store, view });
    }
  }

  node(id: NodeId) {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** Every node (but those in `except`) sees `leader` in `term`. */
  elect(leader: NodeId, term: number, except: NodeId[] = []): void {
    for (const [id, n] of this.nodes) {
      if (except.includes(id)) continue;
      n.view.term = term;
      n.view.leader = leader;
      n.rep.reset();
    }
  }

  private deliver(from: NodeId, to: NodeId, m: RegisterMessage): void {
    if (this.cut.has(from) || this.cut.has(to)) return;
    this.sent++;
    queueMicrotask(() => {
      if (!this.cut.has(from) && !this.cut.has(to)) this.node(to).rep.onMessage(from, m);
    });
  }

  /** Run `cas` at `at` to completion, advancing virtual time for timeouts. */
  async cas(at: NodeId, req: CasRequest, docId = 'd') {
    let done = false;
    const p = this.node(at)
      .rep.cas(docId, req)
      .finally(() => {
        done = true;
      });
    for (let i = 0; i < 200 && !done; i++) {
      await new Promise((r) => setImmediate(r));
      if (!done && i % 10 === 9) this.scheduler.advance(100);
    }
    return p;
  }

  value(id: NodeId, key = 'k', docId = 'd') {
    return this.node(id)
      .store.load(docId)
      .find((e) => e.key === key)?.record.value;
  }
}

const op = (
  opId: string,
  expected: CasRequest['expected'],
  next: CasRequest['next'],
  key = 'k',
): CasRequest => ({
  opId,
  key,
  expected,
  next,
});

describe('RegisterReplication', () => {
  it('a lock taken once: the first cas wins, the second reads the winner, all nodes store it', async () => {
    const sim = new Sim();
    expect(await sim.cas(1, op('a', null, 'alice'))).toEqual({ status: 'done', ok: true, value: 'alice' });
    expect(await sim.cas(1, op('b', null, 'bob'))).toEqual({ status: 'done', ok: false, value: 'alice' });
    // the leader answered after a majority stored it; the third node gets it too
    expect([sim.value(1), sim.value(2), sim.value(3)]).toEqual(['alice', 'alice', 'alice']);
  });

  it('concurrent cas on one document are serialised: exactly one of them wins', async () => {
    const sim = new Sim();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((who) => sim.cas(1, op(who, null, who))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = results.find((r) => r.ok)?.value;
    for (const r of results) expect(r).toMatchObject({ status: 'done', value: winner });
  });

  it('a follower forwards to the leader', async () => {
    const sim = new Sim();
    expect(await sim.cas(2, op('a', null, 'x'))).toEqual({ status: 'done', ok: true, value: 'x' });
    expect(sim.value(1)).toBe('x');
  });

  it('without a leader, a follower answers retry', async () => {
    const sim = new Sim();
    sim.elect(1, 1);
    sim.node(2).view.leader = null;
    expect(await sim.cas(2, op('a', null, 'x'))).toMatchObject({ status: 'retry' });
  });

  it('a leader cut off from the majority answers neither a write nor a read', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 'x'));
    sim.cut.add(2);
    sim.cut.add(3);
    expect((await sim.cas(1, op('b', 'x', 'y'))).status).toBe('unknown');
    // a read needs a majority confirmation too: no stale answer
    expect((await sim.cas(1, op('c', 'zz', 'zz'))).status).toBe('retry');
  });

  it('under a read lease a read is answered without a round; without one it takes a round', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 'x'));
    // no lease: the read costs a confirmation round (two messages per peer) and asks for a lease
    let before = sim.sent;
    expect(await sim.cas(1, op('r1', 'zz', 'zz'))).toEqual({ status: 'done', ok: false, value: 'x' });
    expect(sim.sent - before).toBe(4);
    expect(sim.lease.noted).toBe(1);
    // a lease held: answered locally, not a message sent, even with every peer cut off
    sim.lease.held = true;
    sim.cut.add(2);
    sim.cut.add(3);
    before = sim.sent;
    expect(await sim.cas(1, op('r2', 'zz', 'zz'))).toEqual({ status: 'done', ok: false, value: 'x' });
    expect(sim.sent).toBe(before);
    expect(sim.node(1).rep.readStats()).toEqual({ lease: 1, confirmed: 1 });
    // a write still needs its majority, lease or not
    expect((await sim.cas(1, op('w', 'x', 'y'))).status).toBe('unknown');
  });

  it('a lease of an older term answers nothing once the node no longer leads that term', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 'x'));
    sim.lease.held = true;
    sim.elect(2, 2);
    // node 1 follows 2 now: it forwards; node 2 (no lease of its own here) takes over first
    sim.lease.held = false;
    expect(await sim.cas(1, op('r', 'zz', 'zz'))).toEqual({ status: 'done', ok: false, value: 'x' });
    expect(sim.node(1).rep.readStats()).toEqual({ lease: 0, confirmed: 0 });
    expect(sim.node(2).rep.readStats()).toEqual({ lease: 0, confirmed: 1 });
  });

  it('a new leader adopts a write the old one left on a minority, and writes it back', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 'x'));
    sim.cut.add(2);
    sim.cut.add(3);
    expect((await sim.cas(1, op('b', 'x', 'y'))).status).toBe('unknown'); // only node 1 stores 'y'
    expect([sim.value(1), sim.value(2), sim.value(3)]).toEqual(['y', 'x', 'x']);
    sim.cut.clear();
    sim.cut.add(2); // the new leader 3 reaches 1: its take-over must adopt 'y'
    sim.elect(3, 2);
    expect(await sim.cas(3, op('c', 'zz', 'zz'))).toEqual({ status: 'done', ok: false, value: 'y' });
    sim.cut.clear();
    sim.cut.add(1); // 'y' was written back under term 2: node 3 and (after a write) node 2 agree
    expect(await sim.cas(3, op('d', 'y', 'z'))).toEqual({ status: 'done', ok: true, value: 'z' });
    expect([sim.value(2), sim.value(3)]).toEqual(['z', 'z']);
  });

  it('a retried operation is applied once, also after a failover', async () => {
    const sim = new Sim();
    expect(await sim.cas(1, op('a', null, 'x'))).toMatchObject({ ok: true });
    expect(await sim.cas(1, op('a', null, 'x'))).toEqual({ status: 'done', ok: true, value: 'x' });
    sim.elect(2, 2);
    expect(await sim.cas(2, op('a', null, 'x'))).toEqual({ status: 'done', ok: true, value: 'x' });
    expect(await sim.cas(2, op('b', null, 'x'))).toEqual({ status: 'done', ok: false, value: 'x' });
  });

  it('a stale leader cannot complete a cas once the others moved to a newer term', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 'x'));
    sim.elect(2, 2, [1]); // node 1 (paused) still believes it leads term 1
    const stale = await sim.cas(1, op('b', 'x', 'stale'));
    expect(stale.status).toBe('unknown'); // fenced by nodes 2 and 3; only node 1 stored it
    expect([sim.value(2), sim.value(3)]).toEqual(['x', 'x']);
    sim.cut.add(1); // paused again while the new leader works
    expect(await sim.cas(2, op('c', 'x', 'fresh'))).toEqual({ status: 'done', ok: true, value: 'fresh' });
    sim.cut.clear();
    // resumed, node 1 still believes it leads term 1: fenced by the others, nothing changes
    expect((await sim.cas(1, op('d', 'fresh', 'stale2'))).status).not.toBe('done');
    expect([sim.value(2), sim.value(3)]).toEqual(['fresh', 'fresh']);
    // once it hears the new leader it forwards instead; the new leader's write reaches it too
    sim.elect(2, 2);
    expect(await sim.cas(1, op('e', 'fresh', 'f2'))).toEqual({ status: 'done', ok: true, value: 'f2' });
    expect(sim.node(1).store.promise()).toBe(2);
  });

  it('an indeterminate write of a stale leader is either adopted by the next leader or lost', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 'x'));
    sim.elect(2, 2, [1]);
    expect((await sim.cas(1, op('b', 'x', 'stale'))).status).toBe('unknown');
    sim.elect(2, 2); // node 1 hears the new leader
    // the new leader's take-over asks node 1 first: it sees the higher version and adopts it
    const read = await sim.cas(2, op('c', 'zz', 'zz'));
    expect(read).toEqual({ status: 'done', ok: false, value: 'stale' });
  });

  it('keys of one document and documents are independent', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 1, 'k1'));
    await sim.cas(1, op('b', null, 2, 'k2'), 'other');
    expect(await sim.cas(1, op('c', null, 3, 'k2'))).toMatchObject({ ok: true, value: 3 });
    expect(sim.value(2, 'k1')).toBe(1);
    expect(sim.value(2, 'k2', 'other')).toBe(2);
  });
});

describe('RegisterReplication fences', () => {
  it('a peer that is not the leader of the current term cannot raise the promise or write', async () => {
    const sim = new Sim();
    await sim.cas(1, op('a', null, 'x'));
    const replies: RegisterMessage[] = [];
    const node2 = sim.node(2);
    // node 3 (not the leader) sends a write of a far future term straight to node 2
    const rogue = new RegisterReplication({
      nodeId: 3,
      members: [1, 2, 3],
      store: node2.store,
      send: (_to, m) => replies.push(m),
      setTimer: (ms, fn) => sim.scheduler.setTimer(ms, fn),
      election: () => ({ term: 1, leader: 1, isLeader: false }),
      roundTimeoutMs: 100,
    });
    void rogue;
    node2.rep.onMessage(3, {
      type: 'register-write',
      docId: 'd',
      term: 1_000_000,
      reqId: 1,
      records: [{ key: 'k', record: { value: 'evil', term: 1_000_000, seq: 1, ops: [] } }],
    });
    node2.rep.onMessage(3, { type: 'register-prepare', docId: 'd', term: 1, reqId: 2 });
    await new Promise((r) => setImmediate(r));
    expect(node2.store.promise()).toBe(1);
    expect(sim.value(2)).toBe('x');
    // the real leader goes on serving
    expect(await sim.cas(1, op('b', 'x', 'y'))).toEqual({ status: 'done', ok: true, value: 'y' });
  });
});
