import {
  AccordError,
  type Doc,
  type DocMap,
  type List,
  type Text,
  UndoManager,
  type UndoStackEvent,
} from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from '../sync/helpers.js';

/** A manager on `doc` with a manual clock. */
function managed(doc: Doc, timeout = 500): { um: UndoManager; clock: { t: number } } {
  const clock = { t: 0 };
  return { um: new UndoManager(doc, { now: () => clock.t, captureTimeout: timeout }), clock };
}

describe('UndoManager: text', () => {
  it('undoes own typing while a concurrent remote insert elsewhere stays', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getText('t').insert(0, 'hello world');
    syncBoth(a, b);
    const { um } = managed(a);
    a.getText('t').insert(5, ', dear');
    b.getText('t').insert(11, '!');
    syncBoth(a, b);
    expect(a.getText('t').toString()).toBe('hello, dear world!');
    expect(um.undo()).toBe(true);
    expect(a.getText('t').toString()).toBe('hello world!');
    syncBoth(a, b);
    expect(b.getText('t').toString()).toBe('hello world!');
    expect(um.redo()).toBe(true);
    expect(a.getText('t').toString()).toBe('hello, dear world!');
    expect(um.canRedo()).toBe(false);
  });

  it('undo of a delete restores the text between its neighbours after remote edits', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getText('t').insert(0, 'abcdef');
    syncBoth(a, b);
    const { um } = managed(a);
    a.getText('t').delete(2, 2); // "abef"
    syncBoth(a, b);
    b.getText('t').insert(0, '>');
    b.getText('t').insert(3, 'X'); // ">abXef" (X typed where cd was)
    syncBoth(a, b);
    expect(a.getText('t').toString()).toBe('>abXef');
    um.undo();
    const s = a.getText('t').toString();
    expect(['>abcdXef', '>abXcdef']).toContain(s);
    syncBoth(a, b);
    expect(b.getText('t').toString()).toBe(s);
    um.redo();
    expect(a.getText('t').toString()).toBe('>abXef');
  });

  it('restores backspaced text in order', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    t.insert(0, 'abcd');
    const { um } = managed(a);
    t.delete(3, 1);
    t.delete(2, 1);
    t.delete(1, 1);
    expect(t.toString()).toBe('a');
    um.undo();
    expect(t.toString()).toBe('abcd');
    expect(um.canUndo()).toBe(false);
  });

  it('never removes text another replica typed, even inside own text', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const { um } = managed(a);
    a.getText('t').insert(0, 'mine');
    syncBoth(a, b);
    b.getText('t').insert(2, 'THEIRS');
    syncBoth(a, b);
    um.undo();
    expect(a.getText('t').toString()).toBe('THEIRS');
  });

  it('undoing an insert someone else already deleted changes nothing', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const { um } = managed(a);
    a.getText('t').insert(0, 'xyz');
    syncBoth(a, b);
    b.getText('t').delete(0, 3);
    b.getText('t').insert(0, 'new');
    syncBoth(a, b);
    const updates: Uint8Array[] = [];
    a.on('update', (u) => updates.push(u));
    expect(um.undo()).toBe(true);
    expect(a.getText('t').toString()).toBe('new');
    expect(updates).toHaveLength(0);
  });

  it('an insert then delete inside one step is undone as a whole', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    t.insert(0, '__');
    const { um } = managed(a);
    t.insert(1, 'abc');
    t.delete(2, 1);
    t.delete(0, 1);
    expect(t.toString()).toBe('ac_');
    um.undo();
    expect(t.toString()).toBe('__');
    um.redo();
    expect(t.toString()).toBe('ac_');
  });
});

