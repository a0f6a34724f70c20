/**
 * Linearizability checker for a history of compare-and-set register operations (the register of
 * issue 12, `provider.cas(key, expected, next)`).
 *
 * The register model: per key, a value that is a JSON scalar or `null` (absent). `cas(expected,
 * next)` sets the value to `next` when the current value equals `expected` and answers
 * `{ ok: true, value: next }`; otherwise it leaves the value alone and answers
 * `{ ok: false, value: current }`.
 *
 * The search is Wing & Gong's, with Lowe's memoisation as Porcupine and Knossos use it: walk the
 * history's call/return events in time order, tentatively linearize a pending call whose response
 * is consistent with the model, remove it from the list, and backtrack when a return is reached
 * whose call could not be placed. A cache of (set of linearized ops, register state) prunes
 * configurations already explored. Keys are checked independently (linearizability is
 * compositional: Herlihy & Wing's locality, P-compositionality in Porcupine).
 *
 * An indeterminate op (`returnAt: null`: the client timed out or lost its connection) may or may not
 * have taken effect: it is treated as returning at +infinity with any result, so it may be
 * linearized anywhere after its call, including after everything else (which is the same as
 * "never took effect").
 *
 * Pure: no I/O, no clock. The work is bounded by `maxSteps` per key; beyond it the key's verdict is
 * `unknown` instead of hanging.
 */

/** A register value: a JSON scalar, or `null` for "absent". */
export type RegisterValue = string | number | boolean | null;

/** What a completed `cas` answered. */
export interface CasResult {
  ok: boolean;
  value: RegisterValue;
}

/** One recorded register operation. Times are in any one monotonic unit (ms from run start). */
export interface CasHistoryOp {
  /** The client (process) that issued it; informative only. */
  process: string | number;
  op: 'cas';
  key: string;
  expected: RegisterValue;
  next: RegisterValue;
  invokeAt: number;
  /** `null`: indeterminate (no answer was seen); the op may or may not have taken effect. */
  returnAt: number | null;
  /** The answer; ignored (may be `null`) when `returnAt` is `null`. */
  result: CasResult | null;
}

/** Verdict for one key or a whole history. */
export type LinearizabilityVerdict = 'linearizable' | 'not-linearizable' | 'unknown';

/** Per-key outcome. */
export interface KeyVerdict {
  key: string;
  verdict: LinearizabilityVerdict;
  ops: number;
  indeterminate: number;
  /** Search steps spent on the key. */
  steps: number;
}

/** The outcome of {@link checkLinearizable}. */
export interface LinearizabilityReport {
  /** `not-linearizable` if any key is; else `unknown` if any key ran out of work; else linearizable. */
  verdict: LinearizabilityVerdict;
  ops: number;
  indeterminate: number;
  keys: KeyVerdict[];
}

/** Options of {@link checkLinearizable}. */
export interface LinearizabilityOptions {
  /** Search steps allowed per key before answering `unknown` (default 1,000,000). */
  maxSteps?: number;
  /** Ops allowed per key (default 4096): a larger history is refused with {@link HistoryError}. */
  maxOpsPerKey?: number;
}

/** A malformed history (bad times, a completed op without a result, too many ops). */
export class HistoryError extends Error {
  /** Machine-readable cause. */
  readonly code: 'bad-times' | 'missing-result' | 'too-many-ops';
  constructor(code: HistoryError['code'], message: string) {
    super(message);
    this.name = 'HistoryError';
    this.code = code;
  }
}

/**
 * One step of the sequential register: the state after applying `op` to `state`, or `undefined`
 * when the op's recorded result is impossible from `state`.
 */
export function stepRegister(state: RegisterValue, op: CasHistoryOp): RegisterValue | undefined {
  const matches = state === op.expected;
  const after = matches ? op.next : state;
  if (op.returnAt === null) return after;
  const r = op.result;
  if (r === null) return undefined;
  if (r.ok !== matches) return undefined;
  if (r.value !== after) return undefined;
  return after;
}

