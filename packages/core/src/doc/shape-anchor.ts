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
 * The document held here has one text, one map and one list, each edited once: every shape a
 * document's common paths make stays alive, and so does the code compiled for them. It is made
 * by the first `new Doc()` of the process (nothing at import) and costs a few kilobytes.
 */

/** What the sample needs of the document class (a type, so this module imports no document). */
interface SampleDoc {
  getText(name: string): { insert(index: number, text: string): void };
  getMap(name: string): { set(key: string, value: unknown): void };
  getList(name: string): { push(...values: unknown[]): void };
}

/** The document kept (null until the first document is made). */
let held: SampleDoc | null = null;
/** True while the sample is being made (its own constructor calls {@link holdShapes} again). */
let making = false;

/**
 * Make and keep the sample document with `DocClass`, once per process; later calls (and the call
 * from the sample's own constructor) do nothing. Called at the end of the `Doc` constructor.
 */
export function holdShapes(DocClass: new () => SampleDoc): void {
  if (held !== null || making) return;
  making = true;
  try {
    const doc = new DocClass();
    doc.getText('text').insert(0, 'x');
    doc.getMap('map').set('key', 1);
    doc.getList('list').push(1);
    held = doc;
  } finally {
    making = false;
  }
}

/** Whether the sample document has been made (for tests). @internal */
export function shapesHeld(): boolean {
  return held !== null;
}
