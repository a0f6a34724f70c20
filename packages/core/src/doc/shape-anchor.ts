/**
 * One small document kept for the life of the process, so that the engine keeps the object
 * shapes of the document's classes.
 *
 * V8 builds the shape (hidden class) of a class's instances field by field from the class's
 * initial one, and holds the shapes so built only weakly: they live while some object has them.
 * Optimized code checks objects against these shapes and holds them weakly too. When the last
 * document dies (an editor switching documents, a relay unloading its last room, a replica
 * replaced by a fresh one), a full garbage collection frees the shapes of `Doc`, `Text`, `Item`,
 * the position index, the struct store and the rest, and with them V8 throws away the optimized
 * code of every function that saw them ("weak objects" deoptimizations). The next document then
 * runs unoptimized until V8 compiles everything again: in the trace bench, a fresh replica
 * applying clownschool's 23,136 updates took 36–42 ms after such a collection against 15–20 ms
 * without one.
 *
 * The document held here is made empty by the first `new Doc()` of the process (nothing at
 * import). The first time any document makes a container of a kind (a text, a map, a list, a
 * counter), the held document gets one of that kind and edits it once: the shapes of the paths
 * the process uses stay alive, and no code runs for a kind the process never uses. It costs a
 * few kilobytes.
 */

import type { ContainerKind } from '../format/kinds.js';

/** What the sample needs of the document class (a type, so this module imports no document). */
interface SampleDoc {
  getText(name: string): { insert(index: number, text: string): void };
  getMap(name: string): { set(key: string, value: unknown): void };
  getList(name: string): { push(...values: unknown[]): void };
  getCounter(name: string): { increment(delta?: number): void };
}

/** The document kept (null until the first document is made). */
let held: SampleDoc | null = null;
/** The container kinds the held document has. */
const heldKinds = new Set<ContainerKind>();
/** True while the held document is being made or edited (it calls back into this module). */
let making = false;

/**
 * Make and keep the (empty) sample document with `DocClass`, once per process; later calls, and
 * the call from the sample's own constructor, do nothing. Called at the end of the `Doc`
 * constructor.
 */
export function holdShapes(DocClass: new () => SampleDoc): void {
  if (held !== null || making) return;
  making = true;
  try {
    held = new DocClass();
  } finally {
    making = false;
  }
}

/**
 * Give the sample document a container of `kind`, edited once, unless it has one. Called when
 * any document makes a container.
 */
export function holdKind(kind: ContainerKind): void {
  if (held === null || making || heldKinds.has(kind)) return;
  making = true;
  heldKinds.add(kind);
  try {
    if (kind === 'text') held.getText('text').insert(0, 'x');
    else if (kind === 'map') held.getMap('map').set('key', 1);
    else if (kind === 'list') held.getList('list').push(1);
    else held.getCounter('counter').increment(1);
  } finally {
    making = false;
  }
}

/** The kinds of container the sample document holds (for tests). @internal */
export function heldShapeKinds(): ContainerKind[] {
  return [...heldKinds];
}
