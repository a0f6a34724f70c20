/**
 * Planning an update before touching the document: drop what is already known, order the rest so
 * every struct comes after its dependencies (its client's earlier clocks, its origins, the struct
 * holding its container), validate each struct as it becomes ready, and hold back what waits for
 * missing dependencies. Structs held from earlier updates join as the planned state reaches the
 * clock they wait for (see {@link WaitIndex}), so planning costs what the update brings and
 * delivers, never a walk over everything held. Nothing here mutates the document; the structs
 * taken from the held set are journaled there, so a refused update puts them back.
 */
import type { Doc } from '../doc/doc.js';
import { type HeldStruct, type HeldStructs, recordBytes, WaitIndex } from '../doc/pending.js';
import { DecodeError } from '../errors.js';
import { NONE, sliceRecord, type UpdateRecord } from '../format/records.js';
import { Validator } from './validate.js';

/** A struct to place, and whether it came from the document's held set. */
interface Candidate {
  r: UpdateRecord;
  pending: boolean;
}

/** A struct of this update waiting inside the planner. */
interface Waiting extends HeldStruct {
  readonly pending: boolean;
}

/** A struct to hold once the update is accepted: the replica it waits for, and the entry. */
export interface HeldPlan {
  client: number;
  entry: HeldStruct;
}

/** The outcome of planning. */
export interface Plan {
  /** Records to integrate, in this order. */
  ready: UpdateRecord[];
  /** Records to hold for missing dependencies (new ones and held ones still waiting). */
  held: HeldPlan[];
  /** Sum of the held records' estimated bytes. */
  heldBytes: number;
  /** Replicas whose state the ready records advance, with their next clock afterwards. */
  advanced: Map<number, number>;
  /** How many of the ready records were held from earlier updates (released by this one). */
  released: number;
}

/**
 * Plan the integration of `records`, taking from `pending` (the document's held structs) what
 * they unblock. Journal `pending` first ({@link WaitIndex.begin}); the caller commits or rolls
 * back.
 * @throws {DecodeError} `invalid` when a record of this update contradicts the document or the
 * update (held records that prove invalid are dropped instead: another update sent them).
 */
export function planUpdate(doc: Doc, records: UpdateRecord[], pending: HeldStructs): Plan {
  const single = records[0];
  if (records.length === 1 && single !== undefined) {
    const plan = planOne(doc, single, pending);
    if (plan !== null) return plan;
  }
  return new Planner(doc, pending).run(records);
}

/**
 * The common case, one record that unblocks nothing held (a client's keystroke): the same outcome
 * as the general planner without its maps; null when it would unblock held structs.
 */
function planOne(doc: Doc, record: UpdateRecord, pending: HeldStructs): Plan | null {
  const empty = { ready: [], held: [], heldBytes: 0, advanced: new Map<number, number>(), released: 0 };
  const known = doc.knownState(record.client);
  if (record.clock + record.len <= known) return empty;
  const r = record.clock < known ? sliceRecord(record, known) : record;
  const dep = new Dependency();
  if (r.clock !== known) dep.set(r.client, r.clock - 1);
  else dep.find(r, (c) => doc.knownState(c));
  if (dep.client !== NONE) {
    if (pending.holds(r)) return empty; // applied again while it waits
    const bytes = recordBytes(r);
    return {
      ...empty,
      held: [{ client: dep.client, entry: { key: dep.clock, bytes, r } }],
      heldBytes: bytes,
    };
  }
  const end = r.clock + r.len;
  if (pending.hasBelow(r.client, end)) return null;
  const why = new Validator(doc).check(r);
  if (why !== null) throw new DecodeError('invalid', why);
  return { ...empty, ready: [r], advanced: new Map([[r.client, end]]) };
}

/** The first dependency a record lacks: a replica and the clock it must pass (or `NONE`). */
class Dependency {
  client = NONE;
  clock = 0;

