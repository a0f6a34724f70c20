/**
 * Shared fast-check arbitraries and harnesses for the state-based CRDT tests: random replica
 * histories (local ops and pairwise merges) whose causal pasts are tracked, so semantic tests can
 * compare each replica against a sequential model of exactly the ops it has seen.
 */

import type { Timestamp } from '@accord/core/crdts';
import {
  GCounter,
  GSet,
  type JsonValue,
  jsonCodec,
  LWWMap,
  LWWRegister,
  MVRegister,
  numberCodec,
  ORMap,
  ORSet,
  PNCounter,
  type StateCrdt,
  stringCodec,
  TwoPSet,
} from '@accord/core/crdts';
import fc from 'fast-check';

/** A state-based type under test: how to build replicas, mutate them and decode them. */
export interface Harness<S extends StateCrdt<S, unknown>, Op> {
  name: string;
  /** Random local operations. */
  op: fc.Arbitrary<Op>;
  /** Fresh replicas with ids `ids` (and fresh fake wall clocks where needed). */
  setup(ids: readonly number[]): Replicas<S, Op>;
  /** Decode an encoding for local replica `replica`. */
  decode(bytes: Uint8Array, replica: number): S;
}

/** Replicas of one history; `apply` mutates replica `i` and returns what the model needs to know. */
export interface Replicas<S, Op> {
  states: S[];
  apply(i: number, op: Op): unknown;
}

/** One step of a history: a local op at a replica, or a merge of one replica's state into another. */
export type Step<Op> = { t: 'op'; at: number; op: Op } | { t: 'merge'; into: number; from: number };

/** An op as it happened: where, its causal past (op ids seen at that replica), and harness info. */
export interface OpRecord<Op> {
  id: number;
  at: number;
  op: Op;
  past: ReadonlySet<number>;
  info: unknown;
}

/** The outcome of a history: final states and, per replica, the ids of the ops it has seen. */
export interface History<S, Op> {
  ids: number[];
  states: S[];
  seen: Set<number>[];
  ops: OpRecord<Op>[];
}

/** `n` distinct replica ids, mixing small ones and full 53-bit ones. */
export function replicaIds(n: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.oneof(fc.nat(50), fc.nat({ max: Number.MAX_SAFE_INTEGER })), {
    minLength: n,
    maxLength: n,
  });
}

/** Random steps over `n` replicas (ops and merges, merges about a third of the time). */
export function steps<Op>(op: fc.Arbitrary<Op>, n: number, maxLength = 30): fc.Arbitrary<Step<Op>[]> {
  const idx = fc.nat(n - 1);
  const opStep = fc.record({ t: fc.constant('op' as const), at: idx, op });
  const mergeStep = fc.record({ t: fc.constant('merge' as const), into: idx, from: idx });
  // size 'max': without it fast-check keeps arrays at about 10 elements whatever maxLength says.
  return fc.array(fc.oneof({ arbitrary: opStep, weight: 2 }, { arbitrary: mergeStep, weight: 1 }), {
    maxLength,
    size: 'max',
  });
}

/** Run `list` on fresh replicas of `h`, tracking what each replica has seen. */
export function runHistory<S extends StateCrdt<S, unknown>, Op>(
  h: Harness<S, Op>,
  ids: number[],
  list: readonly Step<Op>[],
): History<S, Op> {
  const reps = h.setup(ids);
  const seen = ids.map(() => new Set<number>());
  const ops: OpRecord<Op>[] = [];
  for (const s of list) {
    if (s.t === 'op') {
      const mine = seen[s.at] as Set<number>;
      const past = new Set(mine);
      const info = reps.apply(s.at, s.op);
      const id = ops.length;
      ops.push({ id, at: s.at, op: s.op, past, info });
      mine.add(id);
    } else if (s.into !== s.from) {
      (reps.states[s.into] as S).merge(reps.states[s.from] as S);
      for (const id of seen[s.from] as Set<number>) (seen[s.into] as Set<number>).add(id);
    }
  }
  return { ids, states: reps.states, seen, ops };
}

/** Histories of `n` replicas of `h`. */
export function histories<S extends StateCrdt<S, unknown>, Op>(
  h: Harness<S, Op>,
  n = 3,
  maxSteps = 30,
): fc.Arbitrary<History<S, Op>> {
  return fc.tuple(replicaIds(n), steps(h.op, n, maxSteps)).map(([ids, list]) => runHistory(h, ids, list));
}

/** The op records a replica has seen. */
export function seenOps<Op>(hist: History<unknown, Op>, replica: number): OpRecord<Op>[] {
  const seen = hist.seen[replica] as Set<number>;
  return hist.ops.filter((o) => seen.has(o.id));
}

/** Wall-clock offsets of replicas 0, 1, 2, ...: one exact, one an hour behind, one 5 s ahead. */
export const SKEWS = [0, -3_600_000, 5_000, -250, 0];

/** A shared fake time that replicas read with their own skew; ops advance it by `dt`. */
export function fakeTime(start = 1_700_000_000_000): {
  advance(dt: number): void;
  clock(i: number): () => number;
} {
  let t = start;
  return {
    advance(dt) {
      t += dt;
    },
    clock(i) {
      return () => t + (SKEWS[i] ?? 0);
    },
  };
}

/** Small strings, so that replicas often touch the same elements. */
export const smallString = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'ü', '');
/** Small JSON values with collisions (equal objects built in different key orders). */
export const smallJson: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  smallString,
  fc.constantFrom<JsonValue>(null, true, 1.5, [1, 'a'], { x: 1, y: [true] }, { y: [true], x: 1 }),
);

