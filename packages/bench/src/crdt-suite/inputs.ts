/**
 * The inputs of B1 and B2, drawn exactly as the dmonad/crdt-benchmarks suite draws them (MIT,
 * Copyright (c) 2019 Kevin Jahns; see `LICENSE` in this folder): one lib0 PRNG seeded with 42,
 * shared by every scenario in the suite's order (B2's 100-character initial text first, then
 * B1.1 … B1.11, then B2.1 … B2.4), so the positions and strings equal the published suite's.
 * Every input is drawn even when a filter skips its scenario, so a subset sees the same inputs.
 */
import * as prng from 'lib0/prng';

/** An insertion of `insert` at `index`, or a deletion of `deleteCount` from `index`. */
export interface TextOp {
  index: number;
  insert?: string;
  deleteCount?: number;
}

/** An insertion of one number into the array. */
export interface ArrayOp {
  index: number;
  insert: number;
}

/** Every random input of B1 and B2 for a given N. */
export interface SuiteInputs {
  n: number;
  /** B2's initial text (100 characters). */
  initText: string;
  b1_1: string;
  b1_2: string;
  b1_3: string;
  b1_4: { ops: TextOp[]; result: string };
  b1_5: { ops: TextOp[]; result: string };
  b1_6: string;
  b1_7: { ops: TextOp[]; result: string };
  b1_8: number[];
  b1_9: number[];
  b1_10: number[];
  b1_11: { ops: ArrayOp[]; result: number[] };
  b2_1: [string, string];
  b2_2: [TextOp[], TextOp[]];
  b2_3: [TextOp[], TextOp[]];
  b2_4: [TextOp[], TextOp[]];
}

type Gen = ReturnType<typeof prng.create>;

function randomInserts(
  gen: Gen,
  n: number,
  minLen: number,
  maxLen: number,
): { ops: TextOp[]; result: string } {
  let s = '';
  const ops: TextOp[] = [];
  for (let i = 0; i < n; i++) {
    const index = prng.int32(gen, 0, s.length);
    const insert = prng.word(gen, minLen, maxLen);
    s = s.slice(0, index) + insert + s.slice(index);
    ops.push({ index, insert });
  }
  return { ops, result: s };
}

function randomInsertDeletes(gen: Gen, n: number): { ops: TextOp[]; result: string } {
  let s = '';
  const ops: TextOp[] = [];
  for (let i = 0; i < n; i++) {
    const index = prng.uint32(gen, 0, s.length);
    if (s.length === index || prng.bool(gen)) {
      const insert = prng.word(gen, 2, 10);
      s = s.slice(0, index) + insert + s.slice(index);
      ops.push({ index, insert });
    } else {
      const deleteCount = prng.uint32(gen, 1, Math.min(9, s.length - index));
      s = s.slice(0, index) + s.slice(index + deleteCount);
      ops.push({ index, deleteCount });
    }
  }
  return { ops, result: s };
}

function concurrentInserts(gen: Gen, n: number, init: string, minLen: number, maxLen: number): TextOp[] {
  let s = init;
  const ops: TextOp[] = [];
  for (let i = 0; i < n; i++) {
    const index = prng.uint32(gen, 0, s.length);
    const insert = prng.word(gen, minLen, maxLen);
    s = s.slice(0, index) + insert + s.slice(index);
    ops.push({ index, insert });
  }
  return ops;
}

function concurrentInsertDeletes(gen: Gen, n: number, init: string): TextOp[] {
  let s = init;
  const ops: TextOp[] = [];
  for (let i = 0; i < n; i++) {
    const index = prng.uint32(gen, 0, s.length);
    const insert = prng.word(gen, 3, 9);
    s = s.slice(0, index) + insert + s.slice(index);
    ops.push({ index, insert });
    if (s.length === index || prng.bool(gen)) {
      const more = prng.word(gen, 2, 10);
      s = s.slice(0, index) + more + s.slice(index);
      ops.push({ index, insert: more });
    } else {
      const deleteCount = prng.uint32(gen, 1, Math.min(9, s.length - index));
      s = s.slice(0, index) + s.slice(index + deleteCount);
      ops.push({ index, deleteCount });
    }
  }
  return ops;
}

const numbers = (gen: Gen, n: number): number[] =>
  Array.from({ length: n }, () => prng.uint32(gen, 0, 0x7fffffff));

/** Draw every input for N (the suite's N is 6000). */
export function drawInputs(n: number): SuiteInputs {
  const gen = prng.create(42);
  const initText = prng.word(gen, 100, 100);
  const b1_1 = prng.word(gen, n, n);
  const b1_2 = prng.word(gen, n, n);
  const b1_3 = prng.word(gen, n, n);
  const b1_4 = randomInserts(gen, n, 1, 1);
  const b1_5 = randomInserts(gen, n, 2, 10);
  const b1_6 = prng.word(gen, n, n);
  const b1_7 = randomInsertDeletes(gen, n);
  const b1_8 = numbers(gen, n);
  const b1_9 = numbers(gen, n);
  const b1_10 = numbers(gen, n);
  const result: number[] = [];
  const ops: ArrayOp[] = [];
  for (let i = 0; i < n; i++) {
    const index = prng.uint32(gen, 0, result.length);
    const insert = prng.uint32(gen, 0, 0x7fffffff);
    result.splice(index, 0, insert);
    ops.push({ index, insert });
  }
  const b2_1: [string, string] = [prng.word(gen, n, n), prng.word(gen, n, n)];
  const b2_2: [TextOp[], TextOp[]] = [
    concurrentInserts(gen, n, initText, 1, 1),
    concurrentInserts(gen, n, initText, 1, 1),
  ];
  const b2_3: [TextOp[], TextOp[]] = [
    concurrentInserts(gen, n, initText, 3, 9),
    concurrentInserts(gen, n, initText, 3, 9),
  ];
  const b2_4: [TextOp[], TextOp[]] = [
    concurrentInsertDeletes(gen, n, initText),
    concurrentInsertDeletes(gen, n, initText),
  ];
  return {
    n,
    initText,
    b1_1,
    b1_2,
    b1_3,
    b1_4,
    b1_5,
    b1_6,
    b1_7,
    b1_8,
    b1_9,
    b1_10,
    b1_11: { ops, result },
    b2_1,
    b2_2,
    b2_3,
    b2_4,
  };
}
