export * from './anchor.js';
export { Container, type ContainerKind } from './container.js';
export { Counter } from './counter.js';
export { Doc, type DocOptions, type UpdateListener } from './doc.js';
export type { ChangeEvent, ChangeListener, DeepChangeListener, SequenceChange } from './events.js';
export { List } from './list.js';
export { DocMap } from './map.js';
export { Text } from './text.js';
export * from './undo-manager.js';