interface Node {
  /** Op index within the key's op list. */
  op: number;
  isCall: boolean;
  /** The return node of a call; `null` for a return node. */
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

function validate(op: CasHistoryOp): void {
  if (!Number.isFinite(op.invokeAt)) throw new HistoryError('bad-times', 'invokeAt not finite');
  if (op.returnAt !== null) {
    if (!Number.isFinite(op.returnAt) || op.returnAt < op.invokeAt) {
      throw new HistoryError(
        'bad-times',
        `op returns (${op.returnAt}) before it is invoked (${op.invokeAt})`,
      );
    }
    if (op.result === null) throw new HistoryError('missing-result', 'completed op without a result');
  }
}

/** Builds the doubly linked call/return list, calls before returns at equal times (overlap). */
function buildList(ops: readonly CasHistoryOp[]): Node {
  const events: { at: number; call: boolean; node: Node }[] = [];
  ops.forEach((op, i) => {
    const ret: Node = { op: i, isCall: false, match: null, prev: null, next: null };
    const call: Node = { op: i, isCall: true, match: ret, prev: null, next: null };
    events.push({ at: op.invokeAt, call: true, node: call });
    events.push({ at: op.returnAt ?? Number.POSITIVE_INFINITY, call: false, node: ret });
  });
  events.sort((a, b) => a.at - b.at || (a.call === b.call ? a.node.op - b.node.op : a.call ? -1 : 1));
  const head: Node = { op: -1, isCall: false, match: null, prev: null, next: null };
  let last = head;
  for (const e of events) {
    last.next = e.node;
    e.node.prev = last;
    last = e.node;
  }
  return head;
}

function lift(call: Node): void {
  const ret = call.match as Node;
  (call.prev as Node).next = call.next;
  if (call.next) call.next.prev = call.prev;
  (ret.prev as Node).next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Node): void {
  const ret = call.match as Node;
  (ret.prev as Node).next = ret;
  if (ret.next) ret.next.prev = ret;
  (call.prev as Node).next = call;
  if (call.next) call.next.prev = call;
}

/**
 * Checks the ops of one key, starting from `initial` (absent by default). Returns the verdict and
 * the steps spent; `unknown` when `maxSteps` is exhausted.
 */
export function checkKey(
  ops: readonly CasHistoryOp[],
  maxSteps = 1_000_000,
  initial: RegisterValue = null,
): { verdict: LinearizabilityVerdict; steps: number } {
  for (const op of ops) validate(op);
  const head = buildList(ops);
  const cache = new Set<string>();
  const stack: { call: Node; state: RegisterValue }[] = [];
  let linearized = 0n;
  let state = initial;
  let entry = head.next;
  let steps = 0;
  while (head.next !== null) {
    if (++steps > maxSteps) return { verdict: 'unknown', steps };
    if (entry === null) return { verdict: 'not-linearizable', steps }; // unreachable: a return ends each scan
    if (entry.isCall) {
      const op = ops[entry.op] as CasHistoryOp;
      const after = stepRegister(state, op);
      if (after !== undefined) {
        const bits = linearized | (1n << BigInt(entry.op));
        const memo = `${bits.toString(36)}|${JSON.stringify(after)}`;
        if (!cache.has(memo)) {
          cache.add(memo);
          stack.push({ call: entry, state });
          state = after;
          linearized = bits;
          lift(entry);
          entry = head.next;
          continue;
        }
      }
      entry = entry.next;
    } else {
      const top = stack.pop();
      if (top === undefined) return { verdict: 'not-linearizable', steps };
      state = top.state;
      linearized &= ~(1n << BigInt(top.call.op));
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return { verdict: 'linearizable', steps };
}

/**
 * Checks a whole history, key by key. Throws {@link HistoryError} on a malformed history; never
 * loops beyond `maxSteps` per key.
 */
export function checkLinearizable(
  history: readonly CasHistoryOp[],
  options: LinearizabilityOptions = {},
): LinearizabilityReport {
  const maxSteps = options.maxSteps ?? 1_000_000;
  const maxOps = options.maxOpsPerKey ?? 4096;
  const byKey = new Map<string, CasHistoryOp[]>();
  for (const op of history) {
    const list = byKey.get(op.key) ?? [];
    list.push(op);
    byKey.set(op.key, list);
  }
  const keys: KeyVerdict[] = [];
  let indeterminate = 0;
  for (const [key, ops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (ops.length > maxOps) {
      throw new HistoryError('too-many-ops', `key ${key} has ${ops.length} ops (limit ${maxOps})`);
    }
    const r = checkKey(ops, maxSteps);
    const ind = ops.filter((o) => o.returnAt === null).length;
    indeterminate += ind;
    keys.push({ key, verdict: r.verdict, ops: ops.length, indeterminate: ind, steps: r.steps });
  }
  const verdict: LinearizabilityVerdict = keys.some((k) => k.verdict === 'not-linearizable')
    ? 'not-linearizable'
    : keys.some((k) => k.verdict === 'unknown')
      ? 'unknown'
      : 'linearizable';
  return { verdict, ops: history.length, indeterminate, keys };
}
