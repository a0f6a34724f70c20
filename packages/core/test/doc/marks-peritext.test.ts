/**
 * The worked examples of Peritext (Litt, Lim, Kleppmann, van Hardenberg 2022): the scenarios of
 * the paper and of its reference implementation's test suite, each with the outcome they expect.
 * Text "The Peritext editor" unless stated; two replicas edit concurrently, then sync both ways.
 */
import { Doc } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from '../sync/helpers.js';

type Step = (d: Doc) => void;

/**
 * Both replicas start from `initial` (typed by a third), run `pre` on the first and sync, then
 * run `one` and `two` concurrently and sync. Replica two's wall clock runs a second ahead, so its
 * marks are the later ones and win conflicts. Returns the delta (equal on both replicas).
 */
function concurrent(initial: string, pre: Step[], one: Step[], two: Step[]): unknown[] {
  const base = makeDoc(1);
  base.getText('t').insert(0, initial);
  const a = makeDoc(2);
  let tb = 1_001_000;
  const b = new Doc({ clientId: 3, now: () => tb++ });
  syncBoth(base, a);
  syncBoth(base, b);
  for (const s of pre) s(a);
  syncBoth(a, b);
  for (const s of one) s(a);
  for (const s of two) s(b);
  syncBoth(a, b);
  const da = a.getText('t').toDelta();
  const db = b.getText('t').toDelta();
  expect(da).toEqual(db);
  return da;
}

const fmt =
  (index: number, length: number, attrs: Record<string, unknown>): Step =>
  (d) =>
    d.getText('t').format(index, length, attrs);
const ins =
  (index: number, s: string): Step =>
  (d) =>
    d.getText('t').insert(index, s);
const del =
  (index: number, n: number): Step =>
  (d) =>
    d.getText('t').delete(index, n);

const T = 'The Peritext editor';
const bold = { bold: true };
const unbold = { bold: null };