describe('UndoManager: grouping and stacks', () => {
  it('groups changes by time with the injected clock, and stopCapturing splits', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    const { um, clock } = managed(a, 500);
    t.insert(0, 'a');
    clock.t = 300;
    t.insert(1, 'b');
    clock.t = 700;
    t.insert(2, 'c'); // 400 ms after the last change: same step
    clock.t = 1300;
    t.insert(3, 'd'); // 600 ms later: new step
    um.stopCapturing();
    clock.t = 1310;
    t.insert(4, 'e');
    expect(um.undoSize).toBe(3);
    um.undo();
    expect(t.toString()).toBe('abcd');
    um.undo();
    expect(t.toString()).toBe('abc');
    um.undo();
    expect(t.toString()).toBe('');
    expect(um.undo()).toBe(false);
    um.redo();
    um.redo();
    expect(t.toString()).toBe('abcd');
    t.insert(0, '!');
    expect(um.canRedo()).toBe(false);
  });

  it('keeps at most maxSteps, clears, emits stack events', () => {
    const a = makeDoc(1);
    let now = 0;
    const um = new UndoManager(a, { maxSteps: 2, now: () => now });
    const events: UndoStackEvent[] = [];
    um.on('stack-change', (e) => events.push(e));
    for (const ch of 'xyz') {
      now += 1000;
      a.getText('t').insert(0, ch);
    }
    expect(um.undoSize).toBe(2);
    um.undo();
    um.undo();
    expect(a.getText('t').toString()).toBe('x');
    expect(um.undo()).toBe(false);
    expect(events.map((e) => e.reason)).toEqual(['add', 'add', 'add', 'undo', 'undo']);
    expect(events[4]).toMatchObject({ undoSize: 0, redoSize: 2 });
    um.clear();
    expect(um.canRedo()).toBe(false);
    expect(events[events.length - 1]?.reason).toBe('clear');
  });

  it('tracks only the scope and the tracked origins; remote updates are never tracked', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const origin = { editor: true };
    const um = new UndoManager(a, { scope: a.getText('t'), trackedOrigins: [origin] });
    a.transact(() => a.getText('t').insert(0, 'tracked'), origin);
    a.getText('t').insert(0, 'untracked ');
    a.transact(() => a.getText('other').insert(0, 'out of scope'), origin);
    b.getText('t').insert(0, 'remote ');
    syncBoth(a, b);
    expect(um.undoSize).toBe(1);
    um.undo();
    expect(['remote untracked ', 'untracked remote ']).toContain(a.getText('t').toString());
    expect(a.getText('other').toString()).toBe('out of scope');
    class Binding {}
    const byClass = new UndoManager(a, { trackedOrigins: [Binding] });
    a.transact(() => a.getText('t').insert(0, '#'), new Binding());
    a.getText('t').insert(0, '-');
    expect(byClass.undoSize).toBe(1);
    byClass.undo();
    expect(a.getText('t').toString().startsWith('-')).toBe(true);
    expect(a.getText('t').toString()).not.toContain('#');
  });

  it('does not track transactions of another undo manager, and rejects bad options', () => {
    const a = makeDoc(1);
    const um1 = new UndoManager(a, { scope: a.getText('t') });
    const um2 = new UndoManager(a);
    a.getText('t').insert(0, 'x');
    um1.undo();
    expect(um2.undoSize).toBe(1);
    expect(() => new UndoManager(a, { maxSteps: 0 })).toThrow(AccordError);
    expect(() => new UndoManager(a, { scope: makeDoc(3).getText('t') })).toThrow(AccordError);
    a.getText('t').insert(0, 'z');
    expect(() => a.transact(() => um2.undo())).toThrow(AccordError);
    expect(um2.undoSize).toBe(1);
    um2.destroy();
    a.getText('t').insert(0, 'y');
    expect(um2.undoSize).toBe(0);
  });
});

