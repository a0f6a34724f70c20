/**
 * Writes-follow-reads across nodes, as a property over random schedules: four nodes forward
 * client writes to each other over FIFO links that drop and heal (losing what was in flight),
 * catch up on healing (untracked), and answer pulls from memory. Whatever the schedule, a node
 * never holds a write without every write its writer had when it wrote it; and once every link
 * is up and every message delivered, every node holds every write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CausalForwarding, type CausalMark, type CausalStamp } from '../../src/cluster/causal-forwarding.js';
import { ManualScheduler } from '../../src/time/scheduler.js';

type Msg =
  | { kind: 'fwd'; w: number; stamp: CausalStamp }
  | { kind: 'pull'; have: Set<number> }
  | { kind: 'fill'; ws: number[]; frontier: CausalMark[]; untracked: number[] };

type Step =
  | { t: 'write'; node: number }
  | { t: 'deliver'; from: number; to: number; n: number }
  | { t: 'cut'; a: number; b: number }
  | { t: 'isolate'; node: number }
  | { t: 'heal'; a: number; b: number }
  | { t: 'wait'; ms: number };

const NODES = [1, 2, 3, 4];
const DOC = 'd';

class Net {
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

  constructor(maxHeld: number, maxHeldBytes = 64 * 1024 * 1024) {
    for (const n of NODES) {
      this.mem.set(n, new Set());
      const peers = NODES.filter((p) => p !== n);
      this.cf.set(
        n,
        new CausalForwarding({
          self: n,
          peers,
          scheduler: this.scheduler,
          newEpoch: () => this.epoch++,
          pull: (peer) => this.send(n, peer, { kind: 'pull', have: new Set(this.memOf(n)) }),
          maxHeld,
          maxHeldBytes,
        }),
      );
      for (const p of peers) {
        this.queues.set(`${n}>${p}`, []);
        this.up.add(`${n}>${p}`);
      }
    }
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
    return w;
  }

  deliver(from: number, to: number): boolean {
    const m = this.queues.get(`${from}>${to}`)?.shift();
    if (m === undefined) return false;
    const mem = this.memOf(to);
    const cf = this.cfOf(to);
    if (m.kind === 'fwd') {
      if (cf.receive(from, DOC, m.stamp, 100, () => mem.add(m.w)) === 'held') this.holds++;
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

const pair = fc.tuple(fc.constantFrom(...NODES), fc.constantFrom(...NODES)).filter(([a, b]) => a !== b);

const step: fc.Arbitrary<Step> = fc.oneof(
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

function run(steps: readonly Step[], maxHeld: number, maxHeldBytes?: number): Net {
  const net = warmedUp(maxHeld, maxHeldBytes);
  for (const s of steps) {
    if (s.t === 'write') net.write(s.node);
    else if (s.t === 'deliver') for (let i = 0; i < s.n; i++) net.deliver(s.from, s.to);
    else if (s.t === 'cut') net.cut(s.a, s.b);
    else if (s.t === 'heal') net.heal(s.a, s.b);
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
function warmedUp(maxHeld = 4096, maxHeldBytes?: number): Net {
  const net = new Net(maxHeld, maxHeldBytes);
  // Fresh states owe every peer a pull, and answers pass part of that on: a few rounds of
  // writes settle it (every pull answered clears one mark; about one round per node).
  for (let round = 0; round < 8 && (round === 0 || net.marked()); round++) {
    for (const n of NODES) net.write(n);
    net.settle();
  }
  expect(net.marked()).toBe(false);
  expect(net.violations()).toEqual([]);
  return net;
}

describe('causal forwarding over random schedules', () => {
  it('never shows a write before what it follows, and converges once healed', () => {
    let holds = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 150 }), (steps) => {
        const net = run(steps, 4096);
        holds += net.holds;
        const all = new Set(net.deps.keys());
        for (const n of NODES) expect([...net.memOf(n)].sort((x, y) => x - y)).toEqual([...all]);
        for (const n of NODES) expect(net.cfOf(n).held).toBe(0);
      }),
      { numRuns: 300 },
    );
    expect(holds).toBeGreaterThan(100);
  });

  it('keeps the rule when forwards overflow the hold bound (dropped ones come back by pull)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 150 }), (steps) => {
        // Two forwards (of 100 bytes each) by count, or by bytes.
        const net = steps.length % 2 === 0 ? run(steps, 2) : run(steps, 4096, 250);
        const all = new Set(net.deps.keys());
        for (const n of NODES) expect([...net.memOf(n)].sort((x, y) => x - y)).toEqual([...all]);
      }),
      { numRuns: 200 },
    );
  });

  it('a schedule that needs the hold: node 3 gets B (which followed A) before A', () => {
    const net = warmedUp();
    const a = net.write(1); // A, forwarded to every peer
    net.deliver(1, 2); // node 2 holds A
    const b = net.write(2); // B follows A
    net.deliver(2, 3); // B reaches node 3 first
    expect(net.memOf(3).has(b)).toBe(false); // held
    expect(net.cfOf(3).held).toBe(1);
    net.deliver(1, 3); // A arrives: both delivered
    expect(net.memOf(3).has(a)).toBe(true);
    expect(net.memOf(3).has(b)).toBe(true);
    expect(net.cfOf(3).held).toBe(0);
    expect(net.violations()).toEqual([]);
  });

  it('pulls from the sender when what B follows does not come (link 1-3 cut)', () => {
    const net = warmedUp();
    net.cut(1, 3);
    const a = net.write(1); // A: reaches node 2 only
    net.deliver(1, 2);
    const b = net.write(2); // B follows A
    net.deliver(2, 3);
    expect(net.memOf(3).has(b)).toBe(false);
    net.scheduler.advance(49);
    expect(net.queues.get('3>2')).toEqual([]); // still waiting for A to arrive by itself
    net.scheduler.advance(1);
    expect(net.queues.get('3>2')?.[0]?.kind).toBe('pull');
    net.deliver(3, 2);
    net.deliver(2, 3); // the fill: A and B
    net.scheduler.advance(0); // its frontier counted once durable
    expect(net.memOf(3).has(a) && net.memOf(3).has(b)).toBe(true);
    expect(net.cfOf(3).held).toBe(0);
  });

  it('makes the receiver pull when the sender took in data by catch-up (outside any frontier)', () => {
    const net = warmedUp();
    net.cut(1, 2);
    net.cut(1, 3);
    const a = net.write(1); // A: lost on both links
    net.heal(1, 3); // catch-up: node 3 takes A in, untracked
    const c = net.write(3); // C follows A
    expect(net.queues.get('3>2')?.[0]).toMatchObject({ kind: 'fwd', stamp: { pull: true } });
    net.deliver(3, 2);
    expect(net.memOf(2).has(c)).toBe(false);
    net.scheduler.advance(0);
    net.deliver(2, 3); // the pull
    net.deliver(3, 2); // the fill: A and C
    net.scheduler.advance(0);
    expect(net.memOf(2).has(a)).toBe(true);
    expect(net.memOf(2).has(c)).toBe(true);
    expect(net.violations()).toEqual([]);
    // Answering node 2's pull cleared node 3's mark toward it: the next forward is plain.
    net.write(3);
    expect(net.queues.get('3>2')?.[0]).toMatchObject({ kind: 'fwd', stamp: { pull: false } });
  });

  it('passes on who may lack what a fill carried outside the frontier (four nodes)', () => {
    const net = warmedUp();
    const y = net.write(4);
    net.deliver(4, 2);
    net.write(2); // S follows Y; node 3 lacks Y, so S waits there
    net.deliver(2, 4);
    net.deliver(2, 3);
    expect(net.cfOf(3).held).toBe(1);
    for (const p of [2, 3, 4]) net.cut(1, p);
    const u = net.write(1); // U: lost on every link
    net.heal(1, 2); // node 2 takes U in by catch-up, after its last forward
    net.scheduler.advance(50); // node 3 gives up waiting for Y and pulls from node 2
    net.deliver(3, 2);
    net.deliver(2, 3);
    net.scheduler.advance(0);
    expect(net.memOf(3).has(u) && net.memOf(3).has(y)).toBe(true);
    const d = net.write(3); // D follows U; node 4 lacks U, though it has every forward D's stamp names
    expect(net.memOf(4).has(u)).toBe(false);
    expect(net.queues.get('3>4')?.at(-1)).toMatchObject({ kind: 'fwd', w: d, stamp: { pull: true } });
    while (net.deliver(3, 4)) {}
    expect(net.memOf(4).has(d)).toBe(false);
    expect(net.violations()).toEqual([]);
  });

  it('a forward that arrives after a fill still waits for what the fill lacked', () => {
    const net = warmedUp();
    net.write(4); // Y
    net.deliver(4, 2);
    net.write(2); // S follows Y
    net.deliver(2, 3); // held at node 3 (no Y)
    net.scheduler.advance(50);
    net.deliver(3, 2); // node 3's pull, answered: the fill is queued to node 3
    const w = net.write(4); // W, reaching node 2 but not node 3
    net.deliver(4, 2);
    const m = net.write(2); // M follows W, queued behind the fill
    net.deliver(2, 3); // the fill arrives: S is released
    expect(net.cfOf(3).held).toBe(0);
    net.deliver(2, 3); // M arrives after it
    expect(net.memOf(3).has(m)).toBe(false); // the fill did not hold W: M waits
    expect(net.memOf(3).has(w)).toBe(false);
    expect(net.violations()).toEqual([]);
  });
});
