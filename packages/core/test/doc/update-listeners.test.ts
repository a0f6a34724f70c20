import { Doc } from '@accord/core';
import { describe, expect, it } from 'vitest';

describe("a document's 'update' listeners", () => {
  it('are all called when one throws, and the first error is rethrown after the change', () => {
    const doc = new Doc();
    const seen: string[] = [];
    doc.on('update', () => {
      seen.push('a');
      throw new Error('first');
    });
    doc.on('update', () => {
      seen.push('b');
      throw new Error('second');
    });
    doc.on('update', (u) => {
      seen.push(`c:${u.length > 0}`);
    });
    expect(() => doc.getText('t').insert(0, 'x')).toThrow('first');
    expect(seen).toEqual(['a', 'b', 'c:true']);
    expect(doc.getText('t').toString()).toBe('x');
  });

  it('added or removed by a listener take effect from the next update', () => {
    const doc = new Doc();
    const seen: string[] = [];
    const late = (): void => {
      seen.push('late');
    };
    let added = false;
    const first = (): void => {
      seen.push('first');
      if (!added) doc.on('update', late);
      added = true;
    };
    // A lone listener that adds another: the new one waits for the next update.
    doc.on('update', first);
    doc.getText('t').insert(0, 'x');
    expect(seen).toEqual(['first']);
    doc.getText('t').insert(0, 'y');
    expect(seen).toEqual(['first', 'first', 'late']);
    doc.off('update', first);
    // Among several: one removing another still lets that one see this update.
    const removed = (): void => {
      seen.push('removed');
    };
    const remover = (): void => {
      seen.push('remover');
      doc.off('update', removed);
    };
    doc.off('update', late);
    doc.on('update', remover);
    doc.on('update', removed);
    seen.length = 0;
    doc.getText('t').insert(0, 'z');
    expect(seen).toEqual(['remover', 'removed']);
    doc.getText('t').insert(0, 'w');
    expect(seen).toEqual(['remover', 'removed', 'remover']);
  });

  it('count a function added twice twice, until it is removed once', () => {
    const doc = new Doc();
    let calls = 0;
    const fn = (): void => {
      calls++;
    };
    doc.on('update', fn);
    doc.on('update', fn);
    doc.getText('t').insert(0, 'x');
    expect(calls).toBe(2);
    doc.off('update', fn);
    doc.getText('t').insert(0, 'y');
    expect(calls).toBe(3);
  });
});
