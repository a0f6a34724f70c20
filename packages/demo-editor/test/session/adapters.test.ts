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

  it('resolves index anchors within the text', () => {
    const [a] = pair();
    const text = new DocTextModel(a, a.getText('text'));
    text.splice(0, 0, 'abc');
    expect(text.resolve(text.anchor(2, 'left'))).toBe(2);
    expect(text.resolve(99)).toBe(3);
  });
});

describe('DocTodoModel', () => {
  it('adds, edits, checks, deletes and moves, and replicas agree', () => {
    const [a, b] = pair();
    const la = new DocTodoModel(a, a.getList('todos'));
    const lb = new DocTodoModel(b, b.getList('todos'));
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

  it('shows an item moved concurrently by two replicas once, and deletes every copy', () => {
    const [a, b] = pair();
    const la = new DocTodoModel(a, a.getList('todos'));
    const lb = new DocTodoModel(b, b.getList('todos'));
    for (const text of ['a', 'b', 'c', 'd']) la.add(text);
    sync(a, b);
    const id = la.items()[0]!.id;
    la.move(id, 3);
    lb.move(id, 2);
    sync(a, b);
    sync(b, a);
    expect(la.items()).toEqual(lb.items());
    expect(
      la
        .items()
        .map((i) => i.text)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
    la.setText(id, 'A');
    la.remove(la.items().find((i) => i.text === 'b')!.id);
    sync(a, b);
    expect(
      lb
        .items()
        .map((i) => i.text)
        .sort(),
    ).toEqual(['A', 'c', 'd']);
    lb.remove(id);
    sync(b, a);
    expect(
      la
        .items()
        .map((i) => i.text)
        .sort(),
    ).toEqual(['c', 'd']);
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
