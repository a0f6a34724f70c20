/**
 * Synthetic editing traces in the shared trace format, for tests and fuzzing: typing runs,
 * backspaces, deletions of ranges, pastes and multi-patch transactions, with non-ASCII BMP text.
 */
import { createRng } from '../util/prng.js';
import type { EditingTrace, TracePatch, TraceTxn } from './trace-file.js';

const alphabet = 'abcdefghijklmnopqrstuvwxyz    éüß漢字한글';

/**
 * Generates a trace of `edits` transactions from `seed`; `endContent` is computed by the
 * reference splice replay, so the trace is valid by construction.
 */
export function syntheticTrace(edits: number, seed: number): EditingTrace {
  const rng = createRng(seed);
  const char = () => alphabet[rng.int(alphabet.length)] as string;
  let text = '';
  let cursor = 0;
  const txns: TraceTxn[] = [];
  const apply = (p: TracePatch) => {
    const [pos, del, ins] = p;
    text = text.slice(0, pos) + ins + text.slice(pos + del);
  };
  for (let i = 0; i < edits; i++) {
    if (rng.next() < 0.1) cursor = rng.int(text.length + 1);
    cursor = Math.min(cursor, text.length);
    const roll = rng.next();
    const patches: TracePatch[] = [];
    if (roll < 0.65 || text.length === 0) {
      patches.push([cursor, 0, char()]);
      cursor += 1;
    } else if (roll < 0.85 && cursor > 0) {
      patches.push([cursor - 1, 1, '']);
      cursor -= 1;
    } else if (roll < 0.92) {
      const len = Math.min(text.length - cursor, 1 + rng.int(8));
      patches.push([cursor, len, rng.next() < 0.5 ? '' : `${char()}${char()}${char()}`]);
    } else if (roll < 0.96) {
      let paste = '';
      for (let k = 0; k < 20 + rng.int(40); k++) paste += char();
      patches.push([cursor, 0, paste]);
      cursor += paste.length;
    } else {
      // Two independent patches in one transaction, in descending position order (as upstream).
      const hi = rng.int(text.length + 1);
      const lo = rng.int(hi + 1);
      patches.push([hi, 0, char()], [lo, 0, char()]);
    }
    for (const p of patches) apply(p);
    txns.push({ patches });
  }
  return { startContent: '', endContent: text, txns };
}
