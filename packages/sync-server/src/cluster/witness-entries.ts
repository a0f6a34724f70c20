/**
 * Which of a witness's stamped entries a full replica may take in now (writes-follow-reads for a
 * witness's hand-over; see `CausalForwarding.assess`, which keeps the bookkeeping and asks the
 * pulls). Pure: the node's frontier and what it learned from its peers come in an
 * {@link EntryContext}.
 */
import type { NodeId } from '../election/types.js';

/** A stamp as the rules read it (the shape of `CausalStamp`). */
export interface EntryStamp {
  readonly epoch: number;
  readonly seq: number;
  readonly deps: readonly { readonly node: NodeId; readonly epoch: number; readonly seq: number }[];
  readonly pull: boolean;
}

/** A witness's entry as the rules see it: who forwarded it, with what stamp. */
export interface StampedEntry {
  readonly origin: NodeId;
  readonly stamp: EntryStamp;
}

/**
 * What is said of a witness's entry: already `present` here, `ready` to be taken in, or
 * `blocked` (something it may follow is missing).
 */
export type EntryVerdict = 'present' | 'ready' | 'blocked';

/** How far a node's forwards were taken in: its epoch and the count. */
export interface FrontierPosition {
  epoch: number;
  seq: number;
}

/** What the rules know of the node judging the entries. */
export interface EntryContext {
  readonly self: NodeId;
  /** This node's epoch for the document. */
  readonly epoch: number;
  /** Whether the link with a peer is up. */
  isUp(node: NodeId): boolean;
  /** Whether `node` answered a pull sent after the entry (by {@link entryKey}) was first seen blocked. */
  answeredSince(node: NodeId, key: string): boolean;
  /** Whether this node and the peers that answered so are enough full replicas (`handoverQuorum`). */
  answeredQuorum(key: string): boolean;
}

/** The key of a witness entry: which forward of its origin it is. */
export function entryKey(e: StampedEntry): string {
  return `${e.origin}:${e.stamp.epoch}:${e.stamp.seq}`;
}

/** Count `e` in the frontier `recv` when it is the next forward of its origin there. */
export function advancePosition(recv: Map<NodeId, FrontierPosition>, e: StampedEntry): void {
  const r = recv.get(e.origin);
  if (r !== undefined && r.epoch === e.stamp.epoch && r.seq === e.stamp.seq - 1) r.seq = e.stamp.seq;
}

/**
 * The verdict on each of `entries` (in the witness's log order) from the frontier `recv` (a copy:
 * it is advanced past each entry found present or ready, so entries complete each other, in any
 * order; they are looked at again until no more becomes ready).
 */
export function assessEntries(
  ctx: EntryContext,
  recv: Map<NodeId, FrontierPosition>,
  entries: readonly StampedEntry[],
  present: (i: number) => boolean,
): EntryVerdict[] {
  const verdicts: EntryVerdict[] = entries.map(() => 'blocked');
  let progress = true;
  while (progress) {
    progress = false;
    for (let i = 0; i < entries.length; i++) {
      if (verdicts[i] !== 'blocked') continue;
      const e = entries[i] as StampedEntry;
      let v: EntryVerdict | null = null;
      if (present(i)) v = 'present';
      else if (entryReady(ctx, recv, e)) v = 'ready';
      if (v === null) continue;
      verdicts[i] = v;
      advancePosition(recv, e);
      progress = true;
    }
  }
  return verdicts;
}

/**
 * Whether an entry may be taken in given the frontier `recv`. Each thing the stamp names (its
 * origin's earlier forwards and any data outside the origin's frontier; each other node's
 * forwards it had) is met when `recv` covers it, or when that node answered a pull sent after the
 * entry was first seen blocked (its whole state is then here, whatever its epoch now), or when
 * that node is down and enough full replicas answered so.
 */
export function entryReady(
  ctx: EntryContext,
  recv: ReadonlyMap<NodeId, FrontierPosition>,
  e: StampedEntry,
): boolean {
  const s = e.stamp;
  const key = entryKey(e);
  let quorum: boolean | undefined;
  const enough = () => (quorum ??= ctx.answeredQuorum(key));
  const met = (node: NodeId, covered: boolean): boolean =>
    covered || ctx.answeredSince(node, key) || (!ctx.isUp(node) && enough());
  if (e.origin === ctx.self) {
    // This node's own write, which it no longer stores (lost in a crash before it was durable):
    // in the epoch it still has, everything the write followed is here.
    if (s.epoch !== ctx.epoch && !enough()) return false;
  } else {
    const own = recv.get(e.origin);
    const follows = !s.pull && own !== undefined && own.epoch === s.epoch && own.seq >= s.seq - 1;
    if (!met(e.origin, follows)) return false;
  }
  for (const m of s.deps) {
    if (m.node === ctx.self || m.node === e.origin) continue;
    const r = recv.get(m.node);
    if (!met(m.node, r !== undefined && r.epoch === m.epoch && r.seq >= m.seq)) return false;
  }
  return true;
}
