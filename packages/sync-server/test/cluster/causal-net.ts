/**
 * A simulated network for the causal forwarding property tests: four full nodes (each a
 * {@link CausalForwarding} and the set of writes it holds) over FIFO links that drop and heal
 * (losing what was in flight), catch-up on healing (untracked data), pulls answered from memory,
 * and optionally a witness (node 5) that logs the stamped forwards it receives and hands them to
 * full nodes as a real witness does (see `WitnessIntake`). A node may restart: its causal state is
 * lost with its links, its data kept (a node that holds nothing says so, as a relay does when it
 * loads an empty document).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  CausalForwarding,
  type CausalMark,
  type CausalStamp,
  type EntryVerdict,
} from '../../src/cluster/causal-forwarding.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

export type Msg =
  | { kind: 'fwd'; w: number; stamp: CausalStamp }
  | { kind: 'pull'; have: Set<number> }
  | { kind: 'fill'; ws: number[]; frontier: CausalMark[]; untracked: number[] };

export type Step =
  | { t: 'write'; node: number }
  | { t: 'deliver'; from: number; to: number; n: number }
  | { t: 'cut'; a: number; b: number }
  | { t: 'isolate'; node: number }
  | { t: 'heal'; a: number; b: number }
  | { t: 'restart'; node: number }
  | { t: 'wait'; ms: number };

export const NODES = [1, 2, 3, 4];
const DOC = 'd';
/** The witness's id. */
export const WITNESS = 5;

/** A forward the witness logged. */
export interface Logged {
  readonly origin: number;
  readonly stamp: CausalStamp;
  readonly w: number;
}

export class Net {
  readonly scheduler = new ManualScheduler();
  readonly mem = new Map<number, Set<number>>();
  readonly cf = new Map<number, CausalForwarding>();
  /** Every write's dependencies: what its node held when it was written. */
  readonly deps = new Map<number, Set<number>>();
  readonly queues = new Map<string, Msg[]>();
  readonly up = new Set<string>();
  /** Forwards that had to wait (the schedules must exercise the rule, not only pass it). */
  holds = 0;
  private nextWrite = 1;
  private epoch = 1;

  /** The witness's log, in arrival order (null: no witness). */
  readonly wlog: Logged[] | null;
  /** Offers with at least one blocked entry (the schedules must exercise the rule). */
  blockedOffers = 0;
  /** Forwards taken in at once as the first of their sender's epoch (see `heldNothing`). */
  firstTaken = 0;

  /** Every write the witness ever logged (it counts toward W). */
  readonly wEver = new Set<number>();
  /** Witness entries taken in while an acknowledged write they follow was missing. */
  readonly ackedOvertaken: string[] = [];

  /**
   * With `linkAware`, each node's causal forwarding sees which links are up (as a real node
   * does): what a node that is down had is then waited for only until every peer that is up
   * answered, and only acknowledged writes are checked at hand-over ({@link ackedOvertaken}).
   */
  /**
   * With `bornEmpty`, every node starts saying it holds nothing of the document (as a relay does
   * when it loads a document no node has stored yet): no node then owes a pull before its first
   * forwards.
   */
  constructor(
    private readonly maxHeld: number,
    private readonly maxHeldBytes = 64 * 1024 * 1024,
    witness = false,
    private readonly linkAware = false,
    bornEmpty = false,
  ) {
    this.wlog = witness ? [] : null;
    for (const n of NODES) {
      this.mem.set(n, new Set());
      const peers = NODES.filter((p) => p !== n);
      this.cf.set(n, this.newCausal(n));
      if (bornEmpty) this.cfOf(n).heldNothing(DOC);
      for (const p of witness ? [...peers, WITNESS] : peers) {
        this.queues.set(`${n}>${p}`, []);
        this.up.add(`${n}>${p}`);
        if (p === WITNESS) this.up.add(`${p}>${n}`);
      }
    }
  }

  private newCausal(n: number): CausalForwarding {
    return new CausalForwarding({
      self: n,
      peers: NODES.filter((p) => p !== n),
      scheduler: this.scheduler,
      newEpoch: () => this.epoch++,
      pull: (peer) => this.send(n, peer, { kind: 'pull', have: new Set(this.memOf(n)) }),
      maxHeld: this.maxHeld,
      maxHeldBytes: this.maxHeldBytes,
      // 4 full + 1 witness: W = 3, pruneAt 2 (the model's prune), so 3 full replicas.
      ...(this.linkAware
        ? { isUp: (p: number) => this.up.has(`${n}>${p}`) && this.up.has(`${p}>${n}`), handoverQuorum: 3 }
        : {}),
    });
  }

