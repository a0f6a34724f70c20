/**
 * The hostile-pending bench: what an honest one-keystroke remote update costs a document (a
 * relay's room document) before and after an attacker filled its held set, the structs and
 * deletions waiting for dependencies, up to the document's limits. The same document is measured
 * both times; the attack is sent in frames of {@link FRAME_RUNS} structs (or deleted ranges),
 * halving the frame when the document refuses one (`DecodeError('too-large')`) until a single
 * struct is refused.
 */
import { applyUpdate, DecodeError, Doc, encodeStateAsUpdate } from '@accord/core';
import { median, percentileSorted, round } from '../stats/summary.js';
import type { EditingTrace } from '../trace/trace-file.js';
import { createRng, type Rng } from '../util/prng.js';
import { attackFrame, deleteFrame } from './attack.js';

/** Structs (or deleted ranges) per attack frame before halving (~0.4 MB frames). */
export const FRAME_RUNS = 20_000;

/** Where the document comes from: a trace replayed by the author, or generated typing. */
export type HostileDocSource = { trace: EditingTrace; name: string } | { chars: number };

/** Options of {@link runHostileBench}. */
export interface HostileBenchOptions {
  readonly source: HostileDocSource;
  /** Honest updates measured before and after the attack. */
  readonly updates: number;
  /** Honest updates applied before each measurement, unmeasured (JIT warm-up). */
  readonly warmup: number;
  /** `DocOptions.maxPending` of the document (default: the document's default). */
  readonly maxPending?: number;
  /** `DocOptions.maxPendingBytes` of the document (default: the document's default). */
  readonly maxPendingBytes?: number;
  readonly seed?: number;
  /** Called between phases (progress on stderr). */
  readonly onPhase?: (phase: string) => void;
}

/** One run's figures (JSON fields of `bench:hostile --json`). */
export interface HostileBenchResult {
  lib: 'accord';
  /** Trace name, or `generated`. */
  doc: string;
  /** Length of the text when the measurement starts. */
  chars: number;
  updates: number;
  beforeMedianUs: number;
  beforeP99Us: number;
  afterMedianUs: number;
  afterP99Us: number;
  /** `afterMedianUs / beforeMedianUs`. */
  medianRatio: number;
  /**
   * A second measurement without the attack, taken just before it under the same conditions as
   * the one after (same warm-up, a full GC first): how much the phase order alone moves the figure.
   */
  controlMedianUs: number;
  controlP99Us: number;
  /** `afterMedianUs / controlMedianUs`: what the attack itself costs an honest update. */
  attackRatio: number;
  /** Structs held after the attack, their estimated bytes, and held deleted ranges. */
  pendingStructs: number;
  pendingBytes: number;
  pendingDeletes: number;
  maxPending: number;
  maxPendingBytes: number;
  /** Attack frames the document accepted, their total bytes, and the time it spent on them. */
  attackFrames: number;
  attackBytes: number;
  attackMs: number;
  /** True when one more held struct and one more held deletion are refused: the set is full. */
  full: boolean;
  /** True when the document's text equals the author's after every honest update. */
  ok: boolean;
}

const TEXT = 't';

/** Builds the author's document from `source`. */
function authorDoc(source: HostileDocSource, rng: Rng): Doc {
  const author = new Doc({ clientId: 1 });
  const text = author.getText(TEXT);
  if ('trace' in source) {
    text.insert(0, source.trace.startContent);
    for (const { patches } of source.trace.txns) {
      author.transact(() => {
        for (const [pos, del, ins] of patches) {
          if (del > 0) text.delete(pos, del);
          if (ins !== '') text.insert(pos, ins);
        }
      });
    }
  } else {
    // Typing bursts at random places, so the text is many runs, like an edited document.
    const letters = 'abcdefghijklmnopqrstuvwxyz ';
    while (text.length < source.chars) {
      let burst = '';
      for (let n = 1 + rng.int(20); n > 0; n--) burst += letters[rng.int(letters.length)];
      text.insert(rng.int(text.length + 1), burst.slice(0, source.chars - text.length));
    }
  }
  return author;
}

/** Sends frames made by `frame(from, count)` until the document refuses a single one. */
function fill(doc: Doc, frame: (from: number, count: number) => Uint8Array, next: { n: number }) {
  let frames = 0;
  let bytes = 0;
  let ms = 0;
  for (let k = Math.min(FRAME_RUNS, doc.maxPending + 1); k > 0; ) {
    const u = frame(next.n, k);
    const t0 = performance.now();
    try {
      applyUpdate(doc, u);
    } catch (e) {
      ms += performance.now() - t0;
      if (!(e instanceof DecodeError) || e.code !== 'too-large') throw e;
      k >>= 1;
      continue;
    }
    ms += performance.now() - t0;
    next.n += k;
    frames++;
    bytes += u.length;
  }
  return { frames, bytes, ms };
}