export const gCounterHarness: Harness<GCounter, number> = {
  name: 'GCounter',
  op: fc.nat(5),
  setup: (ids) => {
    const states = ids.map((id) => new GCounter(id));
    return { states, apply: (i, n) => (states[i] as GCounter).increment(n) };
  },
  decode: (b, r) => GCounter.decode(b, r),
};

export const pnCounterHarness: Harness<PNCounter, number> = {
  name: 'PNCounter',
  op: fc.integer({ min: -5, max: 5 }),
  setup: (ids) => {
    const states = ids.map((id) => new PNCounter(id));
    return { states, apply: (i, n) => (states[i] as PNCounter).increment(n) };
  },
  decode: (b, r) => PNCounter.decode(b, r),
};

export const gSetHarness: Harness<GSet<string>, string> = {
  name: 'GSet',
  op: smallString,
  setup: (ids) => {
    const states = ids.map(() => new GSet(stringCodec));
    return { states, apply: (i, v) => (states[i] as GSet<string>).add(v) };
  },
  decode: (b) => GSet.decode(b, stringCodec),
};

/** A set operation. */
export interface SetOp<T> {
  add: boolean;
  v: T;
}

export const twoPSetHarness: Harness<TwoPSet<number>, SetOp<number>> = {
  name: 'TwoPSet',
  op: fc.record({ add: fc.boolean(), v: fc.integer({ min: 0, max: 5 }) }),
  setup: (ids) => {
    const states = ids.map(() => new TwoPSet(numberCodec));
    return {
      states,
      apply: (i, o) =>
        o.add ? (states[i] as TwoPSet<number>).add(o.v) : (states[i] as TwoPSet<number>).remove(o.v),
    };
  },
  decode: (b) => TwoPSet.decode(b, numberCodec),
};

export const orSetHarness: Harness<ORSet<string>, SetOp<string>> = {
  name: 'ORSet',
  op: fc.record({ add: fc.boolean(), v: smallString }),
  setup: (ids) => {
    const states = ids.map((id) => new ORSet(id, stringCodec));
    return {
      states,
      apply: (i, o) => {
        const s = states[i] as ORSet<string>;
        if (o.add) s.add(o.v);
        else s.remove(o.v);
      },
    };
  },
  decode: (b, r) => ORSet.decode(b, r, stringCodec),
};

/** A write at a moment: the fake time first moves on by `dt` ms. */
export interface TimedWrite<T> {
  dt: number;
  v: T;
}

export const lwwRegisterHarness: Harness<LWWRegister<string>, TimedWrite<string>> = {
  name: 'LWWRegister',
  op: fc.record({ dt: fc.nat(3), v: smallString }),
  setup: (ids) => {
    const time = fakeTime();
    const states = ids.map((id, i) => new LWWRegister(id, stringCodec, { now: time.clock(i) }));
    return {
      states,
      apply: (i, o): Timestamp => {
        time.advance(o.dt);
        const s = states[i] as LWWRegister<string>;
        s.set(o.v);
        return s.timestamp as Timestamp;
      },
    };
  },
  decode: (b, r) => LWWRegister.decode(b, r, stringCodec),
};

export const mvRegisterHarness: Harness<MVRegister<JsonValue>, JsonValue> = {
  name: 'MVRegister',
  op: smallJson,
  setup: (ids) => {
    const states = ids.map((id) => new MVRegister(id, jsonCodec));
    return { states, apply: (i, v) => (states[i] as MVRegister<JsonValue>).set(v) };
  },
  decode: (b, r) => MVRegister.decode(b, r, jsonCodec),
};

/** A map write: set `k` to `v`, or delete `k` when `v` is undefined. */
export interface MapWrite {
  dt: number;
  k: string;
  v: number | undefined;
}

export const lwwMapHarness: Harness<LWWMap<number>, MapWrite> = {
  name: 'LWWMap',
  op: fc.record({
    dt: fc.nat(3),
    k: fc.constantFrom('x', 'y', 'z', '__proto__'),
    v: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
  }),
  setup: (ids) => {
    const time = fakeTime();
    const states = ids.map((id, i) => new LWWMap(id, numberCodec, { now: time.clock(i) }));
    return {
      states,
      apply: (i, o): Timestamp | undefined => {
        time.advance(o.dt);
        const s = states[i] as LWWMap<number>;
        if (o.v === undefined) {
          // Deleting an absent key writes nothing: no timestamp for the model.
          if (!s.delete(o.k)) return undefined;
        } else {
          s.set(o.k, o.v);
        }
        return s.timestampOf(o.k);
      },
    };
  },
  decode: (b, r) => LWWMap.decode(b, r, numberCodec),
};

export const orMapHarness: Harness<ORMap<number>, MapWrite> = {
  name: 'ORMap',
  op: lwwMapHarness.op,
  setup: (ids) => {
    const time = fakeTime();
    const states = ids.map((id, i) => new ORMap(id, numberCodec, { now: time.clock(i) }));
    return {
      states,
      apply: (i, o): Timestamp | undefined => {
        time.advance(o.dt);
        const s = states[i] as ORMap<number>;
        if (o.v === undefined) {
          s.delete(o.k);
          return undefined;
        }
        s.set(o.k, o.v);
        return s.timestampOf(o.k);
      },
    };
  },
  decode: (b, r) => ORMap.decode(b, r, numberCodec),
};
