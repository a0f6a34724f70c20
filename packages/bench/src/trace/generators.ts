/**
 * Seeded editing-trace generators for the kinds of history the shared traces lack (issue 16: build
 * for the general case, not for two traces). Each simulates one person at an editor with a cursor
 * and emits the patches the editor would send, so every trace is valid by construction and its
 * `endContent` is computed by the reference splice replay:
 *
 * - `code`: lines of code with indentation; short typing bursts, backspace bursts, frequent cursor
 *   jumps between lines, identifiers renamed (a word selected and retyped), lines deleted and
 *   duplicated.
 * - `churn`: a long-lived document where most of what is typed is deleted again (paragraphs typed,
 *   then large ranges cut, rewritten): the final text is a small fraction of the history.
 * - `paste`: paste-heavy: a paste of 50–2,000 characters or a cut-and-paste move of a range about
 *   every 12 actions (one per ~40 keystrokes), typing between them; a quarter of the text is cut
 *   whenever it passes 150,000 characters.
 * - `undo`: undo-heavy: each action is recorded, and runs of the latest actions are undone (their
 *   inverse patches, in reverse order) and sometimes redone.
 * - `emoji`: CJK and emoji prose (characters outside the BMP are two UTF-16 units; the cursor
 *   never splits one, deletes take whole characters).
 *
 * Positions are UTF-16 code units, as loaded traces have them (`trace-file.ts`).
 */
import { createRng } from '../util/prng.js';
import type { EditingTrace, TracePatch, TraceTxn } from './trace-types.js';

/** The generator names `gen:<kind>` accepts. */
export const GENERATED_KINDS = ['code', 'churn', 'paste', 'undo', 'emoji'] as const;
/** One of {@link GENERATED_KINDS}. */
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

type Rng = ReturnType<typeof createRng>;

/** The text being edited and the patches that edited it. */
class Editor {
  text = '';
  cursor = 0;
  readonly txns: TraceTxn[] = [];

  constructor(readonly rng: Rng) {}

  /** Apply `patches` as one transaction. */
  txn(...patches: TracePatch[]): void {
    for (const [pos, del, ins] of patches)
      this.text = this.text.slice(0, pos) + ins + this.text.slice(pos + del);
    this.txns.push({ patches });
  }

  /** Type `s` at the cursor, one transaction per character (as keystrokes arrive). */
  type(s: string): void {
    for (const ch of s) {
      this.txn([this.cursor, 0, ch]);
      this.cursor += ch.length;
    }
  }

  /** `n` backspaces at the cursor (whole characters), one transaction each. */
  backspace(n: number): void {
    for (let k = 0; k < n && this.cursor > 0; k++) {
      const w = isLow(this.text.charCodeAt(this.cursor - 1)) && this.cursor > 1 ? 2 : 1;
      this.cursor -= w;
      this.txn([this.cursor, w, '']);
    }
  }

  /** Move the cursor to `p`, never inside a surrogate pair. */
  moveTo(p: number): void {
    let c = Math.max(0, Math.min(p, this.text.length));
    if (c > 0 && c < this.text.length && isLow(this.text.charCodeAt(c))) c--;
    this.cursor = c;
  }

  trace(): EditingTrace {
    return { startContent: '', endContent: detached(this.text), txns: this.txns };
  }
}

/**
 * A copy of `s` that holds no other string: a slice of a long text (or the text built by many
 * edits) would keep that whole text (or every piece of it) alive, and the trace bench counts the
 * memory a replay holds.
 */
