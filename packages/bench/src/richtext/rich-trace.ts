/**
 * Seeded rich-text traces: a plain editing trace (`trace/trace-file.ts`) with formatting added at a
 * realistic rate, for `bench:richtext`. The rich trace makes **the same edits** as the plain one
 * (the very same patches, in the same transactions) plus formatting steps between them, so a
 * replay of the rich trace and a replay of the plain trace compare the cost of formatting alone.
 *
 * What is added (rates per keystroke, a keystroke being one patch of the plain trace):
 * - **format actions**, on average one per {@link RichTraceOptions.every} keystrokes (default
 *   {@link REALISTIC_EVERY}, the density of the source documents' own markup: see below), each one of
 *   - 55% bold or italic over the word just typed (the word ending at the last edit, 60% of actions
 *     happen there) or over one to four words around a random place (a selection); when the whole
 *     range already has the attribute the action removes it instead (`null`), as an editor's
 *     toggle does;
 *   - 15% a link with an `href` over one to four words (skipped where a link already is: links do
 *     not overlap, as in an editor, where linking over a link replaces it);
 *   - 10% a comment (`comment:<id>`: `true`, ids counting up) over two to eight words;
 *   - 10% unformatting: `bold` and `italic` set to `null` over one to six words;
 *   - 10% typing with attributes: the next run of typed characters (until the caret jumps or a
 *     delete comes) is inserted with explicit attributes: those it would inherit plus bold or
 *     italic toggled, as after Ctrl+B (one action however many characters follow).
 * - Inserts with explicit attributes where the two semantics compared differ (see below).
 *
 * Why one action per 250 keystrokes: the two traces are real documents whose formatting is in
 * their text. seph-blog1's final text (Markdown, 56,769 characters) holds 102 `*italic*` spans, 6
 * `**bold**`, 68 `[links](…)` and 28 `` `code` `` spans: about 204, one per 278 characters.
 * automerge-paper's (LaTeX, 104,852 characters) holds 32 `\emph`, 42 `\texttt` and 2 `\url`:
 * 76, one per 1,380 characters (186, one per 564, counting its 110 `\cite` and `\ref` as links).
 * At one action per 250 keystrokes the final document has one formatted span (bold, italic, link
 * or comment) per 219 characters (automerge-paper) or 237 (seph-blog1): on both traces more
 * densely formatted than the more formatted of the two documents, and 2.6 to 6.3 times the other.
 * The rate counts every action of the history, including those over text later deleted and the
 * toggles and unformatting that leave no span.
 * `every` sets another rate: 40 (one span per ~50 final characters: 5.6 times seph-blog1's
 * density, 11 to 28 times automerge-paper's) is the stress load the bench also reports.
 *
 * **Agreement with Yjs.** Accord follows Peritext: text typed after a `link` or a comment is not
 * linked, bold and italic grow. Yjs's `Y.Text.insert` without attributes copies every attribute of
 * the character before. So wherever the character before the insert carries a link or comment
 * that the character after does not carry with the same value (the end of its range), the trace
 * gives the insert explicit attributes: the growing attributes of the character before, `null`
 * for the others (Yjs keeps an attribute an explicit insert does not name). Inside a link or
 * comment (the same value on both sides: the same mark, since links never overlap and comment
 * keys are unique) both libraries cover the new text.
 *
 * Peritext places text typed where characters carrying a link or comment were deleted after those
 * tombstones (so it does not join the link), which can leave a growing mark behind or put the text
 * inside a comment that starts there. The generator does not model tombstones: at such places
 * (the character before was next to such a delete) it asks an Accord document replaying the rich
 * trace as it is made (the oracle) which attributes the text got, and gives the insert those
 * explicitly when Yjs would give others. Explicit attributes always equal what Accord's text
 * already has there, so they never add a removal mark that later edits could not see. With these
 * rules both libraries must end with the same formatting, and `toDelta()` is compared exactly
 * (with the generator's own expected formatting, which must also equal the oracle's).
 *
 * Everything is derived from the seed: the same plain trace, seed and options give the same rich
 * trace.
 */
import { type AttributesPatch, Doc } from '@accord/core';
import type { EditingTrace, TracePatch } from '../trace/trace-file.js';
import { createRng, type Rng } from '../util/prng.js';
import type { RichStep, RichTrace, RichTraceStats } from './rich-trace-types.js';
import { type Attrs, EMPTY, keyOf, RunModel, UNSAFE, visible } from './run-model.js';
import { wordsFrom } from './words.js';

