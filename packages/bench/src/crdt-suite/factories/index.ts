/** The libraries `bench:crdt` runs, by name. */
import type { CrdtFactory } from '../types.js';
import { accordFactory } from './accord.js';
import { automergeFactory } from './automerge.js';
import { loroFactory } from './loro.js';
import { yjsFactory } from './yjs.js';

/** Library names in table order. */
export const suiteLibs = ['accord', 'yjs', 'loro', 'automerge'] as const;
/** One of {@link suiteLibs}. */
export type SuiteLib = (typeof suiteLibs)[number];

/** The factory of `lib`. */
export function factoryOf(lib: SuiteLib): CrdtFactory {
  switch (lib) {
    case 'accord':
      return accordFactory;
    case 'yjs':
      return yjsFactory;
    case 'loro':
      return loroFactory;
    case 'automerge':
      return automergeFactory;
  }
}
