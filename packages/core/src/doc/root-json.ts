/**
 * How `Doc.toJSON()` shows the roots: by name, and a root name that has several kinds (see
 * `Doc.getRoot`).
 */
import { type ContainerKind, KINDS } from '../format/kinds.js';
import { setOwn } from '../own-keys.js';
import type { Container } from './container.js';

/**
 * The JSON of the roots of one name with several kinds (created concurrently by replicas that
 * chose different kinds): the value of each kind holding content, keyed by kind in the order map,
 * list, text, counter; with one kind holding content, its value alone; with none, the first's.
 */
export function rootsJSON(roots: Container[]): unknown {
  const values: [ContainerKind, unknown][] = KINDS.flatMap((k) => {
    const c = roots.find((r) => r.kind === k);
    return c === undefined ? [] : [[k, c.toJSON()] as [ContainerKind, unknown]];
  });
  const full = values.filter(([, v]) => !isEmptyValue(v));
  if (full.length === 0) return (values[0] as [ContainerKind, unknown])[1];
  if (full.length === 1) return (full[0] as [ContainerKind, unknown])[1];
  const out: Record<string, unknown> = {};
  for (const [k, v] of full) out[k] = v;
  return out;
}

/** True for the value of an empty container: `''`, `0`, `[]` or `{}`. */
function isEmptyValue(v: unknown): boolean {
  if (v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/**
 * The JSON of a document's roots (`Doc.toJSON`): `{ rootName: value }`, names sorted, a name with
 * several kinds shown by {@link rootsJSON}.
 */
export function docJSON(roots: Iterable<Container>): Record<string, unknown> {
  const byName = new Map<string, Container[]>();
  for (const c of roots) {
    const name = c.rootName as string;
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [c]);
    else list.push(c);
  }
  const out: Record<string, unknown> = {};
  for (const name of [...byName.keys()].sort()) {
    const list = byName.get(name) as Container[];
    const value = list.length === 1 ? (list[0] as Container).toJSON() : rootsJSON(list);
    setOwn(out, name, value);
  }
  return out;
}
