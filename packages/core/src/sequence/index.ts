export { Item } from './item.js';
export { LEAF_MAX, SequenceIndex } from './leaf-index.js';
export { Sequence } from './sequence.js';
