/**
 * Empty arrays made in the elements kind they have once they hold objects.
 *
 * V8 gives a `[]` the kind "small integers" and changes it at the first object stored. Code that
 * V8 optimized on arrays already holding objects checks that kind, so the first document, table
 * or listener list made afterwards, whose `[]` still has the first kind, deoptimizes it ("wrong
 * map") and it is compiled again: tens of milliseconds of compiling on two cores for a function
 * such as `Doc.transact`, which inlines a whole edit.
 */

/** An empty array of the kind arrays of objects have (push objects or `undefined` only). */
export function emptyObjectArray<T>(): T[] {
  const a: unknown[] = [undefined];
  a.pop();
  return a as T[];
}
