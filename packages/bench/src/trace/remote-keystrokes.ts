/**
 * The remote-keystroke measurement of the trace bench: the cost of applying ONE keystroke typed on
 * another replica to a document that carries a whole trace's history (automerge-paper: about
 * 100k characters after 260k edits). This is what every collaborator's keystroke costs a
 * receiving replica, as opposed to the bulk numbers of a replay.
 *
 * A second replica (its own replica id) is loaded from the replayed document's encoding. It types
 * seeded runs of characters at random positions, with an occasional backspace, one library
 * transaction per keystroke; each keystroke's update is applied to the replayed document, and
 * each apply is timed on its own.
 */
import { performance } from 'node:perf_hooks';
import { median } from '../stats/summary.js';
import { createRng } from '../util/prng.js';
import type { PeerReplica } from './adapters/types.js';
import type { TracePatch } from './trace-file.js';

/**
 * How many keystrokes are typed before the timed ones, not measured: the replay warmed only the
 * local path, and a library's remote path needs thousands of calls to reach its optimised code.
 * Medians per 1,000 keystrokes on a two-core machine (session 50, json-crdt-blog-post): Yjs's
 * fall from 25 µs to its steady 10–12 µs by keystroke 5,000; Accord's from 7 µs to 1.5–1.9 µs by
 * then, and to its steady 1.05–1.1 µs only after 8,000–17,000, when the last functions of the
 * path that deoptimized at a branch first taken (a leaf filling up, a run split in a new way) are
 * optimized again. The same for every library; the figure is the steady per-keystroke cost.
 */
const WARMUP = 20_000;

/** Options of {@link measureRemoteKeystrokes}. */
export interface RemoteKeystrokeOptions {
  /** Timed keystrokes (after {@link WARMUP} untimed ones). */
  readonly keystrokes: number;
  /** Seed of the positions, run lengths and characters. */
  readonly seed: number;
}

/** What {@link measureRemoteKeystrokes} measured. */
export interface RemoteKeystrokeResult {
  /** Median microseconds to apply one remote keystroke's update. */
  readonly medianUs: number;
  /** True when both replicas hold the same text afterwards. */
  readonly ok: boolean;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz     etaoin,.\n';

/**
 * The keystrokes of a typist: runs of 1–30 characters at a random position, about one keystroke
 * in eight a backspace; yields one patch list per keystroke, given the text's current length.
 * `text`, for a text with characters outside the BMP: its current content, so that a run starts
 * between code points and backspaces take only what the run typed (no surrogate pair is split).
 */
function* typist(seed: number, text: (() => string) | null): Generator<TracePatch[], never, number> {
  const rng = createRng(seed);
  let length = yield [];
  for (;;) {
    let cursor = rng.int(length + 1);
    if (text !== null && cursor > 0 && cursor < length) {
      const c = text().charCodeAt(cursor);
      if (c >= 0xdc00 && c <= 0xdfff) cursor--;
    }
    const start = cursor;
    const run = 1 + rng.int(30);
    for (let k = 0; k < run; k++) {
      let patch: TracePatch;
      if (cursor > 0 && rng.int(8) === 0 && (text === null || cursor > start)) {
        cursor--;
        patch = [cursor, 1, ''];
      } else {
        patch = [cursor, 0, ALPHABET[rng.int(ALPHABET.length)] as string];
        cursor++;
      }
      length = yield [patch];
    }
  }
}

/**
 * Types `keystrokes` (plus a warm-up) on `typist`, applying each keystroke's update to `target`
 * and timing each apply. `typist` must start as a copy of `target` with its own replica id.
 */
export function measureRemoteKeystrokes(
  target: PeerReplica,
  typistReplica: PeerReplica,
  opts: RemoteKeystrokeOptions,
): RemoteKeystrokeResult {
  const initial = typistReplica.text();
  // Astral characters: the typist keeps a copy of the text to stay between code points.
  let mirror: string | null = /[\uD800-\uDFFF]/.test(initial) ? initial : null;
  const keys = typist(opts.seed, mirror === null ? null : () => mirror as string);
  keys.next(0);
  let length = initial.length;
  const times = new Float64Array(opts.keystrokes);
  const total = WARMUP + opts.keystrokes;
  for (let i = 0; i < total; i++) {
    const patches = keys.next(length).value;
    const update = typistReplica.applyLocal(patches);
    const p = patches[0];
    if (p !== undefined) {
      length += p[2].length - p[1];
      if (mirror !== null) mirror = mirror.slice(0, p[0]) + p[2] + mirror.slice(p[0] + p[1]);
    }
    const t0 = performance.now();
    target.applyRemote(update);
    const dt = performance.now() - t0;
    if (i >= WARMUP) times[i - WARMUP] = dt * 1000;
  }
  return { medianUs: median(Array.from(times)), ok: target.text() === typistReplica.text() };
}
