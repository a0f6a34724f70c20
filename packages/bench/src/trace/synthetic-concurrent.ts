/**
 * Seeded concurrent editing traces in the shared format (`kind: "concurrent"`): several authors
 * type, delete and paste while merging each other's work now and then, so the history has many
 * merges. Each author edits only its own section (the first transaction lays out one line per
 * author), so no two authors ever insert into the same gap concurrently: every correct text CRDT
 * replays the trace to the same `endContent`, whatever its tie-breaking rule (as the real traces
 * promise). Positions are computed from what the author has seen, as a real editor would send.
 */
import { createRng } from '../util/prng.js';
import type { TracePatch } from './trace-types.js';

/** A concurrent trace as written to a file (see `packages/bench/traces/README.md`). */
export interface SyntheticConcurrentTrace {
  kind: 'concurrent';
  endContent: string;
  numAgents: number;
  txns: { agent: number; parents: number[]; patches: TracePatch[] }[];
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz     .,éü漢字';

/** Options of {@link syntheticConcurrentTrace}. */
export interface SyntheticConcurrentOptions {
  /** Authors (2–16). */
  agents: number;
  /** Transactions after the first. */
  edits: number;
  seed: number;
  /** Chance that an author merges another's latest work before an edit (default 0.15). */
  mergeRate?: number;
}

/** Generates a concurrent trace; its `endContent` is the sections' final texts, in order. */
export function syntheticConcurrentTrace(o: SyntheticConcurrentOptions): SyntheticConcurrentTrace {
  const rng = createRng(o.seed);
  const n = Math.max(2, Math.min(16, o.agents));
  const mergeRate = o.mergeRate ?? 0.15;
  // Sections: author k's text follows marker k ("\n"); the first transaction writes the markers.
  const sections: string[] = Array.from({ length: n }, () => '');
  /** Per author: its section's length after each of its own transactions (index 0: empty). */
  const lengths: number[][] = Array.from({ length: n }, () => [0]);
  /** Per transaction: how many of each author's transactions its state includes. */
  const seen: number[][] = [];
  const last: number[] = Array.from({ length: n }, () => 0);
  const txns: SyntheticConcurrentTrace['txns'] = [
    { agent: 0, parents: [], patches: [[0, 0, '\n'.repeat(n)]] },
  ];
  seen.push(Array.from({ length: n }, () => 0));
  const cursor: number[] = Array.from({ length: n }, () => 0);
  for (let i = 0; i < o.edits; i++) {
    const k = rng.int(n);
    const parents = [last[k]!];
    const known = [...seen[last[k]!]!];
    if (rng.next() < mergeRate) {
      const j = rng.int(n);
      if (j !== k && last[j]! !== last[k]!) {
        parents.push(last[j]!);
        const theirs = seen[last[j]!]!;
        for (let a = 0; a < n; a++) known[a] = Math.max(known[a]!, theirs[a]!);
      }
    }
    // Where author k's section starts in the text it sees.
    let start = k + 1;
    for (let a = 0; a < k; a++) start += lengths[a]![known[a]!]!;
    const text = sections[k]!;
    let c = Math.min(cursor[k]!, text.length);
    if (rng.next() < 0.1) c = rng.int(text.length + 1);
    const roll = rng.next();
    let patch: TracePatch;
    if (roll < 0.65 || text.length === 0) {
      const ins = alphabet[rng.int(alphabet.length)]!;
      patch = [c, 0, ins];
      c += 1;
    } else if (roll < 0.85 && c > 0) {
      patch = [c - 1, 1, ''];
      c -= 1;
    } else if (roll < 0.95 && c < text.length) {
      const len = Math.min(text.length - c, 1 + rng.int(6));
      patch = [c, len, ''];
    } else {
      let paste = '';
      for (let m = 0; m < 10 + rng.int(30); m++) paste += alphabet[rng.int(alphabet.length)]!;
      patch = [c, 0, paste];
      c += paste.length;
    }
    const [pos, del, ins] = patch;
    sections[k] = text.slice(0, pos) + ins + text.slice(pos + del);
    cursor[k] = c;
    lengths[k]!.push(sections[k]!.length);
    known[k] = lengths[k]!.length - 1;
    txns.push({ agent: k, parents, patches: [[start + pos, del, ins]] });
    seen.push(known);
    last[k] = txns.length - 1;
  }
  return { kind: 'concurrent', endContent: sections.map((s) => `\n${s}`).join(''), numAgents: n, txns };
}
