/**
 * The session adapters over real `@accord/core` documents, two replicas syncing by exchanging
 * updates: text deltas and their sources, the todo list (including concurrent moves of one
 * item) and the counter.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { DocCounterModel } from '../../src/session/counter-adapter.js';
import { DocTextModel } from '../../src/session/text-adapter.js';
import { DocTodoModel } from '../../src/session/todo-adapter.js';
import { applyDelta, type Delta } from '../../src/text/delta.js';

/** Bring `to` up to date with `from`. */
function sync(from: Doc, to: Doc): void {
  applyUpdate(to, encodeStateAsUpdate(from, encodeStateVector(to)), 'remote-peer');
}

function pair(): [Doc, Doc] {
  return [new Doc(), new Doc()];
}

describe('DocTextModel', () => {
  it('reports local splices as local and applied updates as remote deltas that add up', () => {
    const [a, b] = pair();
    const ta = new DocTextModel(a, a.getText('text'));
    const tb = new DocTextModel(b, b.getText('text'));
    const seen: { deltas: readonly Delta[]; source: string }[] = [];
    let mirror = '';
    tb.subscribe((deltas, source) => {
      seen.push({ deltas, source });
      for (const delta of deltas) mirror = applyDelta(mirror, delta);
    });

    ta.splice(0, 0, 'hello world');
    sync(a, b);
    tb.splice(5, 6, ' there');
    ta.splice(0, 0, '>> ');
    sync(a, b);

    expect(tb.value()).toBe('>> hello there');
    expect(mirror).toBe(tb.value());
    expect(seen.map((s) => s.source)).toEqual(['remote', 'local', 'remote']);
  });

  it('anchors positions to characters across remote edits, on the side asked for', () => {
    const [a, b] = pair();
    const ta = new DocTextModel(a, a.getText('text'));
    const tb = new DocTextModel(b, b.getText('text'));
    ta.splice(0, 0, 'hello world');
    sync(a, b);
    const caret = ta.anchor(5, 'left');
    const right = ta.anchor(5, 'right');
    expect(caret).toBeInstanceOf(Uint8Array);
    // Text inserted exactly there, and before it, on the other replica.
    tb.splice(5, 0, ',');
    tb.splice(0, 0, '>> ');
    sync(b, a);
    expect(ta.value()).toBe('>> hello, world');
    expect(ta.resolve(caret)).toBe(8);
    expect(ta.resolve(right)).toBe(9);
    // The other replica resolves the same anchors the same way.
    expect(tb.resolve(caret)).toBe(8);
    // Garbage from a peer resolves to nothing instead of throwing.
    expect(ta.resolve(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(ta.resolve(99)).toBe(ta.value().length);
  });

  it('undoes and redoes only its own edits, reported as undo changes', () => {
    const [a, b] = pair();
    const ta = new DocTextModel(a, a.getText('text'));
    const tb = new DocTextModel(b, b.getText('text'));
    const sources: string[] = [];
    ta.subscribe((_deltas, source) => sources.push(source));
    ta.splice(0, 0, 'mine');
    ta.stopCapturing();
    sync(a, b);
    tb.splice(4, 0, ' theirs');
    sync(b, a);
    expect(ta.value()).toBe('mine theirs');
    expect(ta.undo()).toBe(true);
    expect(ta.value()).toBe(' theirs');
    expect(ta.redo()).toBe(true);
    expect(ta.value()).toBe('mine theirs');
    expect(ta.undo()).toBe(true);
    expect(ta.undo()).toBe(false);
    expect(sources).toEqual(['local', 'remote', 'undo', 'undo', 'undo']);
    ta.destroy();
    tb.destroy();
  });
});

describe('DocTodoModel', () => {
  it('adds, edits, checks, deletes and moves, and replicas agree', () => {
    const [a, b] = pair();
    const la = new DocTodoModel(a, a.getMap('todoItems'));
    const lb = new DocTodoModel(b, b.getMap('todoItems'));
    let notified = 0;
    lb.subscribe(() => notified++);

    la.add('one');
    la.add('  two  ');
    la.add('   ');
    lb.add('three');
    sync(a, b);
    sync(b, a);
    expect(la.items().map((i) => i.text)).toEqual(lb.items().map((i) => i.text));
    expect(la.items()).toHaveLength(3);
    expect(notified).toBeGreaterThan(0);

    const [first, second] = la.items();
    la.setDone(first!.id, true);
    lb.setText(second!.id, 'two, edited');
    la.move(first!.id, 2);
    sync(a, b);
    sync(b, a);
    const texts = la.items().map((i) => `${i.text}${i.done ? ' ✓' : ''}`);
    expect(texts[2]).toBe(`${first!.text} ✓`);
    expect(texts).toContain('two, edited');
    expect(lb.items()).toEqual(la.items());

    lb.remove(la.items()[2]!.id);
    sync(b, a);
    expect(la.items().map((i) => i.text)).not.toContain('one');
  });

  it('an item moved concurrently by two replicas ends in one place, with a concurrent text edit kept', () => {
    const [a, b] = pair();
    const la = new DocTodoModel(a, a.getMap('todoItems'));
    const lb = new DocTodoModel(b, b.getMap('todoItems'));
    for (const text of ['a', 'b', 'c', 'd']) la.add(text);
    sync(a, b);
    const id = la.items()[0]!.id;
    la.move(id, 3);
    lb.move(id, 2);
    lb.setText(id, 'A, edited while moving');
    sync(a, b);
    sync(b, a);
    expect(la.items()).toEqual(lb.items());
    const texts = la.items().map((i) => i.text);
    expect(texts).toHaveLength(4);
    expect([...texts].sort()).toEqual(['A, edited while moving', 'b', 'c', 'd']);
    // One of the two moves won: the item is third or last, and the others kept their order.
    expect([2, 3]).toContain(texts.indexOf('A, edited while moving'));
    expect(texts.filter((t) => t.length === 1)).toEqual(['b', 'c', 'd']);
    lb.remove(id);
    sync(b, a);
    expect(la.items().map((i) => i.text)).toEqual(['b', 'c', 'd']);
  });

  it('moves to the front, the back and between, and tolerates malformed remote fields', () => {
    const [a, b] = pair();
    const la = new DocTodoModel(a, a.getMap('todoItems'));
    for (const text of ['1', '2', '3', '4', '5']) la.add(text);
    const ids = la.items().map((i) => i.id);
    la.move(ids[4]!, 0);
    la.move(ids[0]!, 99);
    la.move(ids[2]!, 1);
    expect(la.items().map((i) => i.text)).toEqual(['5', '3', '2', '4', '1']);
    // A hostile or older replica writes junk: the list still renders every item.
    const junk = a.getMap('todoItems').setMap('zzz');
    junk.set('order', 42);
    junk.set('text', 7);
    a.getMap('todoItems').set('not-a-map', 'x');
    sync(a, b);
    const lb = new DocTodoModel(b, b.getMap('todoItems'));
    expect(lb.items().map((i) => i.text)).toEqual(['', '5', '3', '2', '4', '1']);
  });
});

describe('DocCounterModel', () => {
  it('sums concurrent increments and decrements', () => {
    const [a, b] = pair();
    const ca = new DocCounterModel(a, a.getCounter('counter'));
    const cb = new DocCounterModel(b, b.getCounter('counter'));
    let changes = 0;
    cb.subscribe(() => changes++);
    ca.add(3);
    ca.add(-1);
    cb.add(-5);
    cb.add(0);
    sync(a, b);
    sync(b, a);
    expect(ca.value()).toBe(-3);
    expect(cb.value()).toBe(-3);
    expect(changes).toBe(2);
  });
});