describe('UndoManager: lists, maps and counters', () => {
  it('reverts map sets to the previous value unless another replica changed the key since', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const m: DocMap = a.getMap('m');
    m.set('title', 'draft');
    m.set('owner', 'ann');
    syncBoth(a, b);
    const { um, clock } = managed(a);
    m.set('title', 'final');
    m.set('owner', 'bob');
    m.set('fresh', 1);
    m.delete('gone');
    syncBoth(a, b);
    b.getMap('m').set('owner', 'carol');
    syncBoth(a, b);
    clock.t = 10_000;
    um.undo();
    expect(a.getMap('m').toJSON()).toEqual({ title: 'draft', owner: 'carol' });
    um.redo();
    expect(a.getMap('m').toJSON()).toEqual({ title: 'final', owner: 'carol', fresh: 1 });
    syncBoth(a, b);
    expect(b.getMap('m').toJSON()).toEqual(a.getMap('m').toJSON());
  });

  it('undoes successive writes of one key step by step, and redoes them', () => {
    const a = makeDoc(1);
    const m = a.getMap('m');
    const { um, clock } = managed(a);
    m.set('k', 1);
    clock.t = 1000;
    m.set('k', 2);
    clock.t = 2000;
    m.delete('k');
    um.undo();
    expect(m.get('k')).toBe(2);
    um.undo();
    expect(m.get('k')).toBe(1);
    um.undo();
    expect(m.has('k')).toBe(false);
    um.redo();
    um.redo();
    expect(m.get('k')).toBe(2);
    um.redo();
    expect(m.has('k')).toBe(false);
  });

  it('a concurrent remote write of the key stays visible after undo', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const { um } = managed(a);
    a.getMap('m').set('k', 'ours');
    b.getMap('m').set('k', 'theirs');
    syncBoth(a, b);
    um.undo();
    syncBoth(a, b);
    expect(a.getMap('m').getAll('k')).toEqual(['theirs']);
    expect(b.getMap('m').getAll('k')).toEqual(['theirs']);
  });

  it('undoes a map delete and restores nested containers as copies', () => {
    const a = makeDoc(1);
    const m = a.getMap('m');
    const inner = m.setText('body');
    inner.insert(0, 'keep me');
    const { um } = managed(a);
    m.delete('body');
    expect(a.toJSON()).toEqual({ m: {} });
    um.undo();
    expect(a.toJSON()).toEqual({ m: { body: 'keep me' } });
  });

  it('undoes list inserts and deletes, including elements holding containers', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const l: List = a.getList('l');
    l.push(1, 2, 3);
    const todo = l.insertMap(3);
    todo.set('text', 'buy milk');
    syncBoth(a, b);
    const { um, clock } = managed(a);
    l.delete(1, 3);
    b.getList('l').insert(0, 'remote');
    syncBoth(a, b);
    expect(a.getList('l').toJSON()).toEqual(['remote', 1]);
    um.undo();
    expect(a.getList('l').toJSON()).toEqual(['remote', 1, 2, 3, { text: 'buy milk' }]);
    clock.t = 5000;
    l.push('x');
    um.undo();
    expect(a.getList('l').toJSON()).toEqual(['remote', 1, 2, 3, { text: 'buy milk' }]);
  });

  it('undoes a list move (delete and insert in one transaction) as one step', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const l = a.getList('todo');
    l.push('a', 'b', 'c', 'd');
    syncBoth(a, b);
    const { um } = managed(a);
    a.transact(() => {
      l.delete(0, 1);
      l.insert(2, 'a');
    });
    b.getList('todo').push('e');
    syncBoth(a, b);
    expect(l.toJSON()).toEqual(['b', 'c', 'a', 'd', 'e']);
    um.undo();
    expect(l.toJSON()).toEqual(['a', 'b', 'c', 'd', 'e']);
    syncBoth(a, b);
    expect(b.getList('todo').toJSON()).toEqual(['a', 'b', 'c', 'd', 'e']);
    um.redo();
    expect(l.toJSON()).toEqual(['b', 'c', 'a', 'd', 'e']);
  });

  it('undo and redo follow containers that undo rebuilt (a checked then deleted todo, text typed in a removed note)', () => {
    const a = makeDoc(1);
    const todos = a.getList('todos');
    const todo = todos.insertMap(0);
    todo.set('done', false);
    todo.setText('title').insert(0, 'milk');
    const { um, clock } = managed(a);
    todo.set('done', true);
    (todo.get('title') as Text).insert(4, '!');
    clock.t = 1000;
    todos.delete(0, 1);
    um.undo();
    expect(todos.toJSON()).toEqual([{ done: true, title: 'milk!' }]);
    um.undo();
    expect(todos.toJSON()).toEqual([{ done: false, title: 'milk' }]);
    um.redo();
    um.redo();
    expect(todos.toJSON()).toEqual([]);

    const m = a.getMap('meta');
    clock.t = 5000;
    const note = m.setText('note');
    clock.t = 7000;
    note.insert(0, ' ');
    note.insert(0, '!');
    um.undo();
    um.undo();
    expect(m.has('note')).toBe(false);
    um.redo();
    um.redo();
    expect(m.toJSON()).toEqual({ note: '! ' });
  });

  it('tracks roots that appear after the manager was created (whole-document scope)', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const { um } = managed(a);
    b.getText('late').insert(0, 'remote text');
    syncBoth(a, b);
    a.getText('late').delete(6, 5);
    expect(a.getText('late').toString()).toBe('remote');
    um.undo();
    expect(a.getText('late').toString()).toBe('remote text');
    const fresh = a.getText('fresh');
    fresh.insert(0, 'abc');
    um.undo();
    expect(fresh.toString()).toBe('');
  });

  it('undoes counter increments with the opposite increment, keeping remote ones', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const { um } = managed(a);
    a.getCounter('c').increment(5);
    a.getCounter('c').decrement(2);
    b.getCounter('c').increment(10);
    syncBoth(a, b);
    expect(a.getCounter('c').value).toBe(13);
    um.undo();
    expect(a.getCounter('c').value).toBe(10);
    um.redo();
    syncBoth(a, b);
    expect(b.getCounter('c').value).toBe(13);
  });

  it('tracks nested text created after the manager, and a text the document had before', () => {
    const a = makeDoc(1);
    const t: Text = a.getText('pre');
    t.insert(0, 'old');
    const { um, clock } = managed(a);
    t.delete(0, 3);
    clock.t = 1000;
    const n = a.getMap('cfg').setText('note');
    clock.t = 2000;
    n.insert(0, 'hi');
    clock.t = 3000;
    n.delete(0, 1);
    um.undo();
    expect(n.toString()).toBe('hi');
    um.undo();
    expect(n.toString()).toBe('');
    um.undo();
    expect(a.getMap('cfg').has('note')).toBe(false);
    um.undo();
    expect(t.toString()).toBe('old');
  });
});