function detached(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

const WORDS = ['the', 'of', 'a', 'replica', 'merge', 'state', 'vector', 'clock', 'leader', 'term', 'log'];
const IDENTS = ['count', 'index', 'result', 'buffer', 'node', 'value', 'items', 'offset', 'length'];
const CJK =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经';
const EMOJI = ['😀', '🎉', '👍', '🚀', '❤️', '🔥', '✨', '🙈', '👩‍💻', '🇯🇵', 'é', '한'];

function pick<T>(rng: Rng, arr: readonly T[]): T {
  return arr[rng.int(arr.length)] as T;
}

/** Start of the line holding position `p`, and its end (before the newline). */
function lineAt(text: string, p: number): [number, number] {
  const start = text.lastIndexOf('\n', p - 1) + 1;
  const nl = text.indexOf('\n', p);
  return [start, nl < 0 ? text.length : nl];
}

function code(e: Editor, edits: number): void {
  const rng = e.rng;
  let indent = 0;
  while (e.txns.length < edits) {
    const r = rng.next();
    if (r < 0.35) {
      // A statement on a new line after the current one.
      const [, end] = lineAt(e.text, e.cursor);
      e.moveTo(end);
      indent = Math.max(0, Math.min(8, indent + (rng.next() < 0.3 ? 2 : rng.next() < 0.3 ? -2 : 0)));
      e.type(`\n${' '.repeat(indent)}${pick(rng, IDENTS)} = ${pick(rng, IDENTS)}(${pick(rng, IDENTS)});`);
    } else if (r < 0.55) {
      // A typo fixed: a few backspaces, retyped.
      const n = 1 + rng.int(6);
      e.backspace(n);
      e.type(pick(rng, IDENTS).slice(0, n));
    } else if (r < 0.75) {
      // Jump to another line, type a little there.
      e.moveTo(rng.int(e.text.length + 1));
      e.type(pick(rng, [' ', '.', 'x', '1', ', ', pick(rng, IDENTS)]));
    } else if (r < 0.88 && e.text.length > 0) {
      // Rename: select a word-sized range and retype it (one replace, then keystrokes).
      const at = rng.int(e.text.length);
      const len = Math.min(e.text.length - at, 3 + rng.int(8));
      e.moveTo(at);
      const name = pick(rng, IDENTS);
      e.txn([e.cursor, Math.min(len, e.text.length - e.cursor), name.slice(0, 1)]);
      e.cursor += 1;
      e.type(name.slice(1));
    } else if (r < 0.95 && e.text.length > 0) {
      // Delete a line.
      const [start, end] = lineAt(e.text, rng.int(e.text.length));
      const del = Math.min(e.text.length - start, end - start + 1);
      if (del > 0) e.txn([start, del, '']);
      e.moveTo(start);
    } else if (e.text.length > 0) {
      // Duplicate a line (copy, paste below).
      const [start, end] = lineAt(e.text, rng.int(e.text.length));
      e.txn([end, 0, detached(`\n${e.text.slice(start, end)}`)]);
      e.moveTo(end + 1);
    }
  }
}

function churn(e: Editor, edits: number): void {
  const rng = e.rng;
  while (e.txns.length < edits) {
    const r = rng.next();
    if (r < 0.8 || e.text.length < 200) {
      e.moveTo(rng.next() < 0.7 ? e.text.length : rng.int(e.text.length + 1));
      const n = 3 + rng.int(12);
      const words: string[] = [];
      for (let k = 0; k < n; k++) words.push(pick(rng, WORDS));
      e.type(`${words.join(' ')}. `);
      if (rng.next() < 0.3) e.backspace(1 + rng.int(10));
    } else {
      // Cut most of a large range (the document keeps shrinking back).
      const at = rng.int(e.text.length);
      const del = Math.min(e.text.length - at, Math.floor(e.text.length * (0.2 + 0.6 * rng.next())));
      e.txn([at, del, '']);
      e.moveTo(at);
    }
  }
}

function paste(e: Editor, edits: number): void {
  const rng = e.rng;
  while (e.txns.length < edits) {
    const r = rng.next();
    if (e.text.length > 150_000) {
      // Keep the document at a size people edit: cut a large part.
      const at = rng.int(e.text.length >> 1);
      e.txn([at, e.text.length >> 2, '']);
      e.moveTo(at);
    } else if (r < 0.06 || e.text.length < 100) {
      let s = '';
      const n = 50 + rng.int(1950);
      while (s.length < n) s += `${pick(rng, WORDS)} `;
      s = detached(s);
      e.moveTo(rng.int(e.text.length + 1));
      e.txn([e.cursor, 0, s]);
      e.cursor += s.length;
    } else if (r < 0.12) {
      // Cut a range and paste it elsewhere: two transactions, as an editor sends them.
      const at = rng.int(e.text.length);
      const len = Math.min(e.text.length - at, 10 + rng.int(400));
      const moved = detached(e.text.slice(at, at + len));
      e.txn([at, len, '']);
      e.moveTo(rng.int(e.text.length + 1));
      e.txn([e.cursor, 0, moved]);
      e.cursor += moved.length;
    } else if (r < 0.16) {
      const at = rng.int(e.text.length);
      e.txn([at, Math.min(e.text.length - at, 1 + rng.int(200)), '']);
      e.moveTo(at);
    } else {
      e.moveTo(rng.next() < 0.1 ? rng.int(e.text.length + 1) : e.cursor);
      e.type(`${pick(rng, WORDS)} `);
    }
  }
}

function undo(e: Editor, edits: number): void {
  const rng = e.rng;
  /** Actions as their patches, and what undoes them (inverse patches, already in order). */
  const done: { redo: TracePatch[]; undo: TracePatch[] }[] = [];
  /** One action: apply `p` and remember its inverse. */
  const act = (p: TracePatch): void => {
    const [pos, del, ins] = p;
    const inverse: TracePatch = [pos, ins.length, detached(e.text.slice(pos, pos + del))];
    e.txn(p);
    done.push({ redo: [p], undo: [inverse] });
  };
  while (e.txns.length < edits) {
    const r = rng.next();
    if (r < 0.78 || e.text.length === 0) {
      e.moveTo(rng.next() < 0.8 ? e.cursor : rng.int(e.text.length + 1));
      act([e.cursor, 0, `${pick(rng, WORDS)} `]);
      e.moveTo(e.cursor + (done.at(-1)?.redo[0]?.[2].length ?? 0));
    } else if (r < 0.9) {
      const at = rng.int(e.text.length);
      act([at, Math.min(e.text.length - at, 1 + rng.int(8)), '']);
      e.moveTo(at);
    } else {
      // Undo the last few actions (one transaction each), then maybe redo some of them.
      const n = Math.min(done.length, 1 + rng.int(5));
      const undone = done.splice(done.length - n, n).reverse();
      for (const a of undone) e.txn(...a.undo);
      // Redo starts with the oldest action undone (the last of `undone`).
      const again = rng.next() < 0.5 ? rng.int(n + 1) : 0;
      for (let k = n - 1; k >= n - again; k--) {
        const a = undone[k] as { redo: TracePatch[]; undo: TracePatch[] };
        e.txn(...a.redo);
        done.push(a);
      }
      e.moveTo(e.cursor);
    }
  }
}

function emoji(e: Editor, edits: number): void {
  const rng = e.rng;
  while (e.txns.length < edits) {
    const r = rng.next();
    if (r < 0.7 || e.text.length === 0) {
      if (rng.next() < 0.1) e.moveTo(rng.int(e.text.length + 1));
      const n = 1 + rng.int(6);
      let s = '';
      for (let k = 0; k < n; k++)
        s += rng.next() < 0.75 ? (CJK[rng.int(CJK.length)] as string) : pick(rng, EMOJI);
      e.type(s);
    } else if (r < 0.9) e.backspace(1 + rng.int(4));
    else {
      // Select whole characters and delete them.
      e.moveTo(rng.int(e.text.length + 1));
      const from = e.cursor;
      e.moveTo(from + 1 + rng.int(12));
      if (e.cursor > from) e.txn([from, e.cursor - from, '']);
      e.moveTo(from);
    }
  }
}

const GENERATORS: Record<GeneratedKind, (e: Editor, edits: number) => void> = {
  code,
  churn,
  paste,
  undo,
  emoji,
};

/**
 * A generated trace of `kind` with about `edits` transactions (the last action may add a few),
 * from `seed`.
 */
export function generateTrace(kind: GeneratedKind, edits: number, seed: number): EditingTrace {
  const e = new Editor(createRng(seed));
  GENERATORS[kind](e, edits);
  return e.trace();
}