describe('Peritext worked examples', () => {
  it('formats one word', () => {
    expect(concurrent(T, [], [fmt(4, 8, bold)], [])).toEqual([
      { insert: 'The ' },
      { insert: 'Peritext', attributes: bold },
      { insert: ' editor' },
    ]);
  });

  it('merges concurrent overlapping bold and italic', () => {
    expect(concurrent(T, [], [fmt(0, 12, bold)], [fmt(4, 15, { italic: true })])).toEqual([
      { insert: 'The ', attributes: bold },
      { insert: 'Peritext', attributes: { bold: true, italic: true } },
      { insert: ' editor', attributes: { italic: true } },
    ]);
  });

  it('merges an insert at the end of the text with italic to the end', () => {
    expect(
      concurrent(T, [], [fmt(0, 12, bold), ins(19, ' is great!')], [fmt(4, 15, { italic: true })]),
    ).toEqual([
      { insert: 'The ', attributes: bold },
      { insert: 'Peritext', attributes: { bold: true, italic: true } },
      { insert: ' editor is great!', attributes: { italic: true } },
    ]);
  });

  it('merges concurrent bold and unbold (the later wins where they overlap)', () => {
    expect(concurrent(T, [], [fmt(0, 12, bold)], [fmt(4, 15, unbold)])).toEqual([
      { insert: 'The ', attributes: bold },
      { insert: 'Peritext editor' },
    ]);
  });

  it('merges concurrent bold and an unbold inside it', () => {
    expect(concurrent(T, [], [fmt(0, 19, bold)], [fmt(4, 8, unbold)])).toEqual([
      { insert: 'The ', attributes: bold },
      { insert: 'Peritext' },
      { insert: ' editor', attributes: bold },
    ]);
  });

  it('merges concurrent bold and a one-character unbold', () => {
    expect(concurrent(T, [], [fmt(0, 19, bold)], [fmt(4, 1, unbold)])).toEqual([
      { insert: 'The ', attributes: bold },
      { insert: 'P' },
      { insert: 'eritext editor', attributes: bold },
    ]);
  });

  it('does not format text typed where a formatted span was deleted', () => {
    expect(concurrent(T, [fmt(4, 8, bold), del(4, 8)], [ins(4, 'x')], [])).toEqual([
      { insert: 'The x editor' },
    ]);
  });

  it('grows a bold span to the right', () => {
    expect(concurrent(T, [], [], [fmt(4, 8, bold), ins(12, '!')])).toEqual([
      { insert: 'The ' },
      { insert: 'Peritext!', attributes: bold },
      { insert: ' editor' },
    ]);
  });

  it('does not grow a bold span to the left', () => {
    expect(concurrent(T, [], [], [fmt(4, 8, bold), ins(4, '!')])).toEqual([
      { insert: 'The !' },
      { insert: 'Peritext', attributes: bold },
      { insert: ' editor' },
    ]);
  });

  const link = { link: { url: 'inkandswitch.com' } };

  it('does not grow a link to the right', () => {
    expect(concurrent(T, [], [], [fmt(4, 8, link), ins(12, '!')])).toEqual([
      { insert: 'The ' },
      { insert: 'Peritext', attributes: link },
      { insert: '! editor' },
    ]);
  });

  it('does not grow a link to the left', () => {
    expect(concurrent(T, [], [], [fmt(4, 8, link), ins(4, '!')])).toEqual([
      { insert: 'The !' },
      { insert: 'Peritext', attributes: link },
      { insert: ' editor' },
    ]);
  });

  it('grows only bold when bold and a link end at the same place', () => {
    expect(concurrent(T, [], [], [fmt(4, 8, link), fmt(4, 8, bold), ins(12, '!')])).toEqual([
      { insert: 'The ' },
      { insert: 'Peritext', attributes: { ...link, bold: true } },
      { insert: '!', attributes: bold },
      { insert: ' editor' },
    ]);
  });

  it('grows adjacent bold and unbold spans correctly', () => {
    expect(
      concurrent('ABCDE', [], [fmt(0, 5, bold), fmt(1, 3, unbold), ins(1, 'F'), ins(5, 'G')], []),
    ).toEqual([{ insert: 'AF', attributes: bold }, { insert: 'BCDG' }, { insert: 'E', attributes: bold }]);
  });

  it('does not grow a link whose last character was deleted', () => {
    expect(
      concurrent(
        'ABCDE',
        [],
        [fmt(1, 3, { link: { url: 'inkandswitch.com' } }), del(1, 1), del(2, 1), ins(2, 'F')],
        [],
      ),
    ).toEqual([{ insert: 'A' }, { insert: 'C', attributes: link }, { insert: 'FE' }]);
  });

  it('merges concurrent bold and insertions at both edges of the span', () => {
    expect(concurrent(T, [], [fmt(4, 8, bold)], [ins(4, '*'), ins(13, '*')])).toEqual([
      { insert: 'The *' },
      { insert: 'Peritext*', attributes: bold },
      { insert: ' editor' },
    ]);
  });

  it('puts an insertion where bold ends and italic begins into the bold', () => {
    expect(concurrent(T, [], [fmt(4, 8, bold), fmt(12, 7, { italic: true })], [ins(12, '[1]')])).toEqual([
      { insert: 'The ' },
      { insert: 'Peritext[1]', attributes: bold },
      { insert: ' editor', attributes: { italic: true } },
    ]);
  });

  it('bolds an insertion between a bold and an unbolded character', () => {
    expect(concurrent('AC', [], [fmt(0, 2, bold), fmt(1, 1, unbold)], [ins(1, 'B')])).toEqual([
      { insert: 'AB', attributes: bold },
      { insert: 'C' },
    ]);
  });

  it('does not bold an insertion between an unbolded and a bold character', () => {
    expect(concurrent('AC', [], [fmt(0, 2, bold), fmt(0, 1, unbold)], [ins(1, 'B')])).toEqual([
      { insert: 'AB' },
      { insert: 'C', attributes: bold },
    ]);
  });

  it('joins concurrent adjacent formatting', () => {
    expect(concurrent('ABCDE', [], [fmt(1, 1, bold)], [fmt(2, 1, bold)])).toEqual([
      { insert: 'A' },
      { insert: 'BC', attributes: bold },
      { insert: 'DE' },
    ]);
  });

  it('keeps a span whose edge characters were deleted', () => {
    expect(
      concurrent(
        'The *Peritext* editor',
        [],
        [fmt(4, 10, bold), del(4, 1), del(12, 1)],
        [ins(5, '_'), ins(14, '_')],
      ),
    ).toEqual([{ insert: 'The ' }, { insert: '_Peritext_', attributes: bold }, { insert: ' editor' }]);
  });

  it('formats text inserted into a span deleted concurrently', () => {
    expect(concurrent(T, [fmt(4, 8, bold)], [del(4, 8)], [del(5, 3), ins(5, 'ara')])).toEqual([
      { insert: 'The ' },
      { insert: 'ara', attributes: bold },
      { insert: ' editor' },
    ]);
  });

  it('shows nothing of a mark on text deleted concurrently', () => {
    expect(concurrent(T, [], [del(4, 9)], [fmt(5, 6, bold)])).toEqual([{ insert: 'The editor' }]);
  });

  it('formats one character', () => {
    expect(concurrent(T, [], [], [fmt(4, 1, bold)])).toEqual([
      { insert: 'The ' },
      { insert: 'P', attributes: bold },
      { insert: 'eritext editor' },
    ]);
  });

  it('shows nothing of a link on one character deleted concurrently', () => {
    expect(concurrent('ABCDE', [], [del(2, 1)], [fmt(2, 1, link)])).toEqual([{ insert: 'ABDE' }]);
  });

  const a = { link: { url: 'A.com' } };

  it('keeps what is visible of marks whose edges were deleted', () => {
    expect(concurrent('ABCDE', [], [fmt(2, 2, a), del(1, 2), del(2, 1)], [fmt(3, 2, a)])).toEqual([
      { insert: 'A' },
      { insert: 'D', attributes: a },
    ]);
    expect(concurrent('ABCDE', [], [del(4, 1)], [fmt(3, 2, a)])).toEqual([
      { insert: 'ABC' },
      { insert: 'D', attributes: a },
    ]);
  });

  it('lets comments overlap (one key per comment)', () => {
    expect(
      concurrent(T, [], [fmt(0, 12, { 'comment:abc-123': true })], [fmt(4, 15, { 'comment:def-789': true })]),
    ).toEqual([
      { insert: 'The ', attributes: { 'comment:abc-123': true } },
      { insert: 'Peritext', attributes: { 'comment:abc-123': true, 'comment:def-789': true } },
      { insert: ' editor', attributes: { 'comment:def-789': true } },
    ]);
  });

  it('picks one link where concurrent links overlap (the later)', () => {
    const ink = { link: { url: 'https://inkandswitch.com' } };
    const google = { link: { url: 'https://google.com' } };
    expect(concurrent(T, [], [fmt(4, 8, ink)], [fmt(4, 8, google)])).toEqual([
      { insert: 'The ' },
      { insert: 'Peritext', attributes: google },
      { insert: ' editor' },
    ]);
    expect(concurrent(T, [], [fmt(0, 12, ink)], [fmt(4, 15, google)])).toEqual([
      { insert: 'The ', attributes: ink },
      { insert: 'Peritext editor', attributes: google },
    ]);
  });
});
