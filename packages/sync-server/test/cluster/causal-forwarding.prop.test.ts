/**
 * Writes-follow-reads across nodes, as a property over random schedules: four nodes forward
 * client writes to each other over FIFO links that drop and heal (losing what was in flight),
 * catch up on healing (untracked), and answer pulls from memory. Whatever the schedule, a node
 * never holds a write without every write its writer had when it wrote it; and once every link
 * is up and every message delivered, every node holds every write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectEveryWriteEverywhere, Net, NODES, run, step, stepOrRestart, warmedUp } from './causal-net.js';

describe('causal forwarding over random schedules', () => {
  it('never shows a write before what it follows, and converges once healed', () => {
    let holds = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 150 }), (steps) => {
        const net = run(steps, 4096);
        holds += net.holds;
        expectEveryWriteEverywhere(net);
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
        expectEveryWriteEverywhere(net);
      }),
      { numRuns: 200 },
    );
  });

  it('forwards dropped over the bound while a pull to their sender is out send no more pulls; its answer brings them', () => {
    const net = warmedUp(1);
    net.cut(1, 3);
    const a = net.write(1); // A reaches node 2 only
    net.deliver(1, 2);
    const b = net.write(2); // B follows A: node 3 holds it (the bound: one forward)
    net.deliver(2, 3);
    net.scheduler.advance(50); // the pull for B goes out
    expect(net.queues.get('3>2')?.map((m) => m.kind)).toEqual(['pull']);
    const more = [net.write(2), net.write(2), net.write(2)];
    for (let i = 0; i < 3; i++) {
      net.deliver(2, 3); // over the bound: dropped, each in a turn of its own
      net.scheduler.advance(0);
    }
    expect(net.cfOf(3).held).toBe(1);
    // Still the one pull: its answer holds what was dropped.
    expect(net.queues.get('3>2')?.map((m) => m.kind)).toEqual(['pull']);
    net.deliver(3, 2);
    net.deliver(2, 3); // the answer: A, B and the dropped three
    net.scheduler.advance(0);
    for (const w of [a, b, ...more]) expect(net.memOf(3).has(w)).toBe(true);
    expect(net.cfOf(3).held).toBe(0);
    net.scheduler.advance(5000);
    expect(net.queues.get('3>2')).toEqual([]); // nothing owed: no retry
    expect(net.violations()).toEqual([]);
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

describe('documents no node held data of', () => {
  it('need no pull before their first forwards, and keep the rule over random schedules with restarts', () => {
    let firstTaken = 0;
    let holds = 0;
    fc.assert(
      fc.property(fc.array(stepOrRestart, { minLength: 30, maxLength: 150 }), (steps) => {
        const net = run(steps, 4096, undefined, new Net(4096, undefined, false, false, true));
        firstTaken += net.firstTaken;
        holds += net.holds;
        expectEveryWriteEverywhere(net);
        for (const n of NODES) expect(net.cfOf(n).held).toBe(0);
      }),
      { numRuns: 300 },
    );
    // The schedules exercise both the new rule and the hold.
    expect(firstTaken).toBeGreaterThan(100);
    expect(holds).toBeGreaterThan(100);
  });

  it('a new document: first forwards taken in at once, one that follows another waits for it, no pull at all', () => {
    const net = new Net(4096, undefined, false, false, true);
    expect(net.marked()).toBe(false);
    const a = net.write(1);
    expect(net.queues.get('1>2')?.[0]).toMatchObject({ kind: 'fwd', stamp: { seq: 1, pull: false } });
    net.deliver(1, 2);
    expect(net.memOf(2).has(a)).toBe(true); // the first of node 1's epoch: nothing to wait for
    const b = net.write(2); // B follows A: its stamp names node 1's first forward
    net.deliver(2, 3);
    expect(net.memOf(3).has(b)).toBe(false); // held until A is here
    net.deliver(1, 3);
    expect(net.memOf(3).has(a) && net.memOf(3).has(b)).toBe(true);
    net.settle();
    for (const [link, q] of net.queues) expect(q, link).toEqual([]);
    expect(net.violations()).toEqual([]);
    // Settled without a single pull: every message sent was a forward.
    expect(net.firstTaken).toBeGreaterThan(0);
  });

  it('a node that restarts holding data asks its peers to pull first', () => {
    const net = new Net(4096, undefined, false, false, true);
    const a = net.write(1);
    net.settle();
    net.restart(2); // holds A: a fresh state owes every peer a pull
    for (const p of NODES) if (p !== 2) net.heal(2, p);
    const c = net.write(2);
    expect(net.queues.get('2>3')?.[0]).toMatchObject({ kind: 'fwd', stamp: { seq: 1, pull: true } });
    net.deliver(2, 3);
    expect(net.memOf(3).has(c)).toBe(false);
    net.scheduler.advance(0);
    expect(net.queues.get('3>2')?.[0]?.kind).toBe('pull');
    net.settle();
    expect(net.memOf(3).has(a) && net.memOf(3).has(c)).toBe(true);
    expect(net.violations()).toEqual([]);
  });

  it('a tracked document keeps its marks when its node later says it holds nothing', () => {
    const net = new Net(4096);
    const cf = net.cfOf(1);
    cf.stamp('other'); // tracked, owing every peer a pull
    cf.heldNothing('other');
    expect(cf.mustPull('other', 2)).toBe(true);
    cf.heldNothing('fresh');
    expect(cf.mustPull('fresh', 2)).toBe(false);
  });

  it('the first forward of a new epoch waits when an earlier epoch of its sender is counted', () => {
    const net = new Net(4096);
    const cf = net.cfOf(1);
    const taken: number[] = [];
    const stamp = (epoch: number, seq: number) => ({ epoch, seq, deps: [], pull: false });
    expect(cf.receive(2, 'x', stamp(100, 1), 10, () => taken.push(1))).toBe('delivered');
    expect(cf.receive(2, 'x', stamp(100, 2), 10, () => taken.push(2))).toBe('delivered');
    // Node 2's state of 'x' started again: whatever it had before is not described by this one.
    expect(cf.receive(2, 'x', stamp(101, 1), 10, () => taken.push(3))).toBe('held');
    expect(cf.receive(2, 'x', stamp(101, 2), 10, () => taken.push(4))).toBe('held');
    expect(taken).toEqual([1, 2]);
    // A second forward of a first epoch is no first forward.
    expect(cf.receive(3, 'x', stamp(200, 2), 10, () => taken.push(5))).toBe('held');
  });
});