/** Options of {@link richTrace}. */
export interface RichTraceOptions {
  /** Seed of every random choice (default 1). */
  seed?: number;
  /** Mean keystrokes per formatting action (default {@link REALISTIC_EVERY}). */
  every?: number;
}

/**
 * Keystrokes per formatting action that give the formatting density of the source documents' own
 * markup (see the module comment): the default rate.
 */
export const REALISTIC_EVERY = 250;

/** Names that do not grow when text is typed at their end (as core's `markExpands`). */
function grows(key: string): boolean {
  return !(key === 'link' || key === 'comment' || key.startsWith('comment:'));
}

/**
 * The rich trace of `plain` (see the module comment): the same transactions, some inserts with
 * explicit attributes, and formatting steps between transactions.
 */
export function richTrace(plain: EditingTrace, options: RichTraceOptions = {}): RichTrace {
  const rng: Rng = createRng(options.seed ?? 1);
  const every = options.every ?? REALISTIC_EVERY;
  const stats: RichTraceStats = {
    keystrokes: 0,
    formats: 0,
    boldItalic: 0,
    unformat: 0,
    links: 0,
    comments: 0,
    typingRuns: 0,
    attributedInserts: 0,
  };
  const model = new RunModel();
  /** Accord replaying the rich trace as it is made: Peritext's answer where the rules cannot tell. */
  const oracle = new Doc({ clientId: 1 }).getText('text');
  if (plain.startContent !== '') oracle.insert(0, plain.startContent);
  let text = plain.startContent;
  if (text.length > 0) model.splice(0, 0, text.length, EMPTY, 0);
  const steps: RichStep[] = [];
  let lastEdit = 0;
  /** The typing run with explicit attributes: its toggle, and where the next character goes. */
  let typing = null as { key: string; on: boolean; at: number } | null;
  let nextComment = 0;
  let nextLink = 0;

  const format = (from: number, to: number, attributes: AttributesPatch): void => {
    if (from >= to) return;
    steps.push({ kind: 'format', index: from, length: to - from, attributes });
    oracle.format(from, to - from, attributes);
    model.format(from, to, attributes, text.length);
    stats.formats++;
  };
  /** Whether every character of `from .. to - 1` has `key`. */
  const allHave = (from: number, to: number, key: string): boolean => {
    for (let p = from; p < to; p++) if (!(key in model.at(p))) return false;
    return true;
  };

  /** Whether some character of `from .. to - 1` has `key`. */
  const anyHas = (from: number, to: number, key: string): boolean => {
    for (let p = from; p < to; p++) if (key in model.at(p)) return true;
    return false;
  };

  const action = (): void => {
    if (text.length === 0) return;
    const roll = rng.next();
    const near = rng.next() < 0.6;
    const anchor = near ? Math.max(0, lastEdit - 1) : rng.int(text.length);
    if (roll < 0.55) {
      const key = rng.next() < 0.6 ? 'bold' : 'italic';
      const [a, b] = near ? wordsFrom(text, anchor, 1) : wordsFrom(text, anchor, 1 + rng.int(4));
      format(a, b, { [key]: allHave(a, b, key) ? null : true });
      stats.boldItalic++;
    } else if (roll < 0.7) {
      const [a, b] = wordsFrom(text, anchor, 1 + rng.int(4));
      // Links never overlap (each character has at most one link mark: see the module comment).
      if (anyHas(a, b, 'link')) return;
      format(a, b, { link: { href: `https://example.org/${(nextLink++).toString(36)}` } });
      stats.links++;
    } else if (roll < 0.8) {
      const [a, b] = wordsFrom(text, anchor, 2 + rng.int(7));
      format(a, b, { [`comment:${nextComment++}`]: true });
      stats.comments++;
    } else if (roll < 0.9) {
      const [a, b] = wordsFrom(text, anchor, 1 + rng.int(6));
      format(a, b, { bold: null, italic: null });
      stats.unformat++;
    } else {
      const key = rng.next() < 0.6 ? 'bold' : 'italic';
      const on = !(lastEdit > 0 && key in model.at(lastEdit - 1));
      typing = { key, on, at: lastEdit };
      stats.typingRuns++;
    }
  };

  /** Same visible attributes (names and values). */
  const same = (a: Attrs, b: Attrs): boolean => keyOf(visible(a)) === keyOf(visible(b));

  /**
   * Insert `ins` at `pos` in the oracle and the model, and return the explicit attributes the
   * insert must carry (undefined: it inherits). See the module comment.
   */
  const insertAt = (pos: number, ins: string): AttributesPatch | undefined => {
    const left = pos === 0 ? EMPTY : model.at(pos - 1);
    const right = pos === text.length ? EMPTY : model.at(pos);
    const typed = typing !== null && typing.at === pos;
    let got: Record<string, unknown>;
    let explicit = typed;
    if (UNSAFE in left) {
      // Placed after tombstones: ask Peritext (the oracle) what the text inherits.
      oracle.insert(pos, ins);
      got = { ...oracle.attributesAt(pos) };
      if (!same(got, left)) explicit = true;
    } else {
      got = {};
      for (const [k, v] of Object.entries(left)) {
        if (k === UNSAFE) continue;
        // A link or comment covers the new text only inside its range (the same value on the
        // right: the same mark, as no two links overlap and comment keys are unique).
        if (grows(k) || (k in right && JSON.stringify(right[k]) === JSON.stringify(v))) got[k] = v;
        else explicit = true;
      }
      oracle.insert(pos, ins);
    }
    let patch: Record<string, unknown> | undefined;
    if (explicit) {
      patch = { ...got };
      for (const k of Object.keys(left)) if (k !== UNSAFE && !(k in got)) patch[k] = null;
      if (typing !== null && typed) {
        const want = typing.on ? true : null;
        if ((got[typing.key] ?? null) !== want) oracle.format(pos, ins.length, { [typing.key]: want });
        if (typing.on) got[typing.key] = true;
        else delete got[typing.key];
        patch[typing.key] = want;
      }
    }
    model.splice(pos, 0, ins.length, got, text.length);
    text = text.slice(0, pos) + ins + text.slice(pos);
    return patch;
  };

  const t = plain.txns;
  for (let i = 0; i < t.length; i++) {
    const patches = (t[i] as { patches: readonly TracePatch[] }).patches;
    let attrs: (AttributesPatch | undefined)[] | undefined;
    for (let j = 0; j < patches.length; j++) {
      const [pos, del, ins] = patches[j] as TracePatch;
      stats.keystrokes++;
      let unsafe = false;
      if (del > 0) {
        for (let p = pos; p < pos + del && !unsafe; p++) {
          for (const k of Object.keys(model.at(p))) if (!grows(k) || k === UNSAFE) unsafe = true;
        }
      }
      if (del > 0 || (typing !== null && typing.at !== pos)) typing = null;
      if (del > 0) oracle.delete(pos, del);
      let a: AttributesPatch | undefined;
      if (ins.length > 0) {
        // Attributes come from the text before the delete of this patch, as the libraries see it
        // after the delete: the character at pos - 1 is not deleted (the delete starts at pos).
        model.splice(pos, del, 0, EMPTY, text.length);
        text = text.slice(0, pos) + text.slice(pos + del);
        if (unsafe && pos > 0) model.markUnsafe(pos - 1, text.length);
        a = insertAt(pos, ins);
        if (a !== undefined) {
          stats.attributedInserts++;
          attrs ??= new Array(patches.length).fill(undefined);
          attrs[j] = a;
        }
        if (typing !== null) typing.at = pos + ins.length;
        lastEdit = pos + ins.length;
      } else {
        model.splice(pos, del, 0, EMPTY, text.length);
        text = text.slice(0, pos) + text.slice(pos + del);
        if (unsafe && pos > 0) model.markUnsafe(pos - 1, text.length);
        lastEdit = pos;
      }
    }
    steps.push(
      attrs === undefined
        ? { kind: 'edit', txn: i, patches }
        : { kind: 'edit', txn: i, patches, attributes: attrs },
    );
    // One action per `every` keystrokes on average.
    for (let j = 0; j < patches.length; j++) if (rng.int(every) === 0) action();
  }
  if (text !== plain.endContent)
    throw new Error('rich trace: the plain trace does not end with its endContent');
  const endDelta = model.delta(text);
  if (JSON.stringify(endDelta) !== JSON.stringify(oracle.toDelta()))
    throw new Error('rich trace: the model and the oracle disagree on the formatting');
  return { startContent: plain.startContent, endContent: text, steps, endDelta, stats };
}
