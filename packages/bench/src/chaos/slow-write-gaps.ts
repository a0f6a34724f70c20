/**
 * Slow write gaps explained: for a client's write gap longer than {@link SLOW_GAP_MS}, what else
 * was wrong at the kill (other nodes down, a partition in force) and what the client's provider
 * did until the next acknowledged write, for the chaos report's `slowWriteGaps`.
 */
import { downAt, sidesAt, type WriteGap } from './checkers.js';
import type { FaultEvent } from './events.js';
import type { ChaosWriter } from './writers.js';

/** Write gaps longer than this are explained in `slowWriteGaps`. */
export const SLOW_GAP_MS = 700;

/** A slow write gap with its context: other faults in force, and what the client's provider did. */
export interface SlowWriteGap extends WriteGap {
  /** Other nodes killed or paused when the kill happened. */
  alsoDown: number[];
  /** The partition's sides at the kill (one side: none). */
  sides: number[][];
  /** Faults and the client's provider events from the kill to the ack, `+ms what`. */
  trace: string[];
}

/**
 * Explain write gap `g`: the other nodes down and the partition's sides when the kill happened,
 * and the faults and the client's provider events from the kill to the ack (node ports named by
 * node id, at most 40 lines).
 * @internal
 */
export function explainGap(
  g: WriteGap,
  faults: readonly FaultEvent[],
  ids: readonly number[],
  writers: readonly ChaosWriter[],
  urlOf: (id: number) => string,
): SlowWriteGap {
  const portOf = new Map(ids.map((id) => [urlOf(id).replace(/^.*:(\d+).*$/, ':$1'), `n${id}`]));
  const named = (what: string) => what.replace(/:\d+/g, (p) => portOf.get(p) ?? p);
  const entries: { at: number; what: string }[] = [];
  for (const f of faults)
    if (f.at >= g.at && f.at <= g.ackAt)
      entries.push({ at: f.at, what: `fault ${f.fault} ${f.nodes.join(',')}` });
  const log = writers.find((w) => w.name === g.client)?.log ?? [];
  for (const e of log)
    if (e.at >= g.at - 20 && e.at <= g.ackAt) entries.push({ at: e.at, what: named(e.what) });
  entries.push({ at: g.ackAt, what: `ack n${g.ackNode}` });
  entries.sort((a, b) => a.at - b.at);
  return {
    ...g,
    alsoDown: [...downAt(faults, g.at - 1)].filter((n) => !g.killed.includes(n)),
    sides: sidesAt(faults, ids, g.at),
    trace: entries.slice(0, 40).map((e) => `+${e.at - g.at} ${e.what}`),
  };
}
