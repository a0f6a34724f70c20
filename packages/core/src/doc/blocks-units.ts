/**
 * The units and mark keys of a `Blocks` text (see `blocks-layout.ts`): the boundary and slot units,
 * the reserved keys of the marks that hold a block's type, attributes and registers, and the ids
 * and type every replica gives a block without them.
 */

/** The unit that starts a block (a Unicode noncharacter, never valid in user text). */
export const MARKER = '\uFDD0';
/** A zero-width unit a block displays after when moved (a Unicode noncharacter too). */
export const SLOT = '\uFDD1';
/** Mark key holding a block's type on its boundary. */
export const TYPE_KEY = '\u0000type';
/** Mark key holding a block's move register: `[slotId, wall, logical]`. */
export const MOVE_KEY = '\u0000move';
/** Mark key holding a block's merge register: `[targetBlockId, wall, logical]` (a join not in place). */
export const MERGE_KEY = '\u0000merge';
/** Prefix of the mark keys holding a block's attributes (`prefix + name`). */
export const ATTR_PREFIX = '\u0001';
/** Id of the implicit first paragraph: the characters before every boundary. */
export const VIRTUAL_ID = 'virtual';
/** Type of a block without a (valid) type mark. */
export const DEFAULT_TYPE = 'paragraph';

/** True for mark keys that belong to blocks (reserved: refused as inline attribute names). */
export function isBlockKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return c === 0 || c === 1;
}
