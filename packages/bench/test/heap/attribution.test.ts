import { describe, expect, it } from 'vitest';
import { attributeHeap, heapGrowth } from '../../src/heap/attribution.js';

/** A snapshot in V8's layout: nodes of [type, name, self_size] over the given tables. */
function snapshot(nodes: [number, number, number][], strings: string[]): unknown {
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'self_size'],
        node_types: [['hidden', 'array', 'string', 'object']],
      },
    },
    nodes: nodes.flat(),
    strings,
  };
}

describe('heap attribution', () => {
  it('sums nodes by type and constructor, strings by type alone', () => {
    const rows = attributeHeap(
      snapshot(
        [
          [3, 0, 72],
          [3, 0, 72],
          [3, 1, 56],
          [2, 2, 24],
          [2, 3, 40],
          [1, 4, 528],
        ],
        ['Item', 'Leaf', 'abc', 'defghijk', '(object elements)'],
      ),
    );
    expect([...rows.values()]).toEqual([
      { type: 'object', name: 'Item', count: 2, bytes: 144 },
      { type: 'object', name: 'Leaf', count: 1, bytes: 56 },
      { type: 'string', name: '', count: 2, bytes: 64 },
      { type: 'array', name: '(object elements)', count: 1, bytes: 528 },
    ]);
  });

  it('reports what grew or shrank between two snapshots, largest growth first', () => {
    const strings = ['Item', 'Leaf', 'Gone'];
    const before = attributeHeap(
      snapshot(
        [
          [3, 0, 72],
          [3, 1, 56],
          [3, 2, 10],
        ],
        strings,
      ),
    );
    const after = attributeHeap(
      snapshot(
        [
          [3, 0, 72],
          [3, 0, 72],
          [3, 0, 72],
          [3, 1, 56],
        ],
        strings,
      ),
    );
    expect(heapGrowth(before, after)).toEqual([
      { type: 'object', name: 'Item', count: 2, bytes: 144 },
      { type: 'object', name: 'Gone', count: -1, bytes: -10 },
    ]);
  });

  it('refuses what is not a snapshot', () => {
    expect(() => attributeHeap({ nodes: [] })).toThrow('not a V8 heap snapshot');
    expect(() => attributeHeap(null)).toThrow('not a V8 heap snapshot');
  });
});