  set(client: number, clock: number): void {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Find the first dependency of `r` (origins or mark anchors, then container holder) that
   * `state` lacks.
   */
  find(r: UpdateRecord, state: (client: number) => number): void {
    this.client = NONE;
    if (r.t === 3) return;
    const p = r.parent;
    if (r.t === 0 && r.olClient !== NONE && r.olClock >= state(r.olClient)) this.set(r.olClient, r.olClock);
    else if (r.t === 0 && r.orClient !== NONE && r.orClock >= state(r.orClient))
      this.set(r.orClient, r.orClock);
    else if (r.t === 4 && r.sClient !== NONE && r.sClock >= state(r.sClient)) this.set(r.sClient, r.sClock);
    else if (r.t === 4 && r.eClient !== NONE && r.eClock >= state(r.eClient)) this.set(r.eClient, r.eClock);
    else if (p.name === null && p.clock >= state(p.client)) this.set(p.client, p.clock);
  }
}

/** The general planner: a work list driven by the replicas' planned clocks. */
class Planner {
  /** Next clock per replica once the ready records are integrated. */
  private readonly vstate = new Map<number, number>();
  private readonly ready: UpdateRecord[] = [];
  /** Ready records that came from the document's held set. */
  private released = 0;
  /** Records of this update (and held ones taken) still waiting, by the replica they wait for. */
  private readonly waiting = new WaitIndex<Waiting>();
  /** Records unblocked and not yet looked at. */
  private readonly work: Candidate[] = [];
  private readonly validator: Validator;
  private readonly dep = new Dependency();
  private readonly stateOf = (c: number): number => this.vstate.get(c) ?? this.doc.knownState(c);
  private readonly queue = (c: Candidate): void => {
    this.work.push(c);
  };
  private readonly queueHeld = (e: HeldStruct): void => {
    this.work.push({ r: e.r, pending: true });
  };

  constructor(
    private readonly doc: Doc,
    private readonly pending: HeldStructs,
  ) {
    this.validator = new Validator(doc);
  }

  run(records: UpdateRecord[]): Plan {
    for (const r of records) {
      this.work.push({ r, pending: false });
      this.drain();
    }
    const held: HeldPlan[] = [];
    let heldBytes = 0;
    for (const [client, w] of this.waiting.entries()) {
      const bytes = recordBytes(w.r);
      heldBytes += bytes;
      held.push({ client, entry: { key: w.key, bytes, r: w.r } });
    }
    return { ready: this.ready, held, heldBytes, advanced: this.vstate, released: this.released };
  }

  /** Look at every unblocked record until none is left. */
  private drain(): void {
    const work = this.work;
    for (let cand = work.pop(); cand !== undefined; cand = work.pop()) this.step(cand);
  }

  private step(cand: Candidate): void {
    let r = cand.r;
    const c = r.client;
    const s = this.stateOf(c);
    if (r.clock + r.len <= s) return; // known (a held copy is simply dropped)
    const dep = this.dep;
    if (r.clock > s) dep.set(c, r.clock - 1);
    else {
      if (r.clock < s) r = sliceRecord(r, s);
      dep.find(r, this.stateOf);
    }
    if (dep.client !== NONE) {
      // A struct already held (this update applied again while it waits) is not held twice.
      if (!cand.pending && this.pending.holds(r)) return;
      this.waiting.add(dep.client, { key: dep.clock, bytes: 0, r, pending: cand.pending });
      return;
    }
    const why = this.validator.check(r);
    if (why !== null) {
      if (!cand.pending) throw new DecodeError('invalid', why);
      return; // a held struct sent by another update: dropped
    }
    this.ready.push(r);
    if (cand.pending) this.released++;
    this.validator.add(r);
    const end = r.clock + r.len;
    this.vstate.set(c, end);
    this.wake(c, end);
  }

  /** Queue what waits for replica `c` below clock `end`: this update's records and held ones. */
  private wake(c: number, end: number): void {
    this.waiting.takeBelow(c, end, this.queue);
    this.pending.takeBelow(c, end, this.queueHeld);
  }
}
