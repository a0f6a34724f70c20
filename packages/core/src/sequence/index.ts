/**
 * The sequence CRDT shared by text and lists (items, the position index, integration). Sees
 * its document only through the interfaces of `env.ts`; imports nothing from `doc/` (see
 * ../README.md).
 */

export { Item } from './item.js';
export { LEAF_MAX, SequenceIndex } from './leaf-index.js';
export { Sequence } from './sequence.js';