/** True when `u` is refused with `too-large` (the document is unchanged then). */
function refused(doc: Doc, u: Uint8Array): boolean {
  try {
    applyUpdate(doc, u);
    return false;
  } catch (e) {
    return e instanceof DecodeError && e.code === 'too-large';
  }
}

/**
 * Runs the bench: builds the author's document, loads it into the target, measures honest
 * keystrokes, fills the target's held set, measures again.
 */
export function runHostileBench(opts: HostileBenchOptions): HostileBenchResult {
  const rng = createRng(opts.seed ?? 42);
  opts.onPhase?.('building the document');
  const author = authorDoc(opts.source, rng);
  const limits = {
    ...(opts.maxPending === undefined ? {} : { maxPending: opts.maxPending }),
    ...(opts.maxPendingBytes === undefined ? {} : { maxPendingBytes: opts.maxPendingBytes }),
  };
  const target = new Doc({ clientId: 2, ...limits });
  applyUpdate(target, encodeStateAsUpdate(author));
  const updates: Uint8Array[] = [];
  author.on('update', (u) => updates.push(u));
  const text = author.getText(TEXT);
  let ok = true;
  const measure = (n: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      text.insert(rng.int(text.length + 1), 'k');
      const u = updates[updates.length - 1] as Uint8Array;
      const t0 = process.hrtime.bigint();
      applyUpdate(target, u);
      out.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    if (target.getText(TEXT).length !== text.length) ok = false;
    return out.sort((a, b) => a - b);
  };
  const chars = text.length;
  opts.onPhase?.('measuring honest updates before the attack');
  measure(opts.warmup);
  const before = measure(opts.updates);
  opts.onPhase?.('measuring again without an attack (control)');
  (globalThis as { gc?: () => void }).gc?.();
  measure(opts.warmup);
  const control = measure(opts.updates);
  opts.onPhase?.('attacking');
  const next = { n: 0 };
  const structs = fill(target, (from, count) => attackFrame(from, count, author.clientId, TEXT), next);
  const dels = fill(target, (from, count) => deleteFrame(from, count, author.clientId), next);
  const full =
    refused(target, attackFrame(next.n, 1, author.clientId, TEXT)) &&
    refused(target, deleteFrame(next.n + 1, 1, author.clientId));
  (globalThis as { gc?: () => void }).gc?.();
  opts.onPhase?.('measuring honest updates after the attack');
  measure(opts.warmup);
  const after = measure(opts.updates);
  ok = ok && target.getText(TEXT).toString() === text.toString();
  const beforeMedianUs = median(before);
  const afterMedianUs = median(after);
  return {
    lib: 'accord',
    doc: 'trace' in opts.source ? opts.source.name : 'generated',
    chars,
    updates: opts.updates,
    beforeMedianUs: round(beforeMedianUs, 2),
    beforeP99Us: round(percentileSorted(before, 99), 2),
    afterMedianUs: round(afterMedianUs, 2),
    afterP99Us: round(percentileSorted(after, 99), 2),
    medianRatio: round(afterMedianUs / beforeMedianUs, 2),
    controlMedianUs: round(median(control), 2),
    controlP99Us: round(percentileSorted(control, 99), 2),
    attackRatio: round(afterMedianUs / median(control), 2),
    pendingStructs: target.pendingCount,
    pendingBytes: target.pendingBytes,
    pendingDeletes: target.pendingDeleteCount,
    maxPending: target.maxPending,
    maxPendingBytes: target.maxPendingBytes,
    attackFrames: structs.frames + dels.frames,
    attackBytes: structs.bytes + dels.bytes,
    attackMs: round(structs.ms + dels.ms, 1),
    full,
    ok,
  };
}

/** The result as a small text table. */
export function formatHostileTable(r: HostileBenchResult): string {
  const rows = [
    ['', 'median µs', 'p99 µs'],
    ['before the attack', r.beforeMedianUs.toFixed(2), r.beforeP99Us.toFixed(2)],
    ['control, no attack', r.controlMedianUs.toFixed(2), r.controlP99Us.toFixed(2)],
    ['after the attack', r.afterMedianUs.toFixed(2), r.afterP99Us.toFixed(2)],
  ];
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((row) => (row[c] as string).length)));
  const lines = rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(w[c] as number) : cell.padStart(w[c] as number))).join('  '),
  );
  return [
    `honest one-keystroke remote update into ${r.doc} (${r.chars} chars), ${r.updates} updates each`,
    ...lines,
    `held after the attack: ${r.pendingStructs} structs (${r.pendingBytes} estimated bytes; limits ${r.maxPending} / ${r.maxPendingBytes}), ${r.pendingDeletes} deleted ranges; full: ${r.full}`,
    `attack: ${r.attackFrames} frames, ${r.attackBytes} bytes, applied in ${r.attackMs} ms; after/before median ${r.medianRatio}, after/control ${r.attackRatio}; ok: ${r.ok}`,
  ].join('\n');
}