  /**
   * Node `n` restarts: its links drop (what was in flight is lost), its causal state starts
   * afresh, its data stays. Holding nothing, it says so, as a relay loading an empty document does.
   */
  restart(n: number): void {
    for (const p of NODES) if (p !== n) this.cut(n, p);
    this.cf.get(n)?.stop();
    this.cf.set(n, this.newCausal(n));
    if (this.memOf(n).size === 0) this.cfOf(n).heldNothing(DOC);
  }

  memOf(n: number): Set<number> {
    return this.mem.get(n) as Set<number>;
  }

  cfOf(n: number): CausalForwarding {
    return this.cf.get(n) as CausalForwarding;
  }

  send(from: number, to: number, m: Msg): void {
    const k = `${from}>${to}`;
    if (this.up.has(k)) this.queues.get(k)?.push(m);
  }

  /** A client of node `n` writes, having read everything `n` holds: returns the write's id. */
  write(n: number): number {
    const w = this.nextWrite++;
    this.deps.set(w, new Set(this.memOf(n)));
    this.memOf(n).add(w);
    const base = this.cfOf(n).stamp(DOC);
    for (const p of NODES)
      if (p !== n)
        this.send(n, p, { kind: 'fwd', w, stamp: { ...base, pull: this.cfOf(n).mustPull(DOC, p) } });
    if (this.wlog !== null)
      this.send(n, WITNESS, { kind: 'fwd', w, stamp: { ...base, pull: this.cfOf(n).mustPullAny(DOC) } });
    return w;
  }

  deliver(from: number, to: number): boolean {
    const m = this.queues.get(`${from}>${to}`)?.shift();
    if (m === undefined) return false;
    if (to === WITNESS) {
      if (m.kind === 'fwd') {
        this.wlog?.push({ origin: from, stamp: m.stamp, w: m.w });
        this.wEver.add(m.w);
      }
      return true;
    }
    const mem = this.memOf(to);
    const cf = this.cfOf(to);
    if (m.kind === 'fwd') {
      const outcome = cf.receive(from, DOC, m.stamp, 100, () => mem.add(m.w));
      if (outcome === 'held') this.holds++;
      else if (outcome === 'delivered' && m.stamp.seq === 1) this.firstTaken++;
    } else if (m.kind === 'pull') {
      const ws = [...this.memOf(to)].filter((w) => !m.have.has(w));
      const { frontier, untracked } = cf.answer(from, DOC);
      this.send(to, from, { kind: 'fill', ws, frontier, untracked });
    } else {
      for (const w of m.ws) mem.add(w);
      cf.filled(from, DOC, m.frontier, m.untracked);
    }
    return true;
  }

  cut(a: number, b: number): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      this.up.delete(`${x}>${y}`);
      this.queues.set(`${x}>${y}`, []);
      this.cfOf(y).peerDown(x);
    }
  }

  heal(a: number, b: number): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      if (this.up.has(`${x}>${y}`)) continue;
      this.up.add(`${x}>${y}`);
      // Catch-up: y takes in what x holds, outside any frontier.
      const mem = this.memOf(y);
      const lacking = [...this.memOf(x)].filter((w) => !mem.has(w));
      if (lacking.length > 0) {
        this.cfOf(y).untracked(DOC);
        for (const w of lacking) mem.add(w);
      }
    }
  }

  /**
   * The witness hands its log to node `n` (when their link is up), as `WitnessIntake` does with a
   * probe: the entries `assess` finds ready are taken in and counted, the present ones counted.
   */
  offer(n: number): void {
    const log = this.wlog;
    if (log === null || !this.up.has(`${WITNESS}>${n}`) || log.length === 0) return;
    const mem = this.memOf(n);
    const cf = this.cfOf(n);
    const verdicts: EntryVerdict[] = cf.assess(DOC, log, (i) => mem.has((log[i] as Logged).w));
    let applied = false;
    for (let i = 0; i < log.length; i++) {
      const e = log[i] as Logged;
      if (verdicts[i] === 'blocked') continue;
      if (verdicts[i] === 'ready') {
        mem.add(e.w);
        applied = true;
      }
      cf.commitEntry(DOC, e);
    }
    if (applied) cf.untracked(DOC);
    if (verdicts.includes('blocked')) this.blockedOffers++;
    for (let i = 0; i < log.length; i++) {
      const e = log[i] as Logged;
      if (verdicts[i] !== 'ready') continue;
      for (const dep of this.deps.get(e.w) ?? [])
        if (!mem.has(dep) && this.acked(dep))
          this.ackedOvertaken.push(`node ${n} took ${e.w} without acked ${dep}`);
    }
  }

  /** Whether write `w` is acknowledged: held by W = 3 of the 5 nodes (the witness counts). */
  acked(w: number): boolean {
    return NODES.filter((n) => this.memOf(n).has(w)).length + (this.wEver.has(w) ? 1 : 0) >= 3;
  }

  /** The witness drops what `pruneAt` full nodes hold (as their confirmations would let it). */
  prune(pruneAt: number): void {
    const log = this.wlog;
    if (log === null) return;
    const kept = log.filter((e) => NODES.filter((n) => this.memOf(n).has(e.w)).length < pruneAt);
    log.splice(0, log.length, ...kept);
  }

  /** Cut or heal the links between node `n` and the witness. */
  witnessLink(n: number, up: boolean): void {
    for (const k of [`${n}>${WITNESS}`, `${WITNESS}>${n}`]) {
      if (up) this.up.add(k);
      else {
        this.up.delete(k);
        this.queues.set(k, []);
      }
    }
  }

  /** Whether some node still owes some peer a pull. */
  marked(): boolean {
    return NODES.some((n) => NODES.some((p) => p !== n && this.cfOf(n).mustPull(DOC, p)));
  }

  /** Every node holds every dependency of every write it holds. */
  violations(): string[] {
    const out: string[] = [];
    for (const n of NODES)
      for (const w of this.memOf(n))
        for (const dep of this.deps.get(w) ?? [])
          if (!this.memOf(n).has(dep)) out.push(`node ${n} holds ${w} without ${dep}`);
    return out;
  }

  settle(): void {
    for (let round = 0; round < 200; round++) {
      let moved = false;
      for (const a of NODES) for (const b of NODES) if (a !== b) while (this.deliver(a, b)) moved = true;
      if (this.scheduler.pending > 0) {
        this.scheduler.advance(1000);
        moved = true;
      }
      if (!moved) return;
    }
  }
}

export const pair = fc
  .tuple(fc.constantFrom(...NODES), fc.constantFrom(...NODES))
  .filter(([a, b]) => a !== b);

export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NODES).map((node) => ({ t: 'write' as const, node })) },
  {
    weight: 8,
    arbitrary: fc
      .tuple(pair, fc.integer({ min: 1, max: 3 }))
      .map(([[from, to], n]) => ({ t: 'deliver' as const, from, to, n })),
  },
  { weight: 2, arbitrary: pair.map(([a, b]) => ({ t: 'cut' as const, a, b })) },
  { weight: 2, arbitrary: pair.map(([a, b]) => ({ t: 'heal' as const, a, b })) },
  { weight: 1, arbitrary: fc.constantFrom(...NODES).map((node) => ({ t: 'isolate' as const, node })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 1500 }))
      .map((ms) => ({ t: 'wait' as const, ms })),
  },
);

/** Every node holds every write made (a settled, healed run converged). */
export function expectEveryWriteEverywhere(net: Net): void {
  const all = [...net.deps.keys()];
  for (const n of NODES) expect([...net.memOf(n)].sort((x, y) => x - y)).toEqual(all);
}

/** {@link step}, and now and then a node restarting. */
export const stepOrRestart: fc.Arbitrary<Step> = fc.oneof(
  { weight: 19, arbitrary: step },
  { weight: 1, arbitrary: fc.constantFrom(...NODES).map((node) => ({ t: 'restart' as const, node })) },
);

export function run(steps: readonly Step[], maxHeld: number, maxHeldBytes?: number, fresh?: Net): Net {
  const net = fresh ?? warmedUp(maxHeld, maxHeldBytes);
  for (const s of steps) {
    if (s.t === 'write') net.write(s.node);
    else if (s.t === 'deliver') for (let i = 0; i < s.n; i++) net.deliver(s.from, s.to);
    else if (s.t === 'cut') net.cut(s.a, s.b);
    else if (s.t === 'heal') net.heal(s.a, s.b);
    else if (s.t === 'restart') net.restart(s.node);
    else if (s.t === 'isolate') {
      for (const p of NODES) if (p !== s.node) net.cut(s.node, p);
    } else net.scheduler.advance(s.ms);
    expect(net.violations()).toEqual([]);
  }
  for (const a of NODES) for (const b of NODES) if (a < b) net.heal(a, b);
  net.settle();
  expect(net.violations()).toEqual([]);
  return net;
}

/** Every node wrote once and everything settled: each knows the others' epochs, nothing is untracked. */
export function warmedUp(maxHeld = 4096, maxHeldBytes?: number, witness = false, linkAware = false): Net {
  const net = new Net(maxHeld, maxHeldBytes, witness, linkAware);
  // Fresh states owe every peer a pull, and answers pass part of that on: a few rounds of
  // writes settle it (every pull answered clears one mark; about one round per node).
  for (let round = 0; round < 8 && (round === 0 || net.marked()); round++) {
    for (const n of NODES) net.write(n);
    net.settle();
  }
  expect(net.marked()).toBe(false);
  expect(net.violations()).toEqual([]);
  // The witness logged the warm-up's writes too; every full node holds them: dropped.
  for (const n of NODES) while (net.deliver(n, WITNESS)) {}
  net.prune(1);
  expect(net.wlog ?? []).toEqual([]);
  return net;
}
